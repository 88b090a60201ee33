// Bounds-checked little-endian reader over the uploaded payload bytes. Reads past the end give 0
// and clear `ok` instead of trapping; callers check ranges first and use `ok` as a safety net.

import { hex, hexBytes } from "./fmt";

export class Bytes {
  data: Uint8Array;
  ok: bool = true;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  get length(): i32 {
    return this.data.length;
  }

  /** True when [off, off+len) lies inside the data (u64 arithmetic, so nothing wraps). */
  has(off: u64, len: u64): bool {
    const n = <u64>this.data.length;
    return off <= n && len <= n - off;
  }

  u8(off: u64): u32 {
    if (!this.has(off, 1)) {
      this.ok = false;
      return 0;
    }
    return <u32>unchecked(this.data[<i32>off]);
  }

  le(off: u64, size: i32): u64 {
    if (!this.has(off, <u64>size)) {
      this.ok = false;
      return 0;
    }
    // wasm is little-endian: the common sizes are one load.
    const at = this.data.dataStart + <usize>off;
    if (size == 8) return load<u64>(at);
    if (size == 4) return <u64>load<u32>(at);
    if (size == 2) return <u64>load<u16>(at);
    let v: u64 = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | <u64>load<u8>(at + <usize>i);
    return v;
  }

  u16(off: u64): u32 {
    return <u32>this.le(off, 2);
  }

  u32(off: u64): u32 {
    return <u32>this.le(off, 4);
  }

  u64(off: u64): u64 {
    return this.le(off, 8);
  }

  /** Copy of [off, off+len), or an empty array when out of range. */
  slice(off: u64, len: u64): Uint8Array {
    if (!this.has(off, len)) {
      this.ok = false;
      return new Uint8Array(0);
    }
    return this.data.slice(<i32>off, <i32>(off + len));
  }
}

// One allocation each (see fmt.ts): payloadJson and upload notes format many of these.
export function toHex(b: Uint8Array): string {
  return hexBytes(b);
}

export function hex64(v: u64): string {
  return "0x" + hex(v);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
