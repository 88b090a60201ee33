// The parse worker's contract, shared by workers/parse.worker.ts and the page's parse client.
import type { ElfFile } from "../elf/index.ts";
import type { LivepatchModel } from "../livepatch/index.ts";
import type { Result } from "./result.ts";
import type { ParsedWire, WirePart } from "./wire.ts";

/** Caller-chosen id of one parse, used to cancel it. */
export type ParseId = number | string;

export type FileRole = "payload" | "image" | "other";

/**
 * One parsed file, as the page and the CLI use it. It crosses the worker boundary in its wire
 * form (`ParsedWire` + parts, see wire.ts), which the receiver turns back into this.
 */
export interface ParsedFile {
  fileName: string;
  size: number;
  /** payload: has livepatch sections; image: an executable such as xen-syms; other: anything else. */
  role: FileRole;
  elf: ElfFile;
  livepatch: LivepatchModel | null;
}

export type ProgressCallback = (done: number, total: number) => void;

export interface ParseWorkerApi {
  /**
   * Parse `input`: the file's bytes (transfer them: the caller's copy is detached), or the File
   * or Blob itself, which the worker then reads (the page thread never holds or copies the
   * bytes before the parse). A newer `parse` cancels any
   * older one still running. Cancellation is honoured between phases (ELF parse, livepatch
   * analysis, hand-back), not inside one: the parser is synchronous, so a cancel message can only
   * be received at those yields. Progress arrives at most 10 times a second.
   * Never rejects for a bad file: failures are `{ ok: false, error }` (codes from ElfFormatError,
   * plus `CANCELLED`, `READ_FAILED` and `INTERNAL`).
   */
  parse(id: ParseId, input: ArrayBuffer | Blob, fileName: string, onProgress?: ProgressCallback): Promise<Result<ParsedWire>>;
  /**
   * Part `index` (0-based, below `head.parts`) of parse `id`'s result: one message each, so the
   * receiver deserialises a bounded amount per task. Parts are kept for the most recent parse
   * only, until its last part is taken; otherwise `{ ok: false }` with code `GONE`.
   */
  part(id: ParseId, index: number): Promise<Result<WirePart>>;
  /** Cancel parse `id` if it is still running; unknown ids are ignored. */
  cancel(id: ParseId): void;
  /** Answers once the worker runs: the caller learns its module has been fetched and compiled. */
  ready(): true;
}
