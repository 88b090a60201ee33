// Names for places in a relocatable file: "function+offset" for a section offset, and the
// target of a relocation spelled the way objdump -r does, plus where a section symbol lands.
import { describe, EM_X86_64, type ElfFile, type RelocationTable, type SymbolTable } from "../../elf/index.ts";
import { signedAddend } from "../format.ts";

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;

interface SectionSymbols {
  values: bigint[];
  sizes: bigint[];
  names: string[];
}

const bySectionCache = new WeakMap<SymbolTable, Map<number, SectionSymbols>>();

/** FUNC/OBJECT symbols of each section, sorted by value; built once per table on first use. */
function sectionSymbols(t: SymbolTable): Map<number, SectionSymbols> {
  let map = bySectionCache.get(t);
  if (map) return map;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < t.count; i++) {
    const type = t.info[i] & 0xf;
    if (type !== STT_FUNC && type !== STT_OBJECT) continue;
    const list = groups.get(t.shndx[i]) ?? [];
    list.push(i);
    groups.set(t.shndx[i], list);
  }
  map = new Map();
  for (const [shndx, list] of groups) {
    list.sort((a, b) => (t.value[a] < t.value[b] ? -1 : t.value[a] > t.value[b] ? 1 : 0));
    map.set(shndx, { values: list.map((i) => t.value[i]), sizes: list.map((i) => t.size[i]), names: list.map((i) => t.name[i]) });
  }
  bySectionCache.set(t, map);
  return map;
}

/** "name+0x10" for an offset inside section `shndx`, using its FUNC/OBJECT symbols. */
export function placeInSection(elf: ElfFile, shndx: number, offset: bigint): string | null {
  const t = elf.symbolTables[0];
  if (!t) return null;
  const s = sectionSymbols(t).get(shndx);
  if (!s) return null;
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
  if (found < 0) return null;
  const delta = offset - s.values[found];
  if (delta >= s.sizes[found] && !(delta === 0n)) return null;
  return delta === 0n ? s.names[found] : `${s.names[found]}+0x${delta.toString(16)}`;
}

export function symbolTableFor(elf: ElfFile, r: RelocationTable): SymbolTable | undefined {
  return elf.symbolTables.find((t) => t.sectionIndex === r.symbolTableSection);
}

// x86-64 PC-relative types whose addend is conventionally "−4 from the next instruction".
const X86_PCREL = new Set([2, 4, 9, 41, 42]);

export interface RelocText {
  type: string;
  /** As objdump -r: `symbol+addend`, section name for section symbols. */
  target: string;
  /** Where a section-symbol target lands, or how an undefined symbol is resolved. */
  resolved: string;
}

export function relocText(elf: ElfFile, r: RelocationTable, i: number): RelocText {
  const machine = elf.header.machine;
  const type = describe.relocationTypeName(machine, r.type[i]) ?? `unknown (${r.type[i]})`;
  const t = symbolTableFor(elf, r);
  const s = r.symbolIndex[i];
  const addend = r.addend[i];
  if (!t || s >= t.count) return { type, target: s === 0 ? hexAddend(addend) : `bad symbol ${s}`, resolved: "" };
  const symType = t.info[s] & 0xf;
  const shndx = t.shndx[s];
  const name = symType === STT_SECTION ? (elf.sections[shndx]?.name ?? `section ${shndx}`) : t.name[s];
  const target = s === 0 ? hexAddend(addend) : `${name}${addend === 0n ? "" : signedAddend(addend)}`;
  let resolved = "";
  if (s !== 0 && shndx === 0) resolved = "undefined: resolved by the hypervisor at upload";
  else if (symType === STT_SECTION) {
    const at = addend + (machine === EM_X86_64 && X86_PCREL.has(r.type[i]) ? 4n : 0n);
    resolved = placeInSection(elf, shndx, at) ?? "";
  }
  return { type, target, resolved };
}

function hexAddend(a: bigint): string {
  return a < 0n ? `-0x${(-a).toString(16)}` : `0x${a.toString(16)}`;
}
