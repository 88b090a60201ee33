// Shared state for one analysis: the file, its arch, its symbol table and the relocations that
// hit each section Xen interprets. Built once; every decoder reads through it.
import {
  ByteReader,
  EM_AARCH64,
  EM_ARM,
  EM_X86_64,
  SHT_SYMTAB,
  describe,
  type ElfFile,
  type ElfSection,
  type RelocationTable,
  type SymbolTable,
} from "../elf/index.ts";
import type { LpDiagnostic } from "./diagnostics.ts";
import type { LivepatchArch } from "./types.ts";

export interface Context {
  elf: ElfFile;
  file: ByteReader;
  arch: LivepatchArch | null;
  pointerSize: 4 | 8;
  symtab: SymbolTable | null;
  diagnostics: LpDiagnostic[];
  /** The fields left unresolved (kind "unresolved"), by reason, named as the diagnostics name them. */
  unresolved: Map<string, string[]>;
  /** Section by name, first match wins (as Xen looks them up). */
  section(name: string): ElfSection | null;
  /** The section's file bytes (empty for NOBITS or an unusable range). */
  data(section: ElfSection): Uint8Array;
  relocsFor(sectionIndex: number): RelocationTable[];
  relocTypeName(type: number): string;
}

/**
 * e_machine as Xen reads it: the 16 bits at byte 18, little-endian whatever EI_DATA (byte 5) says.
 * Xen runs little-endian and reads the header in place; x86's arch_livepatch_verify_elf() refuses
 * an EI_DATA other than LSB, AArch64's and ARM's never look at it. The reader honours EI_DATA, so
 * an AArch64 payload marked big-endian reads as e_machine 0xb700 there and as AArch64 here.
 */
export function xenMachine(elf: ElfFile): number {
  const b = elf.bytes;
  return b.length >= 20 ? b[18] | (b[19] << 8) : elf.header.machine;
}

export function archOf(machine: number): LivepatchArch | null {
  if (machine === EM_X86_64) return "x86_64";
  if (machine === EM_AARCH64) return "aarch64";
  if (machine === EM_ARM) return "arm32";
  return null;
}

/**
 * A machine in the words every view and the CLI's reports use: archOf()'s name for a machine Xen
 * livepatches, else `e_machine N`.
 */
export function machineLabel(machine: number): string {
  return archOf(machine) ?? `e_machine ${machine}`;
}

export function createContext(elf: ElfFile): Context {
  const byName = new Map<string, ElfSection>();
  for (const s of elf.sections) if (s.nameValid && !byName.has(s.name)) byName.set(s.name, s);
  const symtab = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB) ?? null;
  const relocs = new Map<number, RelocationTable[]>();
  for (const t of elf.relocationTables) {
    const list = relocs.get(t.targetSection) ?? [];
    list.push(t);
    relocs.set(t.targetSection, list);
  }
  const machine = elf.header.machine;
  return {
    elf,
    file: new ByteReader(elf.bytes, elf.header.littleEndian),
    arch: archOf(machine),
    pointerSize: elf.header.elfClass === 64 ? 8 : 4,
    symtab,
    diagnostics: [],
    unresolved: new Map(),
    section: (name) => byName.get(name) ?? null,
    data: (s) => elf.bytes.subarray(s.dataOffset, s.dataOffset + s.dataSize),
    relocsFor: (index) => relocs.get(index) ?? [],
    relocTypeName: (type) => describe.relocationTypeName(machine, type) ?? `unknown type ${type}`,
  };
}
