// NUL-terminated strings inside a string table, read safely: a string never extends past its
// table, a table without a final NUL is read up to its end (as readelf does) and flagged once.
import { MAX_STRING_LENGTH } from "./limits.ts";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Decode `bytes[start, end)`; ASCII takes a fast path without TextDecoder. */
export function decodeString(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n <= 64) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}

export interface StringRead {
  value: string;
  /** Bytes consumed from the table (excluding the NUL). */
  length: number;
  /** False when the string ran into the table's end without a NUL, or was cut at MAX_STRING_LENGTH. */
  terminated: boolean;
}

/**
 * The string at `index` in the table `bytes[tableOffset, tableOffset+tableSize)`, or null when
 * `index` lies outside the table.
 */
export function readTableString(bytes: Uint8Array, tableOffset: number, tableSize: number, index: number): StringRead | null {
  if (!(index >= 0 && index < tableSize)) return null;
  const start = tableOffset + index;
  const tableEnd = tableOffset + tableSize;
  const limit = Math.min(tableEnd, start + MAX_STRING_LENGTH);
  let end = start;
  while (end < limit && bytes[end] !== 0) end++;
  return { value: decodeString(bytes, start, end), length: end - start, terminated: end < limit };
}
