// Hard caps on what a file may make us allocate or loop over. Real inputs are far below these
// (a large xen-syms has ~100k symbols; our largest fixture ~1M relocations and ~10k sections);
// a hostile file hits them and gets a diagnostic instead of exhausting memory or time.

/** Section headers kept (extended numbering allows up to 2^32). */
export const MAX_SECTIONS = 1 << 20;
/** Program headers kept. */
export const MAX_SEGMENTS = 1 << 16;
/** Symbols per symbol table. */
export const MAX_SYMBOLS_PER_TABLE = 1 << 24;
/** Relocations summed over all relocation sections. */
export const MAX_RELOCATIONS = 1 << 26;
/** Notes summed over all note sections. */
export const MAX_NOTES = 1 << 16;
/** Bytes of symbol names decoded per symbol table before the rest are left empty. */
export const MAX_NAME_BYTES_PER_TABLE = 64 << 20;
/** Longest single string we decode; longer ones are cut (with a diagnostic). */
export const MAX_STRING_LENGTH = 1 << 16;
/** Per-item diagnostics kept per table before one summary diagnostic replaces the rest. */
export const MAX_DIAGNOSTICS_PER_TABLE = 50;
/** Diagnostics kept per file. */
export const MAX_DIAGNOSTICS = 2000;
/** Records processed between `shouldCancel`/`onProgress` calls. */
export const PROGRESS_CHUNK = 1 << 16;
