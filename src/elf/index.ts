// Public surface of the ELF reader. Everything here is pure: no DOM, no Node APIs, no workers.
export type {
  ByteRange,
  Diagnostic,
  ElfFile,
  ElfHeader,
  ElfNote,
  ElfSection,
  ElfSegment,
  ParseOptions,
  RelocationTable,
  RelocationWords,
  Severity,
  SymbolRef,
  SymbolTable,
} from "./types.ts";
export { ElfCancelledError, ElfFormatError, locatedMessage, type ElfErrorCode } from "./errors.ts";
export { parseElf } from "./parse.ts";
export { relocAddend, relocOffset, relocSymbol, relocType, wordsOver } from "./relocations.ts";
export { ByteReader } from "./reader.ts";
export { parseNotes } from "./notes.ts";
export { transferablesOf } from "./transfer.ts";
export {
  buildAddressIndexes,
  buildId,
  buildIdHex,
  findSymbol,
  imageNameAt,
  imageSymbolEnd,
  readVirtual,
  sectionByName,
  sectionData,
  symbolAt,
  symbolBefore,
  symbolsByName,
} from "./image.ts";
export { formatReadelf, printable, symbolDisplayName, symbolNamingSection, type ReadelfOptions } from "./readelf.ts";
export { isMappingSymbol } from "./symbols.ts";
export { decodeBytes } from "./strings.ts";
export { labelsAround, symbolInSection, type SectionSymbol } from "./sectionSymbols.ts";
export * from "./constants.ts";
export * as describe from "./describe.ts";
