// Text helpers for the actions side's console lines and events (hex the way Xen prints it).

// Built with one allocation each: the event log formats thousands of these per action, and
// per-character concatenation kept the incremental GC busy.
const ZERO: i32 = 0x30;

function digit(n: i32): i32 {
  return n < 10 ? ZERO + n : 0x57 + n;
}

/** Lower-case hex of `v`, at least `width` digits. */
export function hex(v: u64, width: i32 = 1): string {
  let n = 1;
  for (let x = v >> 4; x != 0; x >>= 4) n++;
  if (n < width) n = width;
  const s = changetype<string>(__new(<usize>n << 1, idof<string>()));
  const out = changetype<usize>(s);
  let x = v;
  for (let i = n - 1; i >= 0; i--) {
    store<u16>(out + (<usize>i << 1), <u16>digit(<i32>(x & 15)));
    x >>= 4;
  }
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
  if (n <= 0) return "";
  const s = changetype<string>(__new(<usize>n << 2, idof<string>()));
  const out = changetype<usize>(s);
  for (let i = 0; i < n; i++) {
    const v = <i32>unchecked(b[i]);
    store<u16>(out + (<usize>i << 2), <u16>digit(v >> 4));
    store<u16>(out + (<usize>i << 2) + 2, <u16>digit(v & 15));
  }
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
