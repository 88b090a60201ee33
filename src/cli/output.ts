// Buffered writing to a Node stream with backpressure, so large reports stream out in 64 KiB
// chunks instead of being built as one giant string.

const CHUNK = 1 << 16;

export class StreamOut {
  private buf = "";
  private readonly stream: NodeJS.WritableStream;

  constructor(stream: NodeJS.WritableStream) {
    this.stream = stream;
  }

  /** Append text; call `maybeFlush()` from loops. */
  w(s: string): void {
    this.buf += s;
  }

  get pending(): number {
    return this.buf.length;
  }

  async maybeFlush(): Promise<void> {
    if (this.buf.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf === "") return;
    const chunk = this.buf;
    this.buf = "";
    await this.write(chunk);
  }

  /** Write a ready-made chunk after whatever text is pending. */
  async bytes(chunk: Uint8Array): Promise<void> {
    await this.flush();
    await this.write(chunk);
  }

  private async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once("drain", () => resolve()));
  }
}

/**
 * An ASCII/UTF-8 byte builder for the hottest loops (one JSON entry per relocation): no string
 * per entry, just bytes copied from per-symbol caches and hex digits written in place.
 */
export class ByteChunk {
  buf: Uint8Array;
  pos = 0;

  constructor(size = 1 << 20) {
    this.buf = new Uint8Array(size);
  }

  get full(): boolean {
    return this.pos > this.buf.length - 4096;
  }

  /** Hand out what was written and start a fresh buffer (the stream may still hold the old one). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.buf.length);
    this.pos = 0;
    return out;
  }

  /** Make room for `n` more bytes (callers may then write to `buf` from `pos` directly). */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  put(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let p = this.pos;
    if (n < 32) for (let i = 0; i < n; i++) b[p++] = bytes[i];
    else {
      b.set(bytes, p);
      p += n;
    }
    this.pos = p;
  }

  byte(c: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }

  /** Lowercase hex digits of a 32-bit unsigned value, at least `min` digits. */
  hex32(v: number, min = 1): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    let digits = 1;
    while (digits < 8 && v >>> (digits * 4) !== 0) digits++;
    if (digits < min) digits = min;
    const b = this.buf;
    for (let d = digits - 1; d >= 0; d--) {
      const nib = (v >>> (d * 4)) & 0xf;
      b[this.pos++] = nib < 10 ? 48 + nib : 87 + nib;
    }
  }

  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n + 4096));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

export const utf8 = new TextEncoder();

/** Lowercase hex of a 64-bit column entry without allocating a bigint (little-endian hosts). */
const littleHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function u64Hex(words: Uint32Array, i: number, column: BigUint64Array): string {
  if (!littleHost) return `0x${column[i].toString(16)}`;
  const lo = words[2 * i];
  const hi = words[2 * i + 1];
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")}`;
}

/** Signed hex (`-0x4`, `0x0`) of a 64-bit signed column entry. */
export function s64Hex(words: Int32Array, i: number, column: BigInt64Array): string {
  if (littleHost) {
    const hi = words[2 * i + 1];
    if (hi === 0 || hi === -1) {
      const v = hi * 4294967296 + (words[2 * i] >>> 0);
      return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
    }
  }
  const v = column[i];
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

export function words32(a: BigUint64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

export function swords32(a: BigInt64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}
