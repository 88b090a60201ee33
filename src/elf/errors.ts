// Errors and diagnostic codes of the ELF reader. Only a broken file header throws; everything
// else becomes a `Diagnostic` with one of these codes.

/** Every code an `ElfFormatError` or a `Diagnostic` produced by `src/elf` may carry. */
export type ElfErrorCode =
  // fatal (thrown)
  | "NOT_ELF"
  | "TRUNCATED_HEADER"
  | "BAD_CLASS"
  | "BAD_DATA"
  | "CANCELLED"
  // diagnostics: file header fields
  | "BAD_VERSION"
  | "BAD_EHSIZE"
  // diagnostics: section headers
  | "SHOFF_PAST_END"
  | "BAD_SHENTSIZE"
  | "SECTION_TABLE_OVERFLOW"
  | "TOO_MANY_SECTIONS"
  | "BAD_EXTENDED_NUMBERING"
  | "BAD_SHSTRNDX"
  | "BAD_SHSTRTAB_TYPE"
  | "BAD_SECTION_NAME"
  | "SECTION_DATA_PAST_END"
  | "VALUE_TOO_LARGE"
  // diagnostics: program headers
  | "PHOFF_PAST_END"
  | "BAD_PHENTSIZE"
  | "TOO_MANY_SEGMENTS"
  // diagnostics: string tables
  | "STRTAB_NOT_TERMINATED"
  | "BAD_STRING_OFFSET"
  // diagnostics: symbols
  | "NO_SYMTAB"
  | "BAD_SYM_ENTSIZE"
  | "BAD_SYMTAB_LINK"
  | "BAD_SYMBOL_NAME"
  | "BAD_SYMBOL_SHNDX"
  | "BAD_SYMTAB_SHNDX"
  | "TOO_MANY_SYMBOLS"
  // diagnostics: relocations
  | "BAD_REL_ENTSIZE"
  | "BAD_REL_LINK"
  | "BAD_REL_INFO"
  | "BAD_REL_SYMBOL"
  | "TOO_MANY_RELOCATIONS"
  // diagnostics: notes
  | "BAD_NOTE"
  | "TOO_MANY_NOTES"
  // diagnostics: image helpers
  | "NOBITS_READ"
  // diagnostics: bookkeeping
  | "TOO_MANY_DIAGNOSTICS";

/**
 * A file that cannot be read as ELF at all. `offset` is the byte offset in the file of the field
 * or record at fault; `field`/`value` name it when useful.
 */
export class ElfFormatError extends Error {
  readonly code: ElfErrorCode;
  readonly offset: number;
  readonly field?: string;
  readonly value?: number | bigint | string;

  constructor(code: ElfErrorCode, offset: number, message: string, field?: string, value?: number | bigint | string) {
    super(message);
    this.name = "ElfFormatError";
    this.code = code;
    this.offset = offset;
    this.field = field;
    this.value = value;
  }
}

/** Thrown when `ParseOptions.shouldCancel` returns true; its code is `CANCELLED`. */
export class ElfCancelledError extends ElfFormatError {
  constructor(offset: number) {
    super("CANCELLED", offset, `parse cancelled at byte ${hex(offset)}`);
    this.name = "ElfCancelledError";
  }
}

/** `0x1c0` style, as used in every message. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/**
 * `message at byte 0x1c0 (CODE)`, naming the byte once: many messages already say where they are,
 * and every reader of an error (page, audit, CLI) spells it this way.
 */
export function locatedMessage(message: string, code: string, offset: number | null): string {
  const named = offset === null || new RegExp(`\\b${hex(offset)}\\b`).test(message);
  return `${message}${named ? "" : ` at byte ${hex(offset)}`} (${code})`;
}

/** Message in the house form: `bad section name index 77 in record at byte 0x1c0`. */
export function recordMessage(what: string, value: number | bigint | string, recordOffset: number): string {
  return `${what} ${value} in record at byte ${hex(recordOffset)}`;
}
