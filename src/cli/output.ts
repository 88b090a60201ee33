// Buffered output to a Node stream, as bytes: text and ready-made byte fragments go into one
// buffer that is handed to the stream about once per MiB. Text is gathered as a string first
// and encoded in runs of about 16 KiB (one encode per small string costs more than the string). Buffers come back for reuse once the
// stream has written them, so a 130 MB report touches a few MiB of fresh memory, not 130 MB
// (on a VM, first-touch page faults cost as much as the formatting).

const CHUNK = 1 << 20;
/** Flush once this much room is left: the largest fixed-size entry writers reserve stays below it. */
export const HEADROOM = 1 << 16;
/** Buffers in flight or spare; the writer waits for the stream when all of them are in flight. */
const BUFFERS = 4;
const TEXT_RUN = 1 << 14;

export class StreamOut {
  /** The current buffer: writers may store bytes at `pos` after `reserve(n)`, then advance `pos`. */
  buf: Buffer;
  pos = 0;
  private text = "";
  private readonly stream: NodeJS.WritableStream;
  private readonly spare: Buffer[] = [];
  private inFlight = 0;
  private waiting: (() => void) | null = null;

  private readonly chunk: number;

  /** What every text written passes through (terminalSafe() for a terminal's text); null: none. */
  private readonly filter: ((text: string) => string) | null;

  /**
   * `chunk`: the size of the buffers handed to the stream (smaller in tests, above HEADROOM).
   * `filter`: applied to all text, w()'s and the fragments writers encode through fragment().
   */
  constructor(stream: NodeJS.WritableStream, chunk = CHUNK, filter: ((text: string) => string) | null = null) {
    this.stream = stream;
    this.chunk = chunk;
    this.filter = filter;
    this.buf = Buffer.allocUnsafeSlow(chunk);
  }

  /**
   * `s` encoded as this output writes text (through the filter), for writers that copy ready-made
   * fragments into `buf` themselves: encode each fragment once, not once per entry that copies it.
   */
  fragment(s: string): Buffer {
    return Buffer.from(this.filter === null ? s : this.filter(s));
  }

  /** Append text (UTF-8). */
  w(s: string): void {
    this.text += s;
    if (this.text.length >= TEXT_RUN) this.settle();
  }

  /** Encode gathered text into the buffer, before bytes are written after it. */
  private settle(): void {
    const t = this.filter === null ? this.text : this.filter(this.text);
    this.text = "";
    this.ensure(t.length * 3);
    this.pos += this.buf.write(t, this.pos);
  }

  /** Make room for `n` more bytes in `buf` at `pos`. */
  reserve(n: number): void {
    if (this.text !== "") this.settle();
    this.ensure(n);
  }

  /** The buffer grows for one oversized item. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    if (this.buf.length === this.chunk) this.spare.push(this.buf);
    this.buf = next;
  }

  /** True when the buffer should be flushed before the next entry. */
  get full(): boolean {
    return this.pos + this.text.length > this.buf.length - HEADROOM;
  }

  async maybeFlush(): Promise<void> {
    if (this.full) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.text !== "") this.settle();
    if (this.pos === 0) return;
    const whole = this.buf;
    this.inFlight++;
    const ok = this.stream.write(whole.subarray(0, this.pos), () => {
      this.inFlight--;
      if (whole.length === this.chunk) this.spare.push(whole);
      const wake = this.waiting;
      this.waiting = null;
      wake?.();
    });
    this.pos = 0;
    if (!ok) await new Promise<void>((resolve) => this.stream.once("drain", () => resolve()));
    this.buf = await this.nextBuffer();
  }

  private async nextBuffer(): Promise<Buffer> {
    for (;;) {
      const b = this.spare.pop();
      if (b) return b;
      if (this.inFlight < BUFFERS) return Buffer.allocUnsafeSlow(this.chunk);
      // Every buffer is still with the stream: its write callbacks run once we yield.
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
