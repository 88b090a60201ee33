// State shared by the parsing passes: the reader, the layout, diagnostics with caps, and the
// cancellation/progress hooks.
import { ElfCancelledError, type ElfErrorCode } from "./errors.ts";
import type { Layout } from "./layout.ts";
import { MAX_DIAGNOSTICS, PROGRESS_CHUNK } from "./limits.ts";
import type { ByteReader } from "./reader.ts";
import type { Diagnostic, ElfHeader, ParseOptions, Severity } from "./types.ts";

export class ParseContext {
  readonly r: ByteReader;
  readonly L: Layout;
  readonly header: ElfHeader;
  readonly diagnostics: Diagnostic[] = [];
  private readonly options: ParseOptions;
  private dropped = 0;
  /** Work units done so far / expected (records), for progress reports. */
  done = 0;
  total = 1;

  constructor(r: ByteReader, L: Layout, header: ElfHeader, options: ParseOptions = {}) {
    this.r = r;
    this.L = L;
    this.header = header;
    this.options = options;
  }

  diag(severity: Severity, code: ElfErrorCode, offset: number, message: string, section?: number): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    const d: Diagnostic = { severity, code, offset, message };
    if (section !== undefined) d.section = section;
    this.diagnostics.push(d);
  }

  /** Called after each chunk of records; throws ElfCancelledError when asked to stop. */
  tick(records: number, offset: number): void {
    this.done += records;
    if (this.options.shouldCancel?.()) throw new ElfCancelledError(offset);
    this.options.onProgress?.(Math.min(this.done, this.total), this.total);
  }

  /** Runs `body(start, end)` over [0, count) in chunks, ticking between them. */
  chunked(count: number, offset: number, body: (start: number, end: number) => void): void {
    for (let start = 0; start < count; start += PROGRESS_CHUNK) {
      const end = Math.min(count, start + PROGRESS_CHUNK);
      body(start, end);
      this.tick(end - start, offset);
    }
  }

  finish(): Diagnostic[] {
    if (this.dropped > 0) {
      this.diagnostics.push({ severity: "warning", code: "TOO_MANY_DIAGNOSTICS", offset: 0, message: `${this.dropped} further diagnostics not kept` });
    }
    return this.diagnostics;
  }
}

/** Counts per-table diagnostics and replaces the overflow with one summary. */
export class DiagnosticBudget {
  private count = 0;
  constructor(
    private readonly ctx: ParseContext,
    private readonly limit: number,
  ) {}

  diag(severity: Severity, code: ElfErrorCode, offset: number, message: string, section?: number): void {
    this.count++;
    if (this.count <= this.limit) this.ctx.diag(severity, code, offset, message, section);
  }

  close(code: ElfErrorCode, offset: number, what: string, section?: number): void {
    if (this.count > this.limit) this.ctx.diag("warning", code, offset, `${this.count - this.limit} more ${what} not listed`, section);
  }
}
