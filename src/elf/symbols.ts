// Symbol tables (SHT_SYMTAB, SHT_DYNSYM) as columns, with SHN_XINDEX resolved through the
// SHT_SYMTAB_SHNDX section linked to the table.
import { SHN_LORESERVE, SHN_XINDEX, SHT_DYNSYM, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "./constants.ts";
import { DiagnosticBudget, type ParseContext } from "./context.ts";
import { hex, recordMessage } from "./errors.ts";
import { MAX_DIAGNOSTICS_PER_TABLE, MAX_NAME_BYTES_PER_TABLE, MAX_SYMBOLS_PER_TABLE } from "./limits.ts";
import { tableStrings } from "./strings.ts";
import type { ElfSection, SymbolTable } from "./types.ts";

function emptyTable(sec: ElfSection, entsize: number, stringTableIndex: number): SymbolTable {
  return {
    sectionIndex: sec.index,
    sectionType: sec.type,
    stringTableIndex,
    count: 0,
    recordOffset: sec.dataOffset,
    entsize,
    name: [],
    nameOffset: new Uint32Array(0),
    nameValid: new Uint8Array(0),
    value: new BigUint64Array(0),
    size: new BigUint64Array(0),
    info: new Uint8Array(0),
    other: new Uint8Array(0),
    shndx: new Uint32Array(0),
    rawShndx: new Uint16Array(0),
  };
}

export function parseSymbolTables(ctx: ParseContext, sections: ElfSection[]): SymbolTable[] {
  const tables: SymbolTable[] = [];
  let sawSymtab = false;
  for (const sec of sections) {
    if (sec.type !== SHT_SYMTAB && sec.type !== SHT_DYNSYM) continue;
    if (sec.type === SHT_SYMTAB) sawSymtab = true;
    tables.push(parseSymbolTable(ctx, sections, sec));
  }
  if (!sawSymtab && sections.length > 0) ctx.diag("info", "NO_SYMTAB", ctx.header.range.offset, "no .symtab section");
  return tables;
}

function linkedStrings(ctx: ParseContext, sections: ElfSection[], sec: ElfSection): number {
  const link = sec.link;
  if (link === 0 || link >= sections.length || sections[link].type !== SHT_STRTAB) {
    ctx.diag("warning", "BAD_SYMTAB_LINK", sec.header.offset, `symbol table ${sec.index} links to section ${link}, which is not a string table`, sec.index);
    return -1;
  }
  return link;
}

function parseSymbolTable(ctx: ParseContext, sections: ElfSection[], sec: ElfSection): SymbolTable {
  const { r, L } = ctx;
  const strIndex = linkedStrings(ctx, sections, sec);
  const entsize = Number(sec.entsize > 0xffffn ? 0xffffn : sec.entsize);
  if (entsize < L.symSize) {
    ctx.diag("error", "BAD_SYM_ENTSIZE", sec.header.offset, recordMessage("bad symbol entry size", sec.entsize, sec.header.offset), sec.index);
    return emptyTable(sec, entsize, strIndex);
  }
  let count = Math.floor(sec.dataSize / entsize);
  if (count > MAX_SYMBOLS_PER_TABLE) {
    ctx.diag("error", "TOO_MANY_SYMBOLS", sec.header.offset, `symbol table ${sec.index} has ${count} entries, over the limit of ${MAX_SYMBOLS_PER_TABLE}`, sec.index);
    count = MAX_SYMBOLS_PER_TABLE;
  }
  const t = emptyTable(sec, entsize, strIndex);
  t.count = count;
  t.nameOffset = new Uint32Array(count);
  t.nameValid = new Uint8Array(count);
  t.value = new BigUint64Array(count);
  t.size = new BigUint64Array(count);
  t.info = new Uint8Array(count);
  t.other = new Uint8Array(count);
  t.shndx = new Uint32Array(count);
  t.rawShndx = new Uint16Array(count);
  const base = sec.dataOffset;
  const s = L.sym;
  ctx.total += count;
  ctx.chunked(count, base, (start, end) => {
    const at = base + start * entsize;
    const m = end - start;
    r.column32(at, entsize, m, s.name, t.nameOffset.subarray(start, end));
    r.column64(at, entsize, m, s.value, L.word, false, t.value.subarray(start, end));
    r.column64(at, entsize, m, s.size, L.word, false, t.size.subarray(start, end));
    r.column8(at, entsize, m, s.info, t.info.subarray(start, end));
    r.column8(at, entsize, m, s.other, t.other.subarray(start, end));
    r.column16(at, entsize, m, s.shndx, t.rawShndx.subarray(start, end));
  });
  resolveShndx(ctx, sections, sec, t);
  nameSymbols(ctx, sections, sec, t);
  return t;
}

/** The SHT_SYMTAB_SHNDX section whose sh_link names this table, as u32 words, or null. */
function extendedIndices(ctx: ParseContext, sections: ElfSection[], sec: ElfSection, count: number): Uint32Array | null {
  for (const x of sections) {
    if (x.type !== SHT_SYMTAB_SHNDX || x.link !== sec.index) continue;
    const have = Math.floor(x.dataSize / 4);
    if (have < count) {
      ctx.diag("warning", "BAD_SYMTAB_SHNDX", x.header.offset, `extended index section ${x.index} holds ${have} entries for ${count} symbols`, x.index);
    }
    const out = new Uint32Array(Math.min(have, count));
    ctx.r.column32(x.dataOffset, 4, out.length, 0, out);
    return out;
  }
  return null;
}

function resolveShndx(ctx: ParseContext, sections: ElfSection[], sec: ElfSection, t: SymbolTable): void {
  const n = sections.length;
  const raw = t.rawShndx;
  const out = t.shndx;
  let ext: Uint32Array | null | undefined;
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  for (let i = 0; i < t.count; i++) {
    const v = raw[i];
    if (v === SHN_XINDEX) {
      if (ext === undefined) ext = extendedIndices(ctx, sections, sec, t.count);
      if (ext === null || i >= ext.length) {
        out[i] = v;
        budget.diag("warning", "BAD_SYMTAB_SHNDX", t.recordOffset + i * t.entsize, `symbol ${i} uses SHN_XINDEX but has no extended section index`, sec.index);
        continue;
      }
      const x = ext[i];
      out[i] = x;
      if (x >= n) budget.diag("warning", "BAD_SYMBOL_SHNDX", t.recordOffset + i * t.entsize, `symbol ${i} has extended section index ${x}, out of range (${n} sections)`, sec.index);
      continue;
    }
    out[i] = v;
    if (v !== 0 && v < SHN_LORESERVE && v >= n) {
      budget.diag("warning", "BAD_SYMBOL_SHNDX", t.recordOffset + i * t.entsize, `symbol ${i} has section index ${v}, out of range (${n} sections)`, sec.index);
    }
  }
  budget.close("BAD_SYMBOL_SHNDX", sec.header.offset, "bad symbol section indices", sec.index);
}

function nameSymbols(ctx: ParseContext, sections: ElfSection[], sec: ElfSection, t: SymbolTable): void {
  const names: string[] = new Array(t.count);
  t.name = names;
  if (t.stringTableIndex < 0) {
    names.fill("");
    return;
  }
  const str = sections[t.stringTableIndex];
  const read = tableStrings(ctx.r.bytes, str.dataOffset, str.dataSize);
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  let spent = 0;
  let unterminated = false;
  for (let i = 0; i < t.count; i++) {
    const off = t.nameOffset[i];
    if (off === 0) {
      names[i] = "";
      t.nameValid[i] = str.dataSize > 0 ? 1 : 0;
      continue;
    }
    if (spent > MAX_NAME_BYTES_PER_TABLE) {
      names[i] = "";
      budget.diag("warning", "BAD_SYMBOL_NAME", t.recordOffset + i * t.entsize, `symbol ${i} name not decoded: name budget of ${MAX_NAME_BYTES_PER_TABLE} bytes spent`, sec.index);
      continue;
    }
    const got = read(off);
    if (got === null) {
      names[i] = "";
      budget.diag("warning", "BAD_SYMBOL_NAME", t.recordOffset + i * t.entsize, recordMessage("bad symbol name index", off, t.recordOffset + i * t.entsize), sec.index);
      continue;
    }
    spent += got.length + 1;
    names[i] = got.value;
    t.nameValid[i] = 1;
    if (!got.terminated) unterminated = true;
  }
  budget.close("BAD_SYMBOL_NAME", sec.header.offset, "bad symbol names", sec.index);
  if (unterminated) {
    ctx.diag("warning", "STRTAB_NOT_TERMINATED", str.dataOffset + str.dataSize, `string table ${str.index} (for symbol table ${sec.index}) does not end with a NUL byte at ${hex(str.dataOffset + str.dataSize)}`, str.index);
  }
}

/** ARM mapping symbols ($a, $d, $t, $x and their $x.N forms) mark code/data ranges; they are not names. */
export function isMappingSymbol(name: string): boolean {
  return name.charCodeAt(0) === 0x24 && /^\$[adtx](?:\..*)?$/.test(name);
}
