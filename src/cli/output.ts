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
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once("drain", () => resolve()));
  }
}

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
