// Text and hex formatting of file bytes. Numbers are read through src/elf's ByteReader.
import { decodeBytes } from "../elf/index.ts";

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function hexNum(n: number | bigint): string {
  return n < 0 ? `-0x${(-BigInt(n)).toString(16)}` : `0x${n.toString(16)}`;
}

/** A payload's string: its bytes kept, one that is not UTF-8 as U+DC80 + byte (decodeBytes()). */
export function text(bytes: Uint8Array): string {
  return decodeBytes(bytes);
}
