// Text helpers for the actions side's console lines and events (hex the way Xen prints it).

const DIGITS = "0123456789abcdef";

/** Lower-case hex of `v`, at least `width` digits. */
export function hex(v: u64, width: i32 = 1): string {
  let s = "";
  let x = v;
  do {
    s = DIGITS.charAt(<i32>(x & 15)) + s;
    x >>= 4;
  } while (x != 0);
  while (s.length < width) s = "0" + s;
  return s;
}

export function addrStr(v: u64): string {
  return "0x" + hex(v);
}

/** Xen's `%p`: zero-padded to the pointer width, no prefix. */
export function ptrStr(v: u64, is64: bool): string {
  return hex(v, is64 ? 16 : 8);
}

/** Bytes as `e9 9b ca 7c 00`-style hex without separators: "e99bca7c00". */
export function hexBytes(b: Uint8Array, len: i32 = -1): string {
  const n = len < 0 || len > b.length ? b.length : len;
  let s = "";
  for (let i = 0; i < n; i++) {
    const v = <i32>unchecked(b[i]);
    s += DIGITS.charAt(v >> 4) + DIGITS.charAt(v & 15);
  }
  return s;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (unchecked(a[i]) != unchecked(b[i])) return false;
  return true;
}
