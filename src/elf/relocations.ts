// SHT_REL and SHT_RELA sections as columns. Like readelf, records are read at the standard
// stride for the class; a different sh_entsize is reported, not trusted.
import { SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_SYMTAB } from "./constants.ts";
import { DiagnosticBudget, type ParseContext } from "./context.ts";
import { hex } from "./errors.ts";
import { MAX_DIAGNOSTICS_PER_TABLE, MAX_RELOCATIONS } from "./limits.ts";
import type { ElfSection, RelocationTable, SymbolTable } from "./types.ts";

/** Column storage shared by all relocation tables: one buffer per column, each table a view. */
interface Columns {
  offset: BigUint64Array;
  type: Uint32Array;
  symbolIndex: Uint32Array;
  addend: BigInt64Array;
}

export function parseRelocationTables(ctx: ParseContext, sections: ElfSection[], symbolTables: SymbolTable[]): RelocationTable[] {
  // Pass 1: validate headers and size every table; pass 2 fills views of four shared columns.
  // Thousands of small sections would otherwise mean thousands of tiny ArrayBuffers.
  const tables: RelocationTable[] = [];
  let total = 0;
  for (const sec of sections) {
    if (sec.type !== SHT_REL && sec.type !== SHT_RELA) continue;
    const t = describeTable(ctx, sections, sec, MAX_RELOCATIONS - total);
    total += t.count;
    tables.push(t);
  }
  const cols: Columns = { offset: new BigUint64Array(total), type: new Uint32Array(total), symbolIndex: new Uint32Array(total), addend: new BigInt64Array(total) };
  ctx.total += total;
  let at = 0;
  for (const t of tables) {
    t.offset = cols.offset.subarray(at, at + t.count);
    t.type = cols.type.subarray(at, at + t.count);
    t.symbolIndex = cols.symbolIndex.subarray(at, at + t.count);
    t.addend = cols.addend.subarray(at, at + t.count);
    at += t.count;
    fillTable(ctx, t);
    const symtab = t.symbolTableSection;
    checkSymbols(ctx, t, symtab < 0 ? null : (symbolTables.find((s) => s.sectionIndex === symtab) ?? null));
  }
  return tables;
}

function describeTable(ctx: ParseContext, sections: ElfSection[], sec: ElfSection, room: number): RelocationTable {
  const { L } = ctx;
  const isRela = sec.type === SHT_RELA;
  const stride = isRela ? L.relaSize : L.relSize;
  if (sec.entsize !== BigInt(stride)) {
    ctx.diag("warning", "BAD_REL_ENTSIZE", sec.header.offset, `relocation section ${sec.index} has sh_entsize ${sec.entsize}, expected ${stride} (read with ${stride})`, sec.index);
  }
  let count = Math.floor(sec.dataSize / stride);
  if (count > room) {
    ctx.diag("error", "TOO_MANY_RELOCATIONS", sec.header.offset, `relocation section ${sec.index}: ${count} entries exceed the remaining limit of ${room}`, sec.index);
    count = Math.max(0, room);
  }
  const n = sections.length;
  let symtab = -1;
  if (sec.link !== 0) {
    if (sec.link < n && (sections[sec.link].type === SHT_SYMTAB || sections[sec.link].type === SHT_DYNSYM)) symtab = sec.link;
    else ctx.diag("warning", "BAD_REL_LINK", sec.header.offset, `relocation section ${sec.index} links to section ${sec.link}, which is not a symbol table`, sec.index);
  }
  let target = sec.info;
  if (target >= n) {
    ctx.diag("warning", "BAD_REL_INFO", sec.header.offset, `relocation section ${sec.index} applies to section ${sec.info}, out of range (${n} sections)`, sec.index);
    target = -1;
  }
  return {
    sectionIndex: sec.index,
    targetSection: target,
    symbolTableSection: symtab,
    isRela,
    count,
    recordOffset: sec.dataOffset,
    entsize: stride,
    offset: EMPTY_U64,
    type: EMPTY_U32,
    symbolIndex: EMPTY_U32,
    addend: EMPTY_I64,
  };
}

const EMPTY_U64 = new BigUint64Array(0);
const EMPTY_U32 = new Uint32Array(0);
const EMPTY_I64 = new BigInt64Array(0);

function fillTable(ctx: ParseContext, t: RelocationTable): void {
  const { r, L } = ctx;
  const f = L.rel;
  const stride = t.entsize;
  const base = t.recordOffset;
  const words = L.is64 ? r.words(base, (t.count * stride) / 4) : null;
  if (words) {
    fillTable64(ctx, t, words);
    return;
  }
  ctx.chunked(t.count, base, (start, end) => {
    const at = base + start * stride;
    const m = end - start;
    r.column64(at, stride, m, f.offset, L.word, false, t.offset.subarray(start, end));
    if (t.isRela) r.column64(at, stride, m, f.addend, L.word, true, t.addend.subarray(start, end));
    const types = t.type.subarray(start, end);
    const syms = t.symbolIndex.subarray(start, end);
    if (L.is64) {
      // r_info = sym << 32 | type: the halves sit at +0/+4 (LSB) or +4/+0 (MSB).
      r.column32(at, stride, m, f.info + (r.le ? 0 : 4), types);
      r.column32(at, stride, m, f.info + (r.le ? 4 : 0), syms);
    } else {
      r.column32(at, stride, m, f.info, syms);
      for (let i = 0; i < m; i++) {
        types[i] = syms[i] & 0xff;
        syms[i] = syms[i] >>> 8;
      }
    }
  });
}

/**
 * ELF64 little-endian records read as words in one pass (the common case: every x86-64 and
 * AArch64 object), writing the four columns at once instead of one strided pass per field.
 */
function fillTable64(ctx: ParseContext, t: RelocationTable, w: Uint32Array): void {
  const perRecord = t.entsize / 4;
  const offset = new Uint32Array(t.offset.buffer, t.offset.byteOffset, t.count * 2);
  const addend = new Uint32Array(t.addend.buffer, t.addend.byteOffset, t.count * 2);
  const type = t.type;
  const sym = t.symbolIndex;
  const rela = t.isRela;
  ctx.chunked(t.count, t.recordOffset, (start, end) => {
    for (let i = start, p = start * perRecord; i < end; i++, p += perRecord) {
      offset[2 * i] = w[p];
      offset[2 * i + 1] = w[p + 1];
      type[i] = w[p + 2];
      sym[i] = w[p + 3];
      if (rela) {
        addend[2 * i] = w[p + 4];
        addend[2 * i + 1] = w[p + 5];
      }
    }
  });
}

function checkSymbols(ctx: ParseContext, t: RelocationTable, symbols: SymbolTable | null): void {
  const limit = symbols ? symbols.count : t.symbolTableSection < 0 ? 1 : 0;
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  const syms = t.symbolIndex;
  for (let i = 0; i < t.count; i++) {
    const s = syms[i];
    if (s !== 0 && s >= limit) {
      const at = t.recordOffset + i * t.entsize;
      budget.diag("warning", "BAD_REL_SYMBOL", at, `relocation ${i} at ${hex(at)} uses symbol ${s}, out of range (${symbols ? symbols.count : 0} symbols)`, t.sectionIndex);
    }
  }
  budget.close("BAD_REL_SYMBOL", t.recordOffset, "bad relocation symbols", t.sectionIndex);
}
