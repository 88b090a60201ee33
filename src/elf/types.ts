// Public model of a parsed ELF file. Plain data only (no classes, no functions), so the whole
// `ElfFile` survives structured cloning across a worker boundary; the big tables are columnar
// typed arrays whose buffers `transferablesOf` lists.
//
// Conventions:
// - Raw header fields keep their on-disk width: addresses, offsets and sizes that are 64-bit on
//   ELF64 are `bigint` (exact even when hostile), small fields are `number`.
// - Every item carries the byte range it came from, so the UI can link to the hex view.
// - Anything derived for convenience (`dataOffset`, `dataSize`) has been validated against the
//   file length; when validation fails it is 0/0 and `file.diagnostics` says why.

/** `"error" | "warning" | "info"`: info is for absence ("no .symtab"), never for damage. */
export type Severity = "error" | "warning" | "info";

/** One problem found while parsing. Parsing goes on after every diagnostic. */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `BAD_SECTION_NAME` (see `ElfErrorCode`). */
  code: string;
  /** Byte offset in the file of the record (or field) at fault. */
  offset: number;
  message: string;
  /** Index of the section the problem belongs to, when there is one. */
  section?: number;
}

/** A byte range in the file: `[offset, offset + size)`. */
export interface ByteRange {
  offset: number;
  size: number;
}

export interface ElfHeader {
  /** The 16 `e_ident` bytes, copied. */
  ident: Uint8Array;
  /** 32 or 64 (from `EI_CLASS`). */
  elfClass: 32 | 64;
  /** From `EI_DATA`. */
  littleEndian: boolean;
  /** `EI_VERSION`. */
  identVersion: number;
  /** `EI_OSABI`. */
  osabi: number;
  /** `EI_ABIVERSION`. */
  abiVersion: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  flags: number;
  ehsize: number;
  phentsize: number;
  /** Raw `e_phnum` (may be PN_XNUM = 0xffff). */
  phnum: number;
  shentsize: number;
  /** Raw `e_shnum` (0 with extended numbering). */
  shnum: number;
  /** Raw `e_shstrndx` (SHN_XINDEX = 0xffff with extended numbering). */
  shstrndx: number;
  /** Section count after extended numbering (what `sections.length` is, unless capped). */
  sectionCount: number;
  /** Program header count after extended numbering (PN_XNUM → section 0's sh_info). */
  programCount: number;
  /** Section-name string table index after extended numbering (0 when none). */
  sectionNamesIndex: number;
  /** The header record itself: offset 0, size 52 or 64. */
  range: ByteRange;
}

export interface ElfSection {
  index: number;
  /** Resolved name; "" when `sh_name` is 0 or unusable (a diagnostic says which). */
  name: string;
  /** Raw `sh_name`. */
  nameOffset: number;
  /** False when the name could not be read (bad index, no NUL, no string table). */
  nameValid: boolean;
  type: number;
  flags: bigint;
  addr: bigint;
  /** Raw `sh_offset`. */
  offset: bigint;
  /** Raw `sh_size`. */
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
  /** The section header record. */
  header: ByteRange;
  /**
   * File bytes backing this section, validated: 0/0 for SHT_NOBITS, for SHT_NULL, and for a
   * range that does not fit in the file (then with a diagnostic).
   */
  dataOffset: number;
  dataSize: number;
}

export interface ElfSegment {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
  /** The program header record. */
  header: ByteRange;
}

/**
 * One SHT_SYMTAB or SHT_DYNSYM section, columnar. Symbol `i`'s record is at
 * `recordOffset + i * entsize`.
 */
export interface SymbolTable {
  /** Index of the SYMTAB/DYNSYM section. */
  sectionIndex: number;
  /** SHT_SYMTAB (2) or SHT_DYNSYM (11). */
  sectionType: number;
  /** `sh_link`: the string table section, or -1 when it is not a usable SHT_STRTAB. */
  stringTableIndex: number;
  count: number;
  recordOffset: number;
  entsize: number;
  /** Decoded names ("" when unreadable; see `nameValid`). */
  name: string[];
  /** Raw `st_name`. */
  nameOffset: Uint32Array;
  /** 1 when the name was read from inside its string table, 0 otherwise. */
  nameValid: Uint8Array;
  value: BigUint64Array;
  size: BigUint64Array;
  info: Uint8Array;
  other: Uint8Array;
  /** Section index, SHN_XINDEX already resolved through SHT_SYMTAB_SHNDX (reserved values kept as 0xffxx). */
  shndx: Uint32Array;
  /** Raw 16-bit `st_shndx`. */
  rawShndx: Uint16Array;
}

/**
 * Relocation records as little-endian ELF64 words (r_offset, r_info = sym << 32 | type, r_addend),
 * three views of one buffer: the file's own bytes when the file is ELF64 little-endian and its
 * records 8-byte aligned (nothing is copied), else a copy decoded into that layout.
 */
export interface RelocationWords {
  u32: Uint32Array;
  u64: BigUint64Array;
  i64: BigInt64Array;
}

/**
 * One SHT_REL or SHT_RELA section. Record `i` is at `recordOffset + i * entsize` in the file; its
 * fields are read with `relocOffset()`, `relocType()`, `relocSymbol()` and `relocAddend()`.
 */
export interface RelocationTable {
  sectionIndex: number;
  /** `sh_info`: the section the relocations apply to. */
  targetSection: number;
  /** `sh_link`: the symbol table section. */
  symbolTableSection: number;
  isRela: boolean;
  count: number;
  recordOffset: number;
  entsize: number;
  /** Where the records are read. */
  words: RelocationWords;
  /** Index in `words.u64` of record 0's r_offset. */
  first: number;
  /** 64-bit words a record: 3 (RELA) or 2 (REL). */
  step: number;
}

export interface ElfNote {
  /** Section the note was found in (-1 for a blob parsed outside a section). */
  sectionIndex: number;
  /** Note record (header + name + desc, padded). */
  record: ByteRange;
  namesz: number;
  descsz: number;
  type: number;
  /** Owner name without the trailing NUL. */
  name: string;
  /** Descriptor bytes in the file. */
  desc: ByteRange;
}

export interface ElfFile {
  /** The whole file, as given to `parseElf`. */
  bytes: Uint8Array;
  header: ElfHeader;
  sections: ElfSection[];
  segments: ElfSegment[];
  /** Every SHT_SYMTAB and SHT_DYNSYM section, in section order. */
  symbolTables: SymbolTable[];
  /** Every SHT_REL and SHT_RELA section, in section order. */
  relocationTables: RelocationTable[];
  /** All notes in all SHT_NOTE sections, in section order. */
  notes: ElfNote[];
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** Called between chunks of work. */
  onProgress?(done: number, total: number): void;
  /** Polled between chunks of work; returning true aborts with `ElfCancelledError`. */
  shouldCancel?(): boolean;
}

/** A symbol found by name or address, flattened from its table. */
export interface SymbolRef {
  /** Index into `file.symbolTables`. */
  table: number;
  /** Symbol index within that table. */
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  info: number;
  shndx: number;
}
