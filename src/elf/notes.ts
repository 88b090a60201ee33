// ELF notes: namesz/descsz/type records, 4-byte aligned (8 for some GNU notes in ELF64).
import type { Diagnostic, ElfNote } from "./types.ts";

/**
 * Parse a note blob: `bytes[offset, offset+size)` of the file. Records are returned with file
 * offsets; problems go to `diagnostics`. `sectionIndex` is stored in each note (-1 if none).
 * `align` is 4 or 8 (the section's sh_addralign; 8 only for 8-aligned GNU property notes).
 */
export function parseNotes(
  bytes: Uint8Array,
  offset: number,
  size: number,
  littleEndian: boolean,
  diagnostics: Diagnostic[],
  sectionIndex = -1,
  align: 4 | 8 = 4,
): ElfNote[] {
  void [bytes, offset, size, littleEndian, diagnostics, sectionIndex, align];
  throw new Error("not yet");
}
