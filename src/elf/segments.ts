// Program header table.
import type { ParseContext } from "./context.ts";
import { hex } from "./errors.ts";
import { MAX_SEGMENTS } from "./limits.ts";
import { toSafeNumber } from "./reader.ts";
import type { ElfSegment } from "./types.ts";

export function parseSegments(ctx: ParseContext): ElfSegment[] {
  const { r, L, header } = ctx;
  const e = L.eh;
  let n = header.programCount;
  if (n === 0) return [];
  const phoff = toSafeNumber(header.phoff);
  if (header.phoff === 0n) {
    // Offset 0 is the ELF header itself, as a section table at 0 is (sections.ts).
    ctx.diag("error", "PHOFF_PAST_END", e.phoff, `e_phnum is ${n} but e_phoff is 0: no program headers`);
    return [];
  }
  if (phoff === null || phoff >= r.length) {
    ctx.diag("error", "PHOFF_PAST_END", e.phoff, `program header offset ${hex(header.phoff)} is outside the file (${r.length} bytes)`);
    return [];
  }
  if (header.phentsize < L.phdrSize) {
    ctx.diag("error", "BAD_PHENTSIZE", e.phentsize, `e_phentsize ${header.phentsize} is smaller than a program header (${L.phdrSize})`);
    return [];
  }
  if (n > MAX_SEGMENTS) {
    ctx.diag("error", "TOO_MANY_SEGMENTS", e.phnum, `program header count ${n} exceeds the limit of ${MAX_SEGMENTS}`);
    n = MAX_SEGMENTS;
  }
  const stride = header.phentsize;
  const available = Math.floor((r.length - phoff) / stride);
  if (n > available) {
    ctx.diag("error", "PHOFF_PAST_END", e.phnum, `${n} program headers of ${stride} bytes at ${hex(phoff)} run past the end of the file; reading ${available}`);
    n = available;
  }
  const p = L.ph;
  const out: ElfSegment[] = [];
  for (let i = 0; i < n; i++) {
    const at = phoff + i * stride;
    out.push({
      index: i,
      type: r.u32(at + p.type),
      flags: r.u32(at + p.flags),
      offset: r.word(at + p.offset, L.is64),
      vaddr: r.word(at + p.vaddr, L.is64),
      paddr: r.word(at + p.paddr, L.is64),
      filesz: r.word(at + p.filesz, L.is64),
      memsz: r.word(at + p.memsz, L.is64),
      align: r.word(at + p.align, L.is64),
      header: { offset: at, size: stride },
    });
  }
  return out;
}
