// Names for places in a relocatable file: the target of a relocation spelled the way objdump -r
// does, plus where it lands (relocLanding, the one place every view takes that from), and what a
// section offset holds. "function+offset" for a section offset is symbolInSection() in
// src/elf/sectionSymbols.ts, which the audit asks too.
import { describe, type ElfFile, EM_X86_64, isMappingSymbol, labelsAround, printable, relocAddend, type RelocationTable, relocOffset, relocSymbol, relocType, SHN_LORESERVE, symbolDisplayName, symbolInSection, symbolNamingSection, type SymbolTable } from "../../elf/index.ts";
import type { Insn } from "../../disasm/types.ts";
import { signedAddend } from "../../livepatch/label.ts";

const STT_SECTION = 3;
const SHF_EXECINSTR = 0x4n;
const SHF_STRINGS = 0x20n;
const SHT_NOBITS = 8;

/** "label+0x4" from the nearest named symbol at or before `offset` in section `shndx`. */
function nearestLabel(elf: ElfFile, shndx: number, offset: bigint): string | null {
  const t = elf.symbolTables[0];
  const at = t ? labelsAround(t, shndx, offset)?.before : null;
  if (!at) return null;
  const delta = offset - at.value;
  return delta === 0n ? at.name : `${at.name}+0x${delta.toString(16)}`;
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
  const around = t ? labelsAround(t, shndx, offset) : null;
  if (!around || offset < 0n || offset >= BigInt(size)) return { start: 0, end: size };
  // The last label at or before `offset`, and the one after it, past `offset`.
  const { before, next } = around;
  return { start: before === null ? 0 : Number(before.value), end: next === null || next > BigInt(size) ? size : Number(next) };
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
  const s = relocSymbol(r, i);
  if (!t || s === 0 || s >= t.count) return null;
  const shndx = t.shndx[s];
  if (shndx === 0 || shndx >= SHN_LORESERVE) return null;
  const value = ((t.info[s] & 0xf) === STT_SECTION ? 0n : t.value[s]) + relocAddend(r, i);
  const patched = elf.sections[r.targetSection];
  if (elf.header.machine !== EM_X86_64 || !X86_PCREL.has(relocType(r, i)) || !patched || !(patched.flags & SHF_EXECINSTR)) return { section: shndx, offset: value, counted: "value" };
  const insn = code ? insnHolding(code, relocOffset(r, i)) : null;
  if (!insn || !insn.pcRelField) return { section: shndx, offset: value, counted: "unknown" };
  const place = code!.base + relocOffset(r, i);
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
  const name = symbolInSection(elf, shndx, offset)?.label ?? nearestLabel(elf, shndx, offset) ?? `${printable(sec.name)}${offset === 0n ? "" : signedAddend(offset)}`;
  const data = (sec.flags & SHF_STRINGS || sec.name.startsWith(".rodata")) && !(sec.flags & SHF_EXECINSTR) && sec.type !== SHT_NOBITS && offset >= 0n && offset < BigInt(sec.dataSize);
  const str = data ? cString(elf.bytes.subarray(sec.dataOffset, sec.dataOffset + sec.dataSize), Number(offset)) : null;
  return str === null ? name : `${name} ${JSON.stringify(str)}`;
}

export function relocText(elf: ElfFile, r: RelocationTable, i: number, image: ImageNames | null = null, code: DecodedCode | null = null): RelocText {
  const machine = elf.header.machine;
  const type = describe.relocationTypeName(machine, relocType(r, i)) ?? `unknown (${relocType(r, i)})`;
  const t = symbolTableFor(elf, r);
  const s = relocSymbol(r, i);
  const addend = relocAddend(r, i);
  if (!t || s >= t.count) return { type, target: s === 0 ? hexAddend(addend) : `bad symbol ${s}`, resolved: "" };
  const shndx = t.shndx[s];
  const name = relocSymbolName(elf, t, s);
  const target = s === 0 ? hexAddend(addend) : `${name}${addend === 0n ? "" : signedAddend(addend)}`;
  let resolved = "";
  if (s !== 0 && shndx === 0) {
    const a = image?.lookup(t.name[s]) ?? null;
    resolved = !image
      ? "undefined: resolved by the hypervisor at upload (load its xen-syms to see where)"
      : a !== null
        ? `${printable(t.name[s])} = 0x${a.toString(16)} in ${image.file}`
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

/**
 * Symbol `s` of `t` as a relocation's target names it (relocText()'s target without the addend):
 * a SECTION symbol by its section, a mapping symbol ($x, $d) by its section and value, any other by
 * its name; all spelt by printable() (a byte that is not UTF-8 as \xff). The Relocations filter
 * matches this.
 */
export function relocSymbolName(elf: ElfFile, t: SymbolTable, s: number): string {
  const symType = t.info[s] & 0xf;
  const shndx = t.shndx[s];
  // Named by its section (symbolNamingSection()), or by its own name: readelf -r's Symbol's Name.
  if (symbolNamingSection(elf, t, s) >= 0 || (symType !== STT_SECTION && !isMappingSymbol(t.name[s]))) return symbolDisplayName(elf, t, s);
  if (symType === STT_SECTION) return printable(t.name[s]) || `section ${shndx}`;
  const secName = printable(elf.sections[shndx]?.name ?? `section ${shndx}`);
  return `${secName}${t.value[s] === 0n ? "" : signedAddend(t.value[s])}`;
}

/** What "resolves to" says for a PC-relative field in code whose instruction was not decoded. */
export const UNDECODED = "not known: the instruction holding this field was not decoded";

function hexAddend(a: bigint): string {
  return a < 0n ? `-0x${(-a).toString(16)}` : `0x${a.toString(16)}`;
}
