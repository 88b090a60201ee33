// Names for places in a relocatable file: "function+offset" for a section offset, and the
// target of a relocation spelled the way objdump -r does, plus where it lands (relocLanding, the
// one place every view takes that from).
import { describe, EM_X86_64, SHN_LORESERVE, type ElfFile, type RelocationTable, type SymbolTable } from "../../elf/index.ts";
import type { Insn } from "../../disasm/types.ts";
import { signedAddend } from "../../livepatch/label.ts";

const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const SHF_EXECINSTR = 0x4n;
const SHF_STRINGS = 0x20n;
const SHT_NOBITS = 8;

import { isMappingSymbol, printable } from "../../elf/index.ts";

interface SectionSymbols {
  values: bigint[];
  sizes: bigint[];
  names: string[];
}

/** The kept symbols of each section, sorted by value, made per section on first ask. */
interface BySection {
  get(shndx: number): SectionSymbols | undefined;
}

const bySectionCache = new WeakMap<SymbolTable, BySection>();
const labelsCache = new WeakMap<SymbolTable, BySection>();

/** FUNC/OBJECT symbols of each section, sorted by value; built once per table on first use. */
function sectionSymbols(t: SymbolTable): BySection {
  return grouped(t, bySectionCache, (type) => type === STT_FUNC || type === STT_OBJECT);
}

/** Every named FUNC/OBJECT/NOTYPE symbol (labels such as .LC0 too), mapping symbols left out. */
function sectionLabels(t: SymbolTable): BySection {
  return grouped(t, labelsCache, (type, name) => (type === STT_FUNC || type === STT_OBJECT || type === STT_NOTYPE) && name !== "" && !isMappingSymbol(name));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Section indices beyond this (hostile extended indices) hold no symbols for naming. */
const MAX_SHNDX = 1 << 20;

/**
 * Symbol indices bucketed by section (a counting sort), each bucket sorted by value. Typed
 * arrays and no BigInt per comparison: on a 20,000-symbol prelink.o the Map-of-arrays version
 * with BigInt compares was ~30 ms of the first Relocations render.
 */
function grouped(t: SymbolTable, cache: WeakMap<SymbolTable, BySection>, keep: (type: number, name: string) => boolean): BySection {
  const known = cache.get(t);
  if (known) return known;
  let top = -1;
  const kept = new Uint8Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const shndx = t.shndx[i];
    if (shndx >= MAX_SHNDX || !keep(t.info[i] & 0xf, t.name[i])) continue;
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
  const byValue = (a: number, b: number) => words[2 * a + hi] - words[2 * b + hi] || words[2 * a + lo] - words[2 * b + lo];
  const made = new Map<number, SectionSymbols>();
  const bySection: BySection = {
    get(shndx) {
      if (!(shndx >= 0 && shndx <= top) || start[shndx] === start[shndx + 1]) return undefined;
      let s = made.get(shndx);
      if (!s) {
        const list = Array.from(order.subarray(start[shndx], start[shndx + 1])).sort(byValue);
        s = { values: list.map((i) => t.value[i]), sizes: list.map((i) => t.size[i]), names: list.map((i) => t.name[i]) };
        made.set(shndx, s);
      }
      return s;
    },
  };
  cache.set(t, bySection);
  return bySection;
}

/** Index of the last entry whose value is ≤ offset, or −1. */
function lastAtOrBefore(s: SectionSymbols, offset: bigint): number {
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

/** "label+0x4" from the nearest named symbol at or before `offset` in section `shndx`. */
function nearestLabel(elf: ElfFile, shndx: number, offset: bigint): string | null {
  const t = elf.symbolTables[0];
  const s = t ? sectionLabels(t).get(shndx) : undefined;
  if (!s) return null;
  const k = lastAtOrBefore(s, offset);
  if (k < 0) return null;
  const delta = offset - s.values[k];
  return delta === 0n ? s.names[k] : `${s.names[k]}+0x${delta.toString(16)}`;
}

/**
 * The stretch of code section `shndx` to decode for the instruction at `offset`: from the nearest
 * named label at or before it (a function or an assembler label starts an instruction, and
 * objdump -d starts decoding again at each) up to the next label, or the section's start and end
 * where there is none. Rows under one label share one decode, and a large section (prelink.o's
 * 310 KB .init.text) is decoded where it is looked at, not only its first instructions.
 */
export function decodeSpan(elf: ElfFile, shndx: number, offset: bigint): { start: number; end: number } {
  const size = elf.sections[shndx]?.dataSize ?? 0;
  const t = elf.symbolTables[0];
  const s = t ? sectionLabels(t).get(shndx) : undefined;
  if (!s || offset < 0n || offset >= BigInt(size)) return { start: 0, end: size };
  // The last label at or before `offset`, so the one after it is past `offset`.
  const k = lastAtOrBefore(s, offset);
  const next = k + 1 < s.values.length ? s.values[k + 1] : null;
  return { start: k < 0 ? 0 : Number(s.values[k]), end: next === null || next > BigInt(size) ? size : Number(next) };
}

/** "name+0x10" for an offset inside section `shndx`, using its FUNC/OBJECT symbols. */
export function placeInSection(elf: ElfFile, shndx: number, offset: bigint): string | null {
  const t = elf.symbolTables[0];
  if (!t) return null;
  const s = sectionSymbols(t).get(shndx);
  if (!s) return null;
  const found = lastAtOrBefore(s, offset);
  if (found < 0) return null;
  const delta = offset - s.values[found];
  if (delta >= s.sizes[found] && !(delta === 0n)) return null;
  // A control character in the name as readelf spells it (^X), as every view prints a symbol.
  const name = printable(s.names[found]);
  return delta === 0n ? name : `${name}+0x${delta.toString(16)}`;
}

export function symbolTableFor(elf: ElfFile, r: RelocationTable): SymbolTable | undefined {
  return elf.symbolTables.find((t) => t.sectionIndex === r.symbolTableSection);
}

// x86-64 PC-relative types: the CPU adds the field to the address of the next instruction.
const X86_PCREL = new Set([2, 4, 9, 41, 42]);

/** Decoded code of the section a relocation patches: its instructions, section offset 0 at `base`. */
export interface DecodedCode {
  insns: readonly Insn[];
  base: bigint;
}

export interface Landing {
  section: number;
  offset: bigint;
  /**
   * `value`: S + A, what the field designates (data, or a field that is not an instruction's
   * PC-relative one). `next-insn`: S + A plus the bytes from the field to the end of its decoded
   * instruction, where the CPU lands. `unknown`: a PC-relative field in code whose instruction is
   * not decoded; `offset` is then only S + A.
   */
  counted: "value" | "next-insn" | "unknown";
}

/**
 * Where relocation `i` of `r` leads in this file, or null when its symbol is not defined here.
 * `code` is the decoded code of the patched section, when it has been decoded.
 */
export function relocLanding(elf: ElfFile, r: RelocationTable, i: number, code: DecodedCode | null): Landing | null {
  const t = symbolTableFor(elf, r);
  const s = r.symbolIndex[i];
  if (!t || s === 0 || s >= t.count) return null;
  const shndx = t.shndx[s];
  if (shndx === 0 || shndx >= SHN_LORESERVE) return null;
  const value = ((t.info[s] & 0xf) === STT_SECTION ? 0n : t.value[s]) + r.addend[i];
  const patched = elf.sections[r.targetSection];
  if (elf.header.machine !== EM_X86_64 || !X86_PCREL.has(r.type[i]) || !patched || !(patched.flags & SHF_EXECINSTR)) return { section: shndx, offset: value, counted: "value" };
  const insn = code ? insnHolding(code, r.offset[i]) : null;
  if (!insn || !insn.pcRelField) return { section: shndx, offset: value, counted: "unknown" };
  const place = code!.base + r.offset[i];
  if (insn.address + BigInt(insn.pcRelField.offset) !== place) return { section: shndx, offset: value, counted: "value" };
  return { section: shndx, offset: value + (insn.address + BigInt(insn.size) - place), counted: "next-insn" };
}

/** The decoded instruction whose bytes include section offset `offset`. */
export function insnHolding(code: DecodedCode, offset: bigint): Insn | null {
  const at = code.base + offset;
  const list = code.insns;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const ins = list[mid];
    if (at < ins.address) hi = mid - 1;
    else if (at >= ins.address + BigInt(ins.size)) lo = mid + 1;
    else return ins;
  }
  return null;
}

export interface RelocText {
  type: string;
  /** As objdump -r: `symbol+addend`, section name for section symbols. */
  target: string;
  /** Where a section-symbol target lands, or how an undefined symbol is resolved. */
  resolved: string;
}

/** The hypervisor image an undefined symbol is resolved against (the one the payload targets). */
export interface ImageNames {
  file: string;
  lookup(name: string): bigint | null;
}

const MAX_STRING = 80;

/** A printable NUL-terminated string starting at `at`, or null. */
export function cString(bytes: Uint8Array, at: number): string | null {
  let s = "";
  for (let i = at; i < bytes.length && i < at + MAX_STRING; i++) {
    const b = bytes[i];
    if (b === 0) return s.length ? s : null;
    if ((b < 0x20 || b > 0x7e) && b !== 0x09 && b !== 0x0a) return null;
    s += String.fromCharCode(b);
  }
  return s.length ? `${s}…` : null;
}

/** What section `shndx` holds at `offset`: function+offset, else the nearest label, with the string there. */
export function describeInSection(elf: ElfFile, shndx: number, offset: bigint): string {
  const sec = elf.sections[shndx];
  if (!sec) return `section ${shndx}+0x${offset.toString(16)}`;
  const name = placeInSection(elf, shndx, offset) ?? nearestLabel(elf, shndx, offset) ?? `${sec.name}${offset === 0n ? "" : signedAddend(offset)}`;
  const data = (sec.flags & SHF_STRINGS || sec.name.startsWith(".rodata")) && !(sec.flags & SHF_EXECINSTR) && sec.type !== SHT_NOBITS && offset >= 0n && offset < BigInt(sec.dataSize);
  const str = data ? cString(elf.bytes.subarray(sec.dataOffset, sec.dataOffset + sec.dataSize), Number(offset)) : null;
  return str === null ? name : `${name} ${JSON.stringify(str)}`;
}

export function relocText(elf: ElfFile, r: RelocationTable, i: number, image: ImageNames | null = null, code: DecodedCode | null = null): RelocText {
  const machine = elf.header.machine;
  const type = describe.relocationTypeName(machine, r.type[i]) ?? `unknown (${r.type[i]})`;
  const t = symbolTableFor(elf, r);
  const s = r.symbolIndex[i];
  const addend = r.addend[i];
  if (!t || s >= t.count) return { type, target: s === 0 ? hexAddend(addend) : `bad symbol ${s}`, resolved: "" };
  const symType = t.info[s] & 0xf;
  const shndx = t.shndx[s];
  const mapping = symType !== STT_SECTION && isMappingSymbol(t.name[s]);
  const secName = elf.sections[shndx]?.name ?? `section ${shndx}`;
  const name = symType === STT_SECTION ? secName : mapping ? `${secName}${t.value[s] === 0n ? "" : signedAddend(t.value[s])}` : printable(t.name[s]);
  const target = s === 0 ? hexAddend(addend) : `${name}${addend === 0n ? "" : signedAddend(addend)}`;
  let resolved = "";
  if (s !== 0 && shndx === 0) {
    const a = image?.lookup(t.name[s]) ?? null;
    resolved = !image
      ? "undefined: resolved by the hypervisor at upload (load its xen-syms to see where)"
      : a !== null
        ? `${t.name[s]} = 0x${a.toString(16)} in ${image.file}`
        : `not in ${image.file}: only a payload loaded earlier can provide it, else UPLOAD fails (−ENOENT)`;
  } else {
    const land = relocLanding(elf, r, i, code);
    if (land?.counted === "unknown") resolved = UNDECODED;
    else if (land) {
      const place = describeInSection(elf, land.section, land.offset);
      resolved = place === target ? "" : place;
    }
  }
  return { type, target, resolved };
}

/** What "resolves to" says for a PC-relative field in code whose instruction was not decoded. */
export const UNDECODED = "not known: the instruction holding this field was not decoded";

function hexAddend(a: bigint): string {
  return a < 0n ? `-0x${(-a).toString(16)}` : `0x${a.toString(16)}`;
}
