// SHT_REL and SHT_RELA sections as columns. Like readelf, records are read at the standard
// stride for the class; a different sh_entsize is reported, not trusted.
import { SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_SYMTAB } from "./constants.ts";
import { DiagnosticBudget, type ParseContext } from "./context.ts";
import { hex } from "./errors.ts";
import { MAX_DIAGNOSTICS_PER_TABLE, MAX_RELOCATIONS, PROGRESS_CHUNK } from "./limits.ts";
import type { LittleWords } from "./reader.ts";
import type { ElfSection, RelocationTable, SymbolTable } from "./types.ts";

export function parseRelocationTables(ctx: ParseContext, sections: ElfSection[], symbolTables: SymbolTable[]): RelocationTable[] {
  // Pass 1 validates headers and sizes every table; pass 2 fills views of four shared columns
  // (thousands of small sections would otherwise mean thousands of tiny ArrayBuffers), ticking
  // every PROGRESS_CHUNK records across table boundaries. One buffer per column, not one for
  // all four: in Node that measured faster (a single ~29 MB block is mapped afresh, page by
  // page, on every parse) and it is the layout wire.ts hands over without a copy.
  const tables: RelocationTable[] = [];
  let total = 0;
  for (const sec of sections) {
    if (sec.type !== SHT_REL && sec.type !== SHT_RELA) continue;
    const t = describeTable(ctx, sections, sec, MAX_RELOCATIONS - total);
    total += t.count;
    tables.push(t);
  }
  const offset = new BigUint64Array(total);
  const type = new Uint32Array(total);
  const symbolIndex = new Uint32Array(total);
  const addend = new BigInt64Array(total);
  const words = ctx.L.is64 ? ctx.r.littleWords : null;
  const fast: WordFill | null = words && { ...words, offset, addend, type, symbolIndex };
  ctx.total += total;
  let at = 0;
  let sinceTick = 0;
  for (const t of tables) {
    const end = at + t.count;
    t.offset = offset.subarray(at, end);
    t.type = type.subarray(at, end);
    t.symbolIndex = symbolIndex.subarray(at, end);
    t.addend = addend.subarray(at, end);
    const symtab = t.symbolTableSection;
    const symbols = symtab < 0 ? null : (symbolTables.find((s) => s.sectionIndex === symtab) ?? null);
    // Any symbol index at or above this bound is out of range (0, STN_UNDEF, never is); with no
    // symbol table linked only 0 is valid.
    const bound = Math.max(1, symbols ? symbols.count : 0);
    let maxSymbol = 0;
    for (let i = 0; i < t.count; ) {
      const n = Math.min(t.count - i, PROGRESS_CHUNK - sinceTick);
      maxSymbol = Math.max(maxSymbol, fillRecords(ctx, t, fast, at, i, i + n));
      i += n;
      sinceTick += n;
      if (sinceTick === PROGRESS_CHUNK) {
        ctx.tick(sinceTick, t.recordOffset + i * t.entsize);
        sinceTick = 0;
      }
    }
    if (maxSymbol >= bound) reportSymbols(ctx, t, symbols, bound);
    at = end;
  }
  ctx.tick(sinceTick, at === 0 ? 0 : tables[tables.length - 1].recordOffset);
  return tables;
}

/** The file as little-endian words and the shared columns. */
interface WordFill extends LittleWords {
  offset: BigUint64Array;
  addend: BigInt64Array;
  type: Uint32Array;
  symbolIndex: Uint32Array;
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

/**
 * Fills records [start, end) of table `t`, whose record 0 is record `first` of the shared
 * columns. Returns the largest symbol index seen.
 */
function fillRecords(ctx: ParseContext, t: RelocationTable, fast: WordFill | null, first: number, start: number, end: number): number {
  const { r, L } = ctx;
  const stride = t.entsize;
  const at = t.recordOffset + start * stride;
  const m = end - start;
  const q = fast ? r.wordIndex(at, m * stride) : -1;
  if (fast && q >= 0) return fillWords(fast, q, stride / 8, t.isRela, first + start, m);
  r.column64(at, stride, m, L.rel.offset, L.word, false, t.offset.subarray(start, end));
  if (t.isRela) r.column64(at, stride, m, L.rel.addend, L.word, true, t.addend.subarray(start, end));
  const types = t.type.subarray(start, end);
  const syms = t.symbolIndex.subarray(start, end);
  if (L.is64) {
    // r_info = sym << 32 | type: the halves sit at +0/+4 (LSB) or +4/+0 (MSB).
    r.column32(at, stride, m, L.rel.info + (r.le ? 0 : 4), types);
    r.column32(at, stride, m, L.rel.info + (r.le ? 4 : 0), syms);
  } else {
    r.column32(at, stride, m, L.rel.info, syms);
    for (let i = 0; i < m; i++) {
      types[i] = syms[i] & 0xff;
      syms[i] = syms[i] >>> 8;
    }
  }
  let max = 0;
  for (let i = 0; i < m; i++) if (syms[i] > max) max = syms[i];
  return max;
}

/**
 * ELF64 little-endian records read as words in one pass (the common case: every x86-64 and
 * AArch64 object), writing the four columns at once instead of one strided pass per field.
 * Writes shared records [i, i + count) from the records whose first 64-bit word is `u64[q]`;
 * 64-bit fields move as one element each (no BigInt is allocated once the loop is optimized).
 */
function fillWords(f: WordFill, q: number, perRecord: number, rela: boolean, i: number, count: number): number {
  const { u32, u64, offset, addend, type, symbolIndex: sym } = f;
  let max = 0;
  const end = i + count;
  for (let p = 2 * q; i < end; i++, q += perRecord, p += 2 * perRecord) {
    offset[i] = u64[q];
    // r_info's low word is the type, its high word the symbol.
    type[i] = u32[p + 2];
    const s = u32[p + 3];
    sym[i] = s;
    if (s > max) max = s;
    if (rela) addend[i] = u64[q + 2];
  }
  return max;
}

/** A diagnostic for each entry whose symbol index is `bound` or more. */
function reportSymbols(ctx: ParseContext, t: RelocationTable, symbols: SymbolTable | null, bound: number): void {
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  const syms = t.symbolIndex;
  for (let i = 0; i < t.count; i++) {
    const s = syms[i];
    if (s >= bound) {
      const at = t.recordOffset + i * t.entsize;
      budget.diag("warning", "BAD_REL_SYMBOL", at, `relocation ${i} at ${hex(at)} uses symbol ${s}, out of range (${symbols ? symbols.count : 0} symbols)`, t.sectionIndex);
    }
  }
  budget.close("BAD_REL_SYMBOL", t.recordOffset, "bad relocation symbols", t.sectionIndex);
}
