// Entry point: header, then section headers, then per-section tables.
import type { ElfFile, ParseOptions } from "./types.ts";

/**
 * Parse an ELF file. Throws `ElfFormatError` only when the file header is unusable (not ELF,
 * truncated header, unknown class or data encoding) or when cancelled; every other problem is a
 * `Diagnostic` in `file.diagnostics`.
 */
export function parseElf(bytes: Uint8Array, options?: ParseOptions): ElfFile {
  void bytes;
  void options;
  throw new Error("not yet");
}
