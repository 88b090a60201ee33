// Symbolic view of symbol + addend: who a pointer designates, without load addresses.
import { isMappingSymbol, symbolNamingSection, SHN_ABS, SHN_COMMON, SHN_LORESERVE, SHN_UNDEF, SHT_SYMTAB, STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_SECTION, stType } from "../elf/index.ts";
import type { Context } from "./context.ts";
import type { PointerTarget } from "./types.ts";

export interface SymbolInfo {
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  shndx: number;
}

export function symbolInfo(ctx: Context, index: number): SymbolInfo | null {
  const t = ctx.symtab;
  if (!t || index <= 0 || index >= t.count) return null;
  return { index, name: t.name[index], value: t.value[index], size: t.size[index], type: stType(t.info[index]), shndx: t.shndx[index] };
}

/**
 * Why symbol `symbolIndex` of the table in section `table` (a relocation's sh_link and r_info)
 * cannot be resolved, or null when it can: the one rule that decides whether a field a relocation
 * fills has a known value. Every case is one Xen refuses at upload (livepatch_elf.c: more than one
 * SHT_SYMTAB, a symbol table without a string table, a name outside it, a symbol past the end), so
 * the file never gets as far as using the field; nothing is derived from it (no "NULL", no "not a
 * function", no NOP-out), in any view.
 */
export function unresolvedSymbol(ctx: Context, table: number, symbolIndex: number): string | null {
  const whole = tableUnresolved(ctx, table);
  if (whole !== null) return whole;
  const t = ctx.symtab!;
  // Said per kind, not per symbol: one reason covers every field it leaves unresolved.
  if (symbolIndex >= t.count) return `the symbol index is past the end of the symbol table (${t.count} symbols)`;
  if (symbolIndex > 0 && t.nameValid[symbolIndex] === 0 && t.nameOffset[symbolIndex] !== 0) return "the symbol's name (st_name) cannot be read from the string table";
  return null;
}

const tableReasons = new WeakMap<Context, Map<number, string | null>>();

/** unresolvedSymbol()'s answer for every symbol of the table in section `table`, or null when it depends on the symbol. */
function tableUnresolved(ctx: Context, table: number): string | null {
  let byTable = tableReasons.get(ctx);
  if (!byTable) tableReasons.set(ctx, (byTable = new Map()));
  const known = byTable.get(table);
  if (known !== undefined) return known;
  const reason = tableReason(ctx, table);
  byTable.set(table, reason);
  return reason;
}

function tableReason(ctx: Context, table: number): string | null {
  const tables = ctx.elf.symbolTables.filter((t) => t.sectionType === SHT_SYMTAB);
  if (tables.length > 1) return `the file has ${tables.length} symbol tables (sections ${tables.map((t) => t.sectionIndex).join(", ")}), so which one names a relocation's symbol is not known`;
  const t = ctx.symtab;
  if (!t) return "the file has no symbol table";
  if (table < 0) return `the relocation section's sh_link does not name a symbol table (the symbol table is section ${t.sectionIndex})`;
  if (table !== t.sectionIndex) return `the relocation section's sh_link names section ${table}, not the symbol table (section ${t.sectionIndex})`;
  const symSize = ctx.pointerSize === 8 ? 24 : 16;
  if (t.entsize < symSize) return `the symbol table's entry size is ${t.entsize}, smaller than a symbol (${symSize} bytes), so no symbol can be read`;
  if (t.stringTableIndex < 0) return `the symbol table links to section ${ctx.elf.sections[t.sectionIndex].link}, which is not a string table, so no symbol has a name`;
  return null;
}

/**
 * How readelf names a relocation's symbol: a SECTION symbol prints as its section's name, by
 * symbolNamingSection()'s rule. Not yet spelt: views spell it with printable().
 */
export function displayName(ctx: Context, index: number): string {
  const s = symbolInfo(ctx, index);
  if (!s) return "";
  const named = symbolNamingSection(ctx.elf, ctx.symtab!, index);
  if (named >= 0) return ctx.elf.sections[named].name;
  return s.name;
}

type SectionIndex = Map<number, number[]>;
const sectionIndexCache = new WeakMap<Context, SectionIndex>();

/** Named symbols per section, sorted by value; built on first use. */
function symbolsBySection(ctx: Context): SectionIndex {
  let index = sectionIndexCache.get(ctx);
  if (index) return index;
  index = new Map();
  const t = ctx.symtab;
  if (t) {
    for (let i = 1; i < t.count; i++) {
      const type = stType(t.info[i]);
      if (type !== STT_FUNC && type !== STT_OBJECT && type !== STT_NOTYPE) continue;
      // An ARM mapping symbol marks where data or code starts; it is never what a pointer names.
      if (t.name[i] === "" || isMappingSymbol(t.name[i]) || t.shndx[i] === SHN_UNDEF || t.shndx[i] >= SHN_LORESERVE) continue;
      const list = index.get(t.shndx[i]) ?? [];
      list.push(i);
      index.set(t.shndx[i], list);
    }
    for (const list of index.values()) list.sort((a, b) => (t.value[a] < t.value[b] ? -1 : t.value[a] > t.value[b] ? 1 : a - b));
  }
  sectionIndexCache.set(ctx, index);
  return index;
}

const rank = (type: number): number => (type === STT_FUNC ? 0 : type === STT_OBJECT ? 1 : 2);

/** How many earlier symbols to consider for a range containing the offset (nesting is rare). */
const LOOKBACK = 16;

/**
 * The named symbol at `offset` in section `shndx`: an exact start wins (FUNC over OBJECT over
 * NOTYPE), else a sized symbol just before it whose range holds the offset. Null when none.
 * Binary search, so a hostile file with many records and symbols stays fast.
 */
export function symbolInSection(ctx: Context, shndx: number, offset: bigint): { symbol: SymbolInfo; delta: bigint } | null {
  const list = symbolsBySection(ctx).get(shndx);
  const t = ctx.symtab;
  if (!list || !t) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.value[list[mid]] < offset) lo = mid + 1;
    else hi = mid;
  }
  let best: number | null = null;
  for (let k = lo; k < list.length && k < lo + LOOKBACK * 4 && t.value[list[k]] === offset; k++) {
    const i = list[k];
    if (best === null || rank(stType(t.info[i])) < rank(stType(t.info[best]))) best = i;
  }
  let containing: number | null = null;
  if (best === null) {
    for (let k = lo - 1; k >= 0 && k >= lo - LOOKBACK; k--) {
      const i = list[k];
      if (offset < t.value[i] + t.size[i] && (containing === null || rank(stType(t.info[i])) < rank(stType(t.info[containing])))) containing = i;
    }
  }
  const pick = best ?? containing;
  if (pick === null) return null;
  const symbol = symbolInfo(ctx, pick)!;
  return { symbol, delta: offset - symbol.value };
}

/** What `S + A` designates. `findFunction` looks through section symbols to a function. */
export function resolveTarget(ctx: Context, symbolIndex: number, addend: bigint): PointerTarget {
  const s = symbolInfo(ctx, symbolIndex);
  if (!s) return { kind: "symbol", symbol: `#${symbolIndex}`, addend, defined: false };
  if (s.shndx === SHN_UNDEF) return { kind: "symbol", symbol: s.name, addend, defined: false };
  if (s.shndx === SHN_ABS) return { kind: "absolute", value: BigInt.asUintN(64, s.value + addend) };
  if (s.shndx === SHN_COMMON || s.shndx >= SHN_LORESERVE || s.shndx >= ctx.elf.sections.length)
    return { kind: "symbol", symbol: s.name, addend, defined: false };
  const sectionOffset = s.value + addend;
  if (s.type === STT_SECTION || s.name === "") {
    const hit = symbolInSection(ctx, s.shndx, sectionOffset);
    if (hit)
      return {
        kind: "symbol",
        symbol: hit.symbol.name,
        addend: hit.delta,
        defined: true,
        sectionIndex: s.shndx,
        sectionOffset,
        symbolType: hit.symbol.type,
        symbolSize: hit.symbol.size,
      };
    return { kind: "symbol", symbol: ctx.elf.sections[s.shndx].name, addend: sectionOffset, defined: true, sectionIndex: s.shndx, sectionOffset, symbolType: STT_SECTION };
  }
  return { kind: "symbol", symbol: s.name, addend, defined: true, sectionIndex: s.shndx, sectionOffset, symbolType: s.type, symbolSize: s.size };
}
