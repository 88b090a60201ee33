// Number and byte formatting shared by every view (monospace columns, readelf-like spelling).

export function hex(value: number | bigint, pad = 0): string {
  const v = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString(16).padStart(pad, "0");
  return `${neg ? "-" : ""}0x${digits}`;
}

/** Address column without prefix, zero-padded to the ELF class width. */
export function addr(value: bigint, elfClass: 32 | 64): string {
  return BigInt.asUintN(elfClass, value).toString(16).padStart(elfClass / 4, "0");
}

export function bytesHex(bytes: Uint8Array, max = Infinity): string {
  const n = Math.min(bytes.length, max);
  let s = "";
  for (let i = 0; i < n; i++) s += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
  return n < bytes.length ? `${s} …` : s;
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** "1 note", "2 notes", "1,205,351 relocations": a count with its noun agreeing. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${grouped(n)} ${n === 1 ? noun : plural}`;
}

/**
 * 1234567 → "1,234,567", as `toLocaleString("en-US")` spells it. Hand-rolled because the first
 * Intl call in a page loads locale data (tens of ms on the main thread) right when a big file is
 * first shown.
 */
export function grouped(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const [int, frac] = String(Math.abs(n)).split(".");
  if (int.includes("e")) return String(n);
  let out = "";
  for (let i = int.length; i > 0; i -= 3) out = int.slice(Math.max(0, i - 3), i) + (out ? `,${out}` : "");
  return `${neg ? "-" : ""}${out}${frac ? `.${frac}` : ""}`;
}
