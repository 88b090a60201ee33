// Section header table: extended numbering, names through the section-name string table, and
// validated file ranges for each section's contents.
import { PN_XNUM, SHN_XINDEX, SHT_NOBITS, SHT_NULL, SHT_STRTAB } from "./constants.ts";
import { DiagnosticBudget, type ParseContext } from "./context.ts";
import { hex, recordMessage } from "./errors.ts";
import { MAX_DIAGNOSTICS_PER_TABLE, MAX_SECTIONS } from "./limits.ts";
import { toSafeNumber } from "./reader.ts";
import { tableStrings } from "./strings.ts";
import type { ElfHeader, ElfSection } from "./types.ts";

function readSection(ctx: ParseContext, index: number, at: number): ElfSection {
  const { r, L } = ctx;
  const s = L.sh;
  return {
    index,
    name: "",
    nameOffset: r.u32(at + s.name),
    nameValid: false,
    type: r.u32(at + s.type),
    flags: r.word(at + s.flags, L.is64),
    addr: r.word(at + s.addr, L.is64),
    offset: r.word(at + s.offset, L.is64),
    size: r.word(at + s.size, L.is64),
    link: r.u32(at + s.link),
    info: r.u32(at + s.info),
    addralign: r.word(at + s.addralign, L.is64),
    entsize: r.word(at + s.entsize, L.is64),
    header: { offset: at, size: ctx.header.shentsize },
    dataOffset: 0,
    dataSize: 0,
  };
}

/**
 * A file whose EI_DATA (byte 5) says big-endian but whose e_shoff only makes sense read
 * little-endian (a flipped byte, or a tool that wrote the wrong mark) gets that said, so the
 * reader's complaint names the cause, not a wild offset.
 */
function byteOrderHint(ctx: ParseContext): string {
  const { r, L } = ctx;
  if (r.le || !L.is64 || r.length < 0x30) return "";
  let swapped = 0n;
  for (let i = 7; i >= 0; i--) swapped = (swapped << 8n) | BigInt(r.u8(L.eh.shoff + i));
  if (swapped === 0n || swapped >= BigInt(r.length)) return "";
  return `; it was read big-endian, as EI_DATA (byte 5) says, and read little-endian it is ${hex(swapped)}, inside the file: the file looks little-endian`;
}

/** Reads the section headers; fills header.sectionCount/sectionNamesIndex/programCount. */
export function parseSections(ctx: ParseContext): ElfSection[] {
  const { r, L, header } = ctx;
  const e = L.eh;
  if (header.shoff === 0n) {
    if (header.shnum !== 0) ctx.diag("warning", "SHOFF_PAST_END", e.shoff, `e_shnum is ${header.shnum} but e_shoff is 0: no section headers`);
    header.sectionCount = 0;
    header.sectionNamesIndex = 0;
    return [];
  }
  const shoff = toSafeNumber(header.shoff);
  if (shoff === null || shoff >= r.length) {
    ctx.diag("error", "SHOFF_PAST_END", e.shoff, `section header offset ${hex(header.shoff)} is past the end of the file (${r.length} bytes)${byteOrderHint(ctx)}`);
    header.sectionCount = 0;
    header.sectionNamesIndex = 0;
    return [];
  }
  if (header.shentsize < L.shdrSize) {
    ctx.diag("error", "BAD_SHENTSIZE", e.shentsize, `e_shentsize ${header.shentsize} is smaller than a section header (${L.shdrSize})`);
    header.sectionCount = 0;
    header.sectionNamesIndex = 0;
    return [];
  }
  const stride = header.shentsize;
  const available = Math.floor((r.length - shoff) / stride);

  // Extended numbering: section 0 carries the real counts when the header fields overflow.
  let count: bigint = BigInt(header.shnum);
  let countField = e.shnum;
  let namesIndex = header.shstrndx;
  let namesField = e.shstrndx;
  if (available >= 1 && (header.shnum === 0 || header.shstrndx === SHN_XINDEX || header.phnum === PN_XNUM)) {
    const zero = readSection(ctx, 0, shoff);
    if (header.shnum === 0) {
      count = zero.size;
      countField = shoff + L.sh.size;
    }
    if (header.shstrndx === SHN_XINDEX) {
      namesIndex = zero.link;
      namesField = shoff + L.sh.link;
    }
    if (header.phnum === PN_XNUM) header.programCount = zero.info;
  } else if (header.shnum === 0 || header.shstrndx === SHN_XINDEX) {
    ctx.diag("error", "BAD_EXTENDED_NUMBERING", e.shoff, `extended section numbering needs section 0, which is not in the file`);
  }
  if (header.shnum === 0 && count === 0n) {
    header.sectionCount = 0;
    header.sectionNamesIndex = 0;
    return [];
  }

  let n = Number(count > BigInt(MAX_SECTIONS) ? BigInt(MAX_SECTIONS) + 1n : count);
  if (n > MAX_SECTIONS) {
    ctx.diag("error", "TOO_MANY_SECTIONS", countField, `section count ${count} exceeds the limit of ${MAX_SECTIONS}`);
    n = MAX_SECTIONS;
  }
  if (n > available) {
    ctx.diag("error", "SECTION_TABLE_OVERFLOW", countField, `${count} section headers of ${stride} bytes at ${hex(shoff)} run past the end of the file; reading ${available}`);
    n = available;
  }
  header.sectionCount = n;
  ctx.total += n;

  const sections: ElfSection[] = new Array(n);
  ctx.chunked(n, shoff, (start, end) => {
    for (let i = start; i < end; i++) sections[i] = readSection(ctx, i, shoff + i * stride);
  });

  header.sectionNamesIndex = 0;
  if (namesIndex !== 0) {
    if (namesIndex >= n) {
      ctx.diag("error", "BAD_SHSTRNDX", namesField, `section name table index ${namesIndex} is out of range (${n} sections)`);
    } else {
      header.sectionNamesIndex = namesIndex;
    }
  }
  setDataRanges(ctx, sections);
  nameSections(ctx, sections, header);
  return sections;
}

function setDataRanges(ctx: ParseContext, sections: ElfSection[]): void {
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  for (const s of sections) {
    if (s.type === SHT_NOBITS || s.type === SHT_NULL) continue;
    const off = toSafeNumber(s.offset);
    const size = toSafeNumber(s.size);
    if (off === null || size === null || !ctx.r.has(off, size)) {
      budget.diag("error", "SECTION_DATA_PAST_END", s.header.offset, `section ${s.index} contents [${hex(s.offset)}, +${hex(s.size)}) run past the end of the file (${ctx.r.length} bytes)`, s.index);
      continue;
    }
    s.dataOffset = off;
    s.dataSize = size;
  }
  budget.close("SECTION_DATA_PAST_END", 0, "sections past the end of the file");
}

function nameSections(ctx: ParseContext, sections: ElfSection[], header: ElfHeader): void {
  const idx = header.sectionNamesIndex;
  if (idx === 0) return;
  const table = sections[idx];
  if (table.type !== SHT_STRTAB) {
    ctx.diag("warning", "BAD_SHSTRTAB_TYPE", table.header.offset, `section name table ${idx} has type ${table.type}, not SHT_STRTAB`, idx);
  }
  if (table.dataSize === 0) return;
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  let unterminated = false;
  const read = tableStrings(ctx.r.bytes, table.dataOffset, table.dataSize);
  for (const s of sections) {
    const got = read(s.nameOffset);
    if (got === null) {
      budget.diag("error", "BAD_SECTION_NAME", s.header.offset, recordMessage("bad section name index", s.nameOffset, s.header.offset), s.index);
      continue;
    }
    s.name = got.value;
    s.nameValid = true;
    if (!got.terminated) unterminated = true;
  }
  budget.close("BAD_SECTION_NAME", table.header.offset, "bad section names");
  if (unterminated) {
    ctx.diag("warning", "STRTAB_NOT_TERMINATED", table.dataOffset + table.dataSize, `section name table ${idx} does not end with a NUL byte`, idx);
  }
}
