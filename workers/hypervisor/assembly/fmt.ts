// Text helpers for the actions side's console lines and events (hex the way Xen prints it).

// Built with one allocation each (the event log formats thousands of these per action, and
// per-character concatenation kept the incremental GC busy), their digits written by textout.ts's
// pointer-level writers: one spelling of a number for the whole wasm.
import { hexDigitCount, storeAddr, storeHex, storeHexBytes } from "./textout";

/** A string of `n` characters, to be filled in place. */
function blank(n: i32): string {
  return changetype<string>(__new(<usize>n << 1, idof<string>()));
}

/** Lower-case hex of `v`, at least `width` digits. */
export function hex(v: u64, width: i32 = 1): string {
  let n = hexDigitCount(v);
  if (n < width) n = width;
  const s = blank(n);
  storeHex(changetype<usize>(s), v, n);
  return s;
}

/** "0x" and the hex digits of `v`. */
export function addrStr(v: u64): string {
  const s = blank(hexDigitCount(v) + 2);
  storeAddr(changetype<usize>(s), v);
  return s;
}

/** Xen's `%p`: zero-padded to the pointer width, no prefix. */
export function ptrStr(v: u64, is64: bool): string {
  return hex(v, is64 ? 16 : 8);
}

/** Bytes as `e9 9b ca 7c 00`-style hex without separators: "e99bca7c00". */
export function hexBytes(b: Uint8Array, len: i32 = -1): string {
  const n = len < 0 || len > b.length ? b.length : len;
  if (n <= 0) return "";
  const s = blank(n << 1);
  storeHexBytes(changetype<usize>(s), b, n);
  return s;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (unchecked(a[i]) != unchecked(b[i])) return false;
  return true;
}

/**
 * The `len` bytes at `ptr` as a string of the same char codes (what String.fromCharCode gives per
 * byte), built in one allocation: payload names and symbols are read thousands at a time.
 */
export function latin1(ptr: usize, len: i32): string {
  if (len <= 0) return "";
  const s = changetype<string>(__new(<usize>len << 1, idof<string>()));
  const out = changetype<usize>(s);
  for (let i = 0; i < len; i++) store<u16>(out + (<usize>i << 1), load<u8>(ptr + <usize>i));
  return s;
}
