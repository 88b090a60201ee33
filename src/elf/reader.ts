// The only place that reads numbers out of file bytes. Every read is bounds-checked; the column
// readers check the whole strided range once and then run a tight loop with no allocation.
import { ElfFormatError, hex } from "./errors.ts";

const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The same file bytes read as 32- and as 64-bit words. */
export interface LittleWords {
  u32: Uint32Array;
  u64: BigUint64Array;
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly le: boolean;
  private readonly view: DataView;
  private wordViews: LittleWords | null | undefined;

  constructor(bytes: Uint8Array, littleEndian: boolean) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.le = littleEndian;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True when `[offset, offset+size)` lies inside the file (integers, no overflow). */
  has(offset: number, size: number): boolean {
    return Number.isSafeInteger(offset) && Number.isSafeInteger(size) && offset >= 0 && size >= 0 && offset + size <= this.length;
  }

  private check(offset: number, size: number): void {
    if (!this.has(offset, size)) {
      throw new ElfFormatError("TRUNCATED_HEADER", Math.max(0, Math.min(offset, this.length)), `read of ${size} bytes at ${hex(offset)} past end of file`);
    }
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.bytes[offset];
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, this.le);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, this.le);
  }

  s32(offset: number): number {
    this.check(offset, 4);
    return this.view.getInt32(offset, this.le);
  }

  u64(offset: number): bigint {
    this.check(offset, 8);
    const v = this.view;
    const le = this.le;
    // Most header fields (flags, alignments, entry sizes, zero addresses) are small: share their
    // bigints instead of allocating one per field.
    if (v.getUint32(offset + (le ? 4 : 0), le) === 0) {
      const lo = v.getUint32(offset + (le ? 0 : 4), le);
      if (lo < SMALL_BIGINTS.length) return SMALL_BIGINTS[lo];
    }
    return v.getBigUint64(offset, le);
  }

  /** A 32- or 64-bit word (ELF32 / ELF64 address-sized field), widened to bigint. */
  word(offset: number, is64: boolean): bigint {
    return is64 ? this.u64(offset) : BigInt(this.u32(offset));
  }

  /** A view (not a copy) of `[offset, offset+size)`. */
  slice(offset: number, size: number): Uint8Array {
    this.check(offset, size);
    return this.bytes.subarray(offset, offset + size);
  }

  private checkColumn(base: number, stride: number, count: number, field: number, width: number): void {
    if (count === 0) return;
    const last = base + (count - 1) * stride + field;
    if (!(stride >= 0 && field >= 0 && this.has(base + field, width) && this.has(last, width))) {
      throw new ElfFormatError("TRUNCATED_HEADER", base, `column of ${count} records at ${hex(base)} runs past end of file`);
    }
  }

  /**
   * The whole file as little-endian 32- and 64-bit words (a tail shorter than a word left out),
   * or null unless both the file and the host are little-endian and the bytes start 8-aligned
   * in memory (callers then read through the column readers). Index them through `wordIndex`.
   */
  get littleWords(): LittleWords | null {
    if (this.wordViews === undefined) {
      const b = this.bytes;
      const ok = this.le && hostLittleEndian && b.byteOffset % 8 === 0;
      this.wordViews = ok ? { u32: new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2), u64: new BigUint64Array(b.buffer, b.byteOffset, Math.floor(b.length / 8)) } : null;
    }
    return this.wordViews;
  }

  /**
   * The index in `littleWords.u64` of the word at `offset` (twice that in `.u32`), after
   * checking that `[offset, offset + size)` lies in the file; -1 when `littleWords` is null or
   * `offset` is not 8-aligned.
   */
  wordIndex(offset: number, size: number): number {
    this.check(offset, size);
    return this.littleWords !== null && offset % 8 === 0 ? offset / 8 : -1;
  }

  /** out[i] = u8 at base + i*stride + field. */
  column8(base: number, stride: number, count: number, field: number, out: Uint8Array): void {
    this.checkColumn(base, stride, count, field, 1);
    const b = this.bytes;
    for (let i = 0, p = base + field; i < count; i++, p += stride) out[i] = b[p];
  }

  /** out[i] = u16 at base + i*stride + field. */
  column16(base: number, stride: number, count: number, field: number, out: Uint16Array | Uint32Array): void {
    this.checkColumn(base, stride, count, field, 2);
    const v = this.view;
    const le = this.le;
    for (let i = 0, p = base + field; i < count; i++, p += stride) out[i] = v.getUint16(p, le);
  }

  /** out[i] = u32 at base + i*stride + field. */
  column32(base: number, stride: number, count: number, field: number, out: Uint32Array): void {
    this.checkColumn(base, stride, count, field, 4);
    const v = this.view;
    const le = this.le;
    for (let i = 0, p = base + field; i < count; i++, p += stride) out[i] = v.getUint32(p, le);
  }

  /**
   * out[i] = 64-bit word at base + i*stride + field, or a zero/sign-extended 32-bit word when
   * `width` is 4. Written as two u32 halves into the array's memory: no BigInt per entry.
   */
  column64(base: number, stride: number, count: number, field: number, width: 4 | 8, signed: boolean, out: BigUint64Array | BigInt64Array): void {
    this.checkColumn(base, stride, count, field, width);
    const v = this.view;
    const le = this.le;
    if (!hostLittleEndian) {
      for (let i = 0, p = base + field; i < count; i++, p += stride) {
        const x = width === 8 ? v.getBigUint64(p, le) : BigInt(signed ? v.getInt32(p, le) : v.getUint32(p, le));
        out[i] = out instanceof BigInt64Array ? BigInt.asIntN(64, x) : BigInt.asUintN(64, x);
      }
      return;
    }
    const halves = new Uint32Array(out.buffer, out.byteOffset, count * 2);
    if (width === 8) {
      const loAt = le ? 0 : 4;
      const hiAt = le ? 4 : 0;
      for (let i = 0, p = base + field; i < count; i++, p += stride) {
        halves[2 * i] = v.getUint32(p + loAt, le);
        halves[2 * i + 1] = v.getUint32(p + hiAt, le);
      }
    } else {
      for (let i = 0, p = base + field; i < count; i++, p += stride) {
        const lo = v.getUint32(p, le);
        halves[2 * i] = lo;
        halves[2 * i + 1] = signed && lo >= 0x80000000 ? 0xffffffff : 0;
      }
    }
  }
}

/** Checked narrowing of a bigint file offset/size to number. */
export function toSafeNumber(x: bigint): number | null {
  return x >= 0n && x <= MAX_SAFE ? Number(x) : null;
}
