// Names for places inside a section of a relocatable file, where a symbol's value is its offset in
// its section: the FUNC/OBJECT symbol holding an offset (`name+0x10`), and the nearest label at or
// before one. Each section's symbols are sorted by value once per table, on first ask, so a view
// naming every row of a listing (or the audit naming every new_addr) does not scan the table per
// question.
import { SHT_SYMTAB, STT_FUNC, STT_NOTYPE, STT_OBJECT } from "./constants.ts";
import { printable } from "./readelf.ts";
import { isMappingSymbol } from "./symbols.ts";
import type { ElfFile, SymbolTable } from "./types.ts";

interface SectionIndex {
  values: bigint[];
  sizes: bigint[];
  /** Symbol indices in the table, in the same order. */
  symbols: number[];
  /** reach[k]: the furthest end (value + size) among entries 0..k, so a lookup stops once nothing earlier can hold an offset. */
  reach: bigint[];
}

/** The kept symbols of each section, sorted by value, made per section on first ask. */
interface BySection {
  get(shndx: number): SectionIndex | undefined;
}

const symbolsCache = new WeakMap<SymbolTable, BySection>();
const labelsCache = new WeakMap<SymbolTable, BySection>();

/** Named FUNC/OBJECT symbols of each section (a name the string table holds; an empty one names nothing). */
function sectionSymbols(t: SymbolTable): BySection {
  return grouped(t, symbolsCache, (type, name, i) => (type === STT_FUNC || type === STT_OBJECT) && name !== "" && t.nameValid[i] === 1);
}

/** Every named FUNC/OBJECT/NOTYPE symbol (labels such as .LC0 too), mapping symbols left out. */
function sectionLabels(t: SymbolTable): BySection {
  return grouped(t, labelsCache, (type, name) => (type === STT_FUNC || type === STT_OBJECT || type === STT_NOTYPE) && name !== "" && !isMappingSymbol(name));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Section indices beyond this (hostile extended indices) hold no symbols for naming. */
const MAX_SHNDX = 1 << 20;

/**
 * Symbol indices bucketed by section (a counting sort), each bucket sorted by value (stable: at
 * one value, table order). Typed arrays and no BigInt per comparison: on a 20,000-symbol prelink.o
 * the Map-of-arrays version with BigInt compares was ~30 ms of the first Relocations render.
 */
function grouped(t: SymbolTable, cache: WeakMap<SymbolTable, BySection>, keep: (type: number, name: string, i: number) => boolean): BySection {
  const known = cache.get(t);
  if (known) return known;
  let top = -1;
  const kept = new Uint8Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const shndx = t.shndx[i];
    if (shndx >= MAX_SHNDX || !keep(t.info[i] & 0xf, t.name[i], i)) continue;
    kept[i] = 1;
    if (shndx > top) top = shndx;
  }
  const start = new Uint32Array(top + 2);
  for (let i = 0; i < t.count; i++) if (kept[i]) start[t.shndx[i] + 1]++;
  for (let k = 1; k < start.length; k++) start[k] += start[k - 1];
  const order = new Int32Array(start[start.length - 1] ?? 0);
  const fill = start.slice(0, top + 1);
  for (let i = 0; i < t.count; i++) if (kept[i]) order[fill[t.shndx[i]]++] = i;
  const words = new Uint32Array(t.value.buffer, t.value.byteOffset, t.count * 2);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const byValue = (a: number, b: number) => words[2 * a + hi] - words[2 * b + hi] || words[2 * a + lo] - words[2 * b + lo] || a - b;
  const made = new Map<number, SectionIndex>();
  const bySection: BySection = {
    get(shndx) {
      if (!(shndx >= 0 && shndx <= top) || start[shndx] === start[shndx + 1]) return undefined;
      let s = made.get(shndx);
      if (!s) {
        const list = Array.from(order.subarray(start[shndx], start[shndx + 1])).sort(byValue);
        const values = list.map((i) => t.value[i]);
        const sizes = list.map((i) => t.size[i]);
        const reach: bigint[] = [];
        values.forEach((v, k) => reach.push(k && reach[k - 1] > v + sizes[k] ? reach[k - 1] : v + sizes[k]));
        s = { values, sizes, symbols: list, reach };
        made.set(shndx, s);
      }
      return s;
    },
  };
  cache.set(t, bySection);
  return bySection;
}

/** Index of the last entry whose value is ≤ offset, or −1. */
function lastAtOrBefore(s: SectionIndex, offset: bigint): number {
  let lo = 0;
  let hi = s.values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.values[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The table a relocatable file's symbols are read from: its .symtab (the one Xen's loader reads), else its first. */
function namingTable(elf: ElfFile): SymbolTable | undefined {
  return elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB) ?? elf.symbolTables[0];
}

/** The symbol holding an offset of its section. */
export interface SectionSymbol {
  /** Its index in the file's .symtab (else its first symbol table). */
  index: number;
  /** Its name as the string table holds it. */
  name: string;
  type: typeof STT_FUNC | typeof STT_OBJECT;
  /** The offset is the symbol's value (its first byte). */
  start: boolean;
  /** How far into the symbol the offset is. */
  delta: bigint;
  /** `name` or `name+0x10`, the name spelled as readelf -sW prints it (a control character as ^X). */
  label: string;
}

/**
 * The FUNC or OBJECT symbol of section `shndx` whose [value, value + size) holds `offset` (a
 * zero-size one only at its value). Where several do: a FUNC over an OBJECT, then one starting
 * at `offset`, then the nearest start, then the first in the table. Null when none does.
 */
export function symbolInSection(elf: ElfFile, shndx: number, offset: bigint): SectionSymbol | null {
  const t = namingTable(elf);
  const s = t ? sectionSymbols(t).get(shndx) : undefined;
  if (!t || !s) return null;
  let best = -1;
  let bestFunc = false;
  let bestStart = false;
  for (let k = lastAtOrBefore(s, offset); k >= 0; k--) {
    const v = s.values[k];
    if (v < offset && s.reach[k] <= offset) break;
    if (offset >= v + s.sizes[k] && offset !== v) continue;
    const func = (t.info[s.symbols[k]] & 0xf) === STT_FUNC;
    const start = offset === v;
    // Walking down: a later hit replaces the kept one only when it is better, or at the same value (earlier in the table).
    const better = best < 0 || (func && !bestFunc) || (func === bestFunc && ((start && !bestStart) || (start === bestStart && v === s.values[best])));
    if (!better) continue;
    best = k;
    bestFunc = func;
    bestStart = start;
  }
  if (best < 0) return null;
  const index = s.symbols[best];
  const delta = offset - s.values[best];
  const name = t.name[index];
  return { index, name, type: bestFunc ? STT_FUNC : STT_OBJECT, start: delta === 0n, delta, label: delta === 0n ? printable(name) : `${printable(name)}+0x${delta.toString(16)}` };
}

/**
 * Around `offset` in section `shndx`, the named labels of table `t` (FUNC, OBJECT or NOTYPE:
 * assembler labels such as .LC0 too; ARM mapping symbols aside): the last at or before it and
 * where the next one starts. Null when the section has none.
 */
export function labelsAround(t: SymbolTable, shndx: number, offset: bigint): { before: { name: string; value: bigint } | null; next: bigint | null } | null {
  const s = sectionLabels(t).get(shndx);
  if (!s) return null;
  const k = lastAtOrBefore(s, offset);
  return {
    before: k < 0 ? null : { name: t.name[s.symbols[k]], value: s.values[k] },
    next: k + 1 < s.values.length ? s.values[k + 1] : null,
  };
}
