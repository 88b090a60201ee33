// Entry point: file header (fatal when broken), then section and program headers, then the
// per-section tables. Each later pass only sees what earlier passes validated.
import { ParseContext } from "./context.ts";
import { parseHeader } from "./header.ts";
import { parseNoteSections } from "./notes.ts";
import { parseRelocationTables } from "./relocations.ts";
import { parseSections } from "./sections.ts";
import { parseSegments } from "./segments.ts";
import { parseSymbolTables } from "./symbols.ts";
import type { ElfFile, ParseOptions } from "./types.ts";

/**
 * Parse an ELF file. Throws `ElfFormatError` only when the file header is unusable (not ELF,
 * truncated header, unknown class or data encoding), or `ElfCancelledError` (code `CANCELLED`)
 * when `options.shouldCancel` says so; every other problem is a `Diagnostic` in
 * `file.diagnostics` and parsing goes on.
 */
export function parseElf(bytes: Uint8Array, options?: ParseOptions): ElfFile {
  const { header, reader, layout, warnings } = parseHeader(bytes);
  const ctx = new ParseContext(reader, layout, header, options);
  for (const w of warnings) ctx.diag("warning", w.code, w.offset, w.message);
  const sections = parseSections(ctx);
  const segments = parseSegments(ctx);
  const symbolTables = parseSymbolTables(ctx, sections);
  const relocationTables = parseRelocationTables(ctx, sections, symbolTables);
  const notes = parseNoteSections(ctx, sections);
  ctx.tick(0, bytes.length);
  return { bytes, header, sections, segments, symbolTables, relocationTables, notes, diagnostics: ctx.finish() };
}
