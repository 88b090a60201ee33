// Helpers for linked images (xen-syms) and for anyone who needs bytes or symbols by name/address.
import type { ElfFile, ElfSection, SymbolRef } from "./types.ts";

/** Map of symbol name → first defined symbol with that name (all symbol tables, .symtab first). */
export function symbolsByName(file: ElfFile): Map<string, SymbolRef> {
  void file;
  throw new Error("not yet");
}

/** The first defined symbol called `name`, or null. */
export function findSymbol(file: ElfFile, name: string): SymbolRef | null {
  void [file, name];
  throw new Error("not yet");
}

/**
 * The FUNC (or, failing that, OBJECT/NOTYPE) symbol whose [value, value+size) contains
 * `address`; for zero-sized symbols, an exact match. Null when none.
 */
export function symbolAt(file: ElfFile, address: bigint): SymbolRef | null {
  void [file, address];
  throw new Error("not yet");
}

/**
 * `length` bytes at virtual `address`, read through SHF_ALLOC sections that have file contents.
 * Null when any byte is not backed by file data (NOBITS, gaps, out of range).
 */
export function readVirtual(file: ElfFile, address: bigint, length: number): Uint8Array | null {
  void [file, address, length];
  throw new Error("not yet");
}

/** The GNU build-id (NT_GNU_BUILD_ID descriptor, preferring `.note.gnu.build-id`), or null. */
export function buildId(file: ElfFile): Uint8Array | null {
  void file;
  throw new Error("not yet");
}

/** The section's file bytes as a subarray; empty for NOBITS/NULL or an unusable range. */
export function sectionData(file: ElfFile, index: number): Uint8Array {
  void [file, index];
  throw new Error("not yet");
}

/** The first section called `name` (as Xen does), or null. */
export function sectionByName(file: ElfFile, name: string): ElfSection | null {
  void [file, name];
  throw new Error("not yet");
}
