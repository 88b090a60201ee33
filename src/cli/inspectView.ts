// Display helpers shared by inspect's text and JSON writers: readelf names, cached per file.
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, describe, printable, stBind, stType, symbolDisplayName, type ElfFile, type SymbolTable } from "../elf/index.ts";

export interface View {
  elf: ElfFile;
  machine: number;
  osabi: number;
  sectionName(index: number): string;
  relocType(type: number): string;
  /** readelf's flag letters (memoised: a .o repeats a handful of flag sets thousands of times). */
  sectionFlags(flags: bigint): string;
  /** Symbol name as readelf prints it in -s and -r listings (section name for SECTION symbols): symbolDisplayName(). */
  symbolDisplay(table: SymbolTable | undefined, index: number): string;
  symbolSection(shndx: number): number | string;
}

export function createView(elf: ElfFile): View {
  const machine = elf.header.machine;
  const osabi = elf.header.osabi;
  const types = new Map<number, string>();
  const names = new Map<SymbolTable, string[]>();
  const flagLetters = new Map<bigint, string>();
  // Names as readelf prints them: a control character as ^X (printable()), never raw to the terminal.
  const sectionName = (i: number) => (i >= 0 && i < elf.sections.length ? printable(elf.sections[i].name) : "");
  return {
    elf,
    machine,
    osabi,
    sectionName,
    relocType(type) {
      let name = types.get(type);
      if (name === undefined) {
        name = describe.relocationTypeName(machine, type) ?? `unrecognized: ${type.toString(16)}`;
        types.set(type, name);
      }
      return name;
    },
    sectionFlags(flags) {
      let letters = flagLetters.get(flags);
      if (letters === undefined) {
        letters = describe.sectionFlagLetters(flags, machine, osabi);
        flagLetters.set(flags, letters);
      }
      return letters;
    },
    symbolDisplay(table, index) {
      if (!table || index >= table.count) return "";
      let cache = names.get(table);
      if (!cache) {
        cache = new Array<string>(table.count);
        names.set(table, cache);
      }
      let name = cache[index];
      if (name === undefined) {
        name = symbolDisplayName(elf, table, index);
        cache[index] = name;
      }
      return name;
    },
    symbolSection(shndx) {
      if (shndx === SHN_UNDEF) return "UND";
      if (shndx === SHN_ABS) return "ABS";
      if (shndx === SHN_COMMON) return "COM";
      if (shndx >= 0xff00) return describe.sectionIndexName(shndx, machine, elf.sections.length).trim();
      return shndx;
    },
  };
}

export function symbolType(view: View, info: number): string {
  return describe.symbolTypeName(stType(info), view.machine, view.osabi);
}

export function symbolBind(view: View, info: number): string {
  return describe.symbolBindName(stBind(info), view.osabi);
}

/** `make` memoised over a byte's 256 values (st_info, st_other). */
export function memoByte(make: (byte: number) => string): (byte: number) => string {
  const cache: string[] = new Array(256);
  return (byte) => (cache[byte] ??= make(byte));
}
