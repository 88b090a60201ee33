// Scalar reads and writes of simulated memory for the native services and the struct builders,
// straight from the page bytes (no allocation per access). Reads ignore permissions except that
// the page must be mapped; writes need a writable page, as Xen's own stores would.
import { pageBytes, permAt, permWritable, memWriteLe, PAGE_SHIFT, PAGE_SIZE } from "../memory";

/** Cleared by a read that touched an unmapped byte. */
export let readOk: bool = true;

export function readByte(a: u64): i32 {
  const p = pageBytes(a >> PAGE_SHIFT);
  if (p == 0) {
    readOk = false;
    return 0;
  }
  readOk = true;
  return <i32>load<u8>(p + <usize>(a & (PAGE_SIZE - 1)));
}

/** Little-endian read of `size` (1..8) bytes; readOk says whether every byte was mapped. */
export function readLe(a: u64, size: i32): u64 {
  const off = a & (PAGE_SIZE - 1);
  if (off + <u64>size <= PAGE_SIZE) {
    const p = pageBytes(a >> PAGE_SHIFT);
    if (p == 0) {
      readOk = false;
      return 0;
    }
    readOk = true;
    const at = p + <usize>off;
    if (size == 8) return load<u64>(at);
    if (size == 4) return <u64>load<u32>(at);
    if (size == 2) return <u64>load<u16>(at);
    if (size == 1) return <u64>load<u8>(at);
  }
  let v: u64 = 0;
  for (let i = size - 1; i >= 0; i--) {
    v = (v << 8) | <u64>readByte(a + <u64>i);
    if (!readOk) return 0;
  }
  return v;
}

/** A store of `size` bytes by Xen code: false (nothing written) when a page is not writable. */
export function writeInt(a: u64, v: u64, size: i32): bool {
  if (!permWritable(permAt(a)) || !permWritable(permAt(a + <u64>(size - 1)))) return false;
  return memWriteLe(a, v, size);
}
