// NUL-terminated strings inside a string table, read safely: a string never extends past its
// table, a table without a final NUL is read up to its end (as readelf does) and flagged once.
import { MAX_STRING_LENGTH } from "./limits.ts";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A name's bytes (an ELF string table's, a payload's string, what Xen holds and prints with %s)
 * as a string that keeps every byte: UTF-8 where the bytes are UTF-8, and each byte that is not as
 * the lone surrogate U+DC80 + byte (Python's surrogateescape), which every view spells `\xNN`
 * (printable(), and escapeName() in src/livepatch/label.ts). A replacement character would lose
 * which byte it was, and two names differing only there would read the same.
 */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // some byte is not UTF-8: byte by byte, below
  }
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n > 0 && i + n <= bytes.length) {
      try {
        out += strictUtf8.decode(bytes.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // not UTF-8: the lead byte alone, below
      }
    }
    out += String.fromCharCode(0xdc00 + c);
    i++;
  }
  return out;
}

/** Decode `bytes[start, end)` as decodeBytes() does; ASCII takes a fast path without TextDecoder. */
export function decodeString(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n <= 64) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decodeBytes(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeBytes(bytes.subarray(start, end));
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

/** Characters a table reader may scan in total before each read is cut to SHORT_STRING. */
const scanBudget = (tableSize: number): number => 8 * tableSize + (16 << 20);
const SHORT_STRING = 256;

/**
 * A reader for one string table. When the table is pure ASCII it is decoded once and each
 * string is a substring of that (no per-name decoding, little garbage); otherwise it falls back
 * to `readTableString`. Total scanning is budgeted, so a hostile table without NULs read at a
 * million offsets stays linear: past the budget each string is cut at SHORT_STRING bytes.
 */
export function tableStrings(bytes: Uint8Array, tableOffset: number, tableSize: number): (index: number) => StringRead | null {
  const table = bytes.subarray(tableOffset, tableOffset + tableSize);
  let ascii = true;
  for (let i = 0; i < table.length; i++) {
    if (table[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  const text = ascii ? utf8.decode(table) : "";
  const lastNul = ascii ? text.lastIndexOf("\0") : -1;
  let scanned = 0;
  const budget = scanBudget(tableSize);
  return (index) => {
    if (!(index >= 0 && index < tableSize)) return null;
    const cap = scanned > budget ? SHORT_STRING : MAX_STRING_LENGTH;
    const limit = Math.min(tableSize, index + cap);
    if (!ascii || cap === SHORT_STRING) {
      let end = index;
      while (end < limit && table[end] !== 0) end++;
      scanned += end - index + 1;
      return { value: decodeString(table, index, end), length: end - index, terminated: end < limit };
    }
    const nul = index <= lastNul ? text.indexOf("\0", index) : -1;
    scanned += (nul >= 0 ? nul : limit) - index + 1;
    const end = nul >= 0 && nul < limit ? nul : limit;
    return { value: text.substring(index, end), length: end - index, terminated: end === nul };
  };
}
