// Text and hex formatting of file bytes. Numbers are read through src/elf's ByteReader.

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function hexNum(n: number | bigint): string {
  return n < 0 ? `-0x${(-BigInt(n)).toString(16)}` : `0x${n.toString(16)}`;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
