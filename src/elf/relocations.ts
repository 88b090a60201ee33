// SHT_REL and SHT_RELA sections. Like readelf, records are read at the standard
// stride for the class; a different sh_entsize is reported, not trusted.
import { SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_SYMTAB } from "./constants.ts";
import { DiagnosticBudget, type ParseContext } from "./context.ts";
import { hex } from "./errors.ts";
import { MAX_DIAGNOSTICS_PER_TABLE, MAX_RELOCATIONS, PROGRESS_CHUNK } from "./limits.ts";
import type { ElfSection, RelocationTable, RelocationWords, SymbolTable } from "./types.ts";

export function parseRelocationTables(ctx: ParseContext, sections: ElfSection[], symbolTables: SymbolTable[]): RelocationTable[] {
  // Pass 1 validates headers and sizes every table. An ELF64 little-endian table whose records
  // are 8-byte aligned in the file is then read where it is: its records already are the layout
  // every reader reads (see RelocationWords), so the 1.2 million records of a hypervisor's link
  // object cost a scan for their largest symbol index, not ~29 MB of columns to fill, fault in
  // and collect. Any other table (ELF32, big-endian, misaligned) is decoded into one shared copy
  // in that layout. Ticks come every PROGRESS_CHUNK records across table boundaries.
  const tables: RelocationTable[] = [];
  let total = 0;
  for (const sec of sections) {
    if (sec.type !== SHT_REL && sec.type !== SHT_RELA) continue;
    const t = describeTable(ctx, sections, sec, MAX_RELOCATIONS - total);
    total += t.count;
    tables.push(t);
  }
  ctx.total += total;
  const inFile = inFileWords(ctx);
  let copied = 0;
  for (const t of tables) {
    const q = inFile ? ctx.r.wordIndex(t.recordOffset, t.count * t.entsize) : -1;
    if (q >= 0) {
      t.words = inFile!;
      t.first = q;
    } else {
      t.first = copied;
      copied += t.count * t.step;
    }
  }
  const copy = copied > 0 ? wordsOver(new ArrayBuffer(copied * 8)) : null;
  let sinceTick = 0;
  let last = 0;
  for (const t of tables) {
    if (t.words === NO_WORDS && copy) t.words = copy;
    const symtab = t.symbolTableSection;
    const symbols = symtab < 0 ? null : (symbolTables.find((s) => s.sectionIndex === symtab) ?? null);
    // Any symbol index at or above this bound is out of range (0, STN_UNDEF, never is); with no
    // symbol table linked only 0 is valid.
    const bound = Math.max(1, symbols ? symbols.count : 0);
    const decode = copy !== null && t.words === copy;
    let maxSymbol = 0;
    for (let i = 0; i < t.count; ) {
      const n = Math.min(t.count - i, PROGRESS_CHUNK - sinceTick);
      if (decode) decodeRecords(ctx, t, i, i + n);
      maxSymbol = Math.max(maxSymbol, largestSymbol(t, i, i + n));
      i += n;
      sinceTick += n;
      if (sinceTick === PROGRESS_CHUNK) {
        ctx.tick(sinceTick, t.recordOffset + i * t.entsize);
        sinceTick = 0;
      }
    }
    if (maxSymbol >= bound) reportSymbols(ctx, t, symbols, bound);
    last = t.recordOffset;
  }
  ctx.tick(sinceTick, last);
  return tables;
}

/** r_offset of record `i`. */
export function relocOffset(t: RelocationTable, i: number): bigint {
  return t.words.u64[t.first + i * t.step];
}

/** The relocation type (`ELF64_R_TYPE` / `ELF32_R_TYPE`) of record `i`. */
export function relocType(t: RelocationTable, i: number): number {
  return t.words.u32[2 * (t.first + i * t.step) + 2];
}

/** The symbol index (`ELF64_R_SYM` / `ELF32_R_SYM`) of record `i`. */
export function relocSymbol(t: RelocationTable, i: number): number {
  return t.words.u32[2 * (t.first + i * t.step) + 3];
}

/** r_addend of record `i`; 0 for SHT_REL. */
export function relocAddend(t: RelocationTable, i: number): bigint {
  return t.step === 3 ? t.words.i64[t.first + i * 3 + 2] : 0n;
}

/** The three word views of `buffer` (whole 64-bit words only). */
export function wordsOver(buffer: ArrayBuffer | SharedArrayBuffer, byteOffset = 0, byteLength = buffer.byteLength - byteOffset): RelocationWords {
  const n = Math.floor(byteLength / 8);
  return { u32: new Uint32Array(buffer, byteOffset, 2 * n), u64: new BigUint64Array(buffer, byteOffset, n), i64: new BigInt64Array(buffer, byteOffset, n) };
}

/** The file's bytes as RelocationWords, when its records can be read in place. */
function inFileWords(ctx: ParseContext): RelocationWords | null {
  const words = ctx.L.is64 ? ctx.r.littleWords : null;
  if (!words) return null;
  const b = ctx.r.bytes;
  return { u32: words.u32, u64: words.u64, i64: new BigInt64Array(b.buffer, b.byteOffset, words.u64.length) };
}

/** Placeholder until a table's records are placed. */
const NO_WORDS: RelocationWords = wordsOver(new ArrayBuffer(0));

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
    words: NO_WORDS,
    first: 0,
    step: isRela ? 3 : 2,
  };
}

/** The largest symbol index of records [start, end). */
function largestSymbol(t: RelocationTable, start: number, end: number): number {
  const u32 = t.words.u32;
  const step = 2 * t.step;
  let max = 0;
  for (let p = 2 * (t.first + start * t.step) + 3, i = start; i < end; i++, p += step) {
    const s = u32[p];
    if (s > max) max = s;
  }
  return max;
}

/** Decodes records [start, end) of a table that cannot be read in place into its copy. */
function decodeRecords(ctx: ParseContext, t: RelocationTable, start: number, end: number): void {
  const { r, L } = ctx;
  const stride = t.entsize;
  const at = t.recordOffset + start * stride;
  const m = end - start;
  const offset = new BigUint64Array(m);
  const addend = new BigInt64Array(m);
  const types = new Uint32Array(m);
  const syms = new Uint32Array(m);
  r.column64(at, stride, m, L.rel.offset, L.word, false, offset);
  if (t.isRela) r.column64(at, stride, m, L.rel.addend, L.word, true, addend);
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
  const { u32, u64, i64 } = t.words;
  for (let i = 0, q = t.first + start * t.step; i < m; i++, q += t.step) {
    u64[q] = offset[i];
    u32[2 * q + 2] = types[i];
    u32[2 * q + 3] = syms[i];
    if (t.isRela) i64[q + 2] = addend[i];
  }
}

/** A diagnostic for each entry whose symbol index is `bound` or more. */
function reportSymbols(ctx: ParseContext, t: RelocationTable, symbols: SymbolTable | null, bound: number): void {
  const budget = new DiagnosticBudget(ctx, MAX_DIAGNOSTICS_PER_TABLE);
  for (let i = 0; i < t.count; i++) {
    const s = relocSymbol(t, i);
    if (s >= bound) {
      const at = t.recordOffset + i * t.entsize;
      budget.diag("warning", "BAD_REL_SYMBOL", at, `relocation ${i} at ${hex(at)} uses symbol ${s}, out of range (${symbols ? symbols.count : 0} symbols)`, t.sectionIndex);
    }
  }
  budget.close("BAD_REL_SYMBOL", t.recordOffset, "bad relocation symbols", t.sectionIndex);
}
