// The parse result as it crosses the worker boundary. Structured-clone deserialisation runs on the
// receiving (page) thread as one task, and its cost grows with the number of objects, bigints and
// strings, not bytes: a 12k-section file or 140k symbol names took 50–110 ms there. So the wire
// form carries the heavy tables as a few typed-array columns and one string each (transferred,
// near free), relocation records as where they are in the file's bytes (which cross anyway), and
// long object arrays (2,000 livepatch functions) as separate parts the page pulls
// one message at a time. The page rebuilds the ordinary `ParsedFile` with `decodeParsed`, a
// generator the caller runs in time slices, so every step stays short.
import { wordsOver, type ElfFile, type ElfSection, type RelocationTable, type RelocationWords, type SymbolTable } from "../elf/index.ts";
import type { LivepatchModel } from "../livepatch/index.ts";
import type { FileRole, ParsedFile } from "./parse.ts";

/** Section fields that are numbers, in this order, per section. */
const SECTION_NUMBERS = 10;
/** Section fields that are bigints (all unsigned on disk), in this order, per section. */
const SECTION_BIGINTS = 6;
/**
 * Relocation-table fields, per table: sectionIndex, targetSection, symbolTableSection, isRela,
 * count, recordOffset, entsize, first, step, and where its records are (IN_FILE or IN_COPY).
 */
const RELOC_META = 10;
const IN_FILE = 0;
const IN_COPY = 1;

export interface SectionColumns {
  count: number;
  /** index, nameOffset, nameValid, type, link, info, header.offset, header.size, dataOffset, dataSize. */
  num: Float64Array;
  /** flags, addr, offset, size, addralign, entsize. */
  big: BigUint64Array;
  /** Every name, concatenated; `nameLengths[i]` splits them. */
  names: string;
  nameLengths: Uint32Array;
}

export type SymbolTableWire = Omit<SymbolTable, "name"> & { names: string; nameLengths: Uint32Array };

export interface RelocationColumns {
  count: number;
  meta: Float64Array;
  /**
   * The records of the tables the reader could not read in the file's own bytes, in the layout of
   * RelocationWords (a table's `first` indexes it); the others are read in `bytes` again.
   */
  copy: BigUint64Array | null;
}

export interface ElfWire extends Omit<ElfFile, "sections" | "symbolTables" | "relocationTables"> {
  sections: SectionColumns;
  symbolTables: SymbolTableWire[];
  relocationTables: RelocationColumns;
}

/** A slice of one long array of the result, to be appended at `path` (e.g. `livepatch.funcs`). */
export interface WirePart {
  path: string;
  items: unknown[];
}

export interface ParsedWire {
  fileName: string;
  size: number;
  role: FileRole;
  elf: ElfWire;
  /** With every array listed in `parts` left empty. */
  livepatch: LivepatchModel | null;
  /** How many parts the page must fetch (in order) to complete the result. */
  parts: number;
}

/** Arrays that can be long enough to matter, and how many items go in one part. */
const DEFERRABLE: [path: string, perPart: number][] = [
  ["livepatch.funcs", 200],
  ["livepatch.alternatives", 2000],
  ["livepatch.exTable", 2000],
  ["livepatch.bugFrames", 2000],
  ["livepatch.altCalls", 2000],
  ["livepatch.hooks", 500],
  ["livepatch.diagnostics", 2000],
  ["livepatch.regions.sections", 2000],
  ["elf.segments", 4000],
  ["elf.notes", 2000],
  ["elf.diagnostics", 2000],
];

// ---- encoding (worker side) ----

function encodeSections(sections: ElfSection[]): SectionColumns {
  const n = sections.length;
  const num = new Float64Array(n * SECTION_NUMBERS);
  const big = new BigUint64Array(n * SECTION_BIGINTS);
  const nameLengths = new Uint32Array(n);
  const names: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = sections[i];
    let o = i * SECTION_NUMBERS;
    num[o++] = s.index;
    num[o++] = s.nameOffset;
    num[o++] = s.nameValid ? 1 : 0;
    num[o++] = s.type;
    num[o++] = s.link;
    num[o++] = s.info;
    num[o++] = s.header.offset;
    num[o++] = s.header.size;
    num[o++] = s.dataOffset;
    num[o] = s.dataSize;
    o = i * SECTION_BIGINTS;
    big[o++] = s.flags;
    big[o++] = s.addr;
    big[o++] = s.offset;
    big[o++] = s.size;
    big[o++] = s.addralign;
    big[o] = s.entsize;
    names[i] = s.name;
    nameLengths[i] = s.name.length;
  }
  return { count: n, num, big, names: names.join(""), nameLengths };
}

function encodeSymbolTable(t: SymbolTable): SymbolTableWire {
  const { name, ...rest } = t;
  const nameLengths = new Uint32Array(name.length);
  for (let i = 0; i < name.length; i++) nameLengths[i] = name[i].length;
  return { ...rest, names: name.join(""), nameLengths };
}

function encodeRelocations(tables: RelocationTable[], bytes: Uint8Array): RelocationColumns {
  const m = tables.length;
  const meta = new Float64Array(m * RELOC_META);
  const copied = tables.filter((t) => t.words.u64.buffer !== bytes.buffer);
  // The reader puts every table it could not read in place in one copy; tables built some other
  // way (tests, tools) are gathered into a fresh one.
  const shared = copied.length > 0 && copied.every((t) => t.words.u64.buffer === copied[0].words.u64.buffer) && copied[0].words.u64.byteOffset === 0;
  let copy: BigUint64Array | null = shared ? copied[0].words.u64 : null;
  const firsts = new Map<RelocationTable, number>();
  if (copied.length > 0 && !shared) {
    let n = 0;
    for (const t of copied) n += t.count * t.step;
    copy = new BigUint64Array(n);
    let at = 0;
    for (const t of copied) {
      copy.set(t.words.u64.subarray(t.first, t.first + t.count * t.step), at);
      firsts.set(t, at);
      at += t.count * t.step;
    }
  }
  tables.forEach((t, i) => {
    let o = i * RELOC_META;
    meta[o++] = t.sectionIndex;
    meta[o++] = t.targetSection;
    meta[o++] = t.symbolTableSection;
    meta[o++] = t.isRela ? 1 : 0;
    meta[o++] = t.count;
    meta[o++] = t.recordOffset;
    meta[o++] = t.entsize;
    meta[o++] = firsts.get(t) ?? t.first;
    meta[o++] = t.step;
    meta[o] = t.words.u64.buffer === bytes.buffer ? IN_FILE : IN_COPY;
  });
  return { count: m, meta, copy };
}

type Bag = Record<string, unknown>;

function getPath(root: Bag, path: string[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v === null || typeof v !== "object" ? undefined : (v as Bag)[k];
  return v;
}

/** Copies the objects along `path` (never mutating the caller's model) and empties the array at its end. */
function emptyAt(root: Bag, path: string[]): void {
  let o = root;
  for (let i = 0; i < path.length - 1; i++) {
    const child = o[path[i]];
    if (child === null || typeof child !== "object") return;
    o = o[path[i]] = { ...(child as Bag) };
  }
  o[path[path.length - 1]] = [];
}

export interface EncodedParse {
  head: ParsedWire;
  parts: WirePart[];
  /** Buffers to transfer with `head` (never one a part refers to). */
  transfer: ArrayBuffer[];
}

export function encodeParsed(parsed: ParsedFile): EncodedParse {
  const { elf } = parsed;
  const wireElf: ElfWire = {
    ...elf,
    sections: encodeSections(elf.sections),
    symbolTables: elf.symbolTables.map(encodeSymbolTable),
    relocationTables: encodeRelocations(elf.relocationTables, elf.bytes),
  };
  const root: Bag = { elf: wireElf, livepatch: parsed.livepatch ? { ...parsed.livepatch } : null };
  const parts: WirePart[] = [];
  for (const [path, perPart] of DEFERRABLE) {
    const keys = path.split(".");
    const items = getPath(root, keys);
    if (!Array.isArray(items) || items.length <= perPart) continue;
    emptyAt(root, keys);
    for (let i = 0; i < items.length; i += perPart) parts.push({ path, items: items.slice(i, i + perPart) });
  }
  const head: ParsedWire = {
    fileName: parsed.fileName,
    size: parsed.size,
    role: parsed.role,
    elf: root.elf as ElfWire,
    livepatch: root.livepatch as LivepatchModel | null,
    parts: parts.length,
  };
  const inParts = new Set<ArrayBufferLike>();
  collectBuffers(parts, inParts, new Set());
  const transfer = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView) => {
    if (a.buffer instanceof ArrayBuffer && !inParts.has(a.buffer) && a.buffer.byteLength > 0) transfer.add(a.buffer);
  };
  const w = head.elf;
  for (const a of [w.bytes, w.header.ident, w.sections.num, w.sections.big, w.sections.nameLengths]) add(a);
  for (const t of w.symbolTables) for (const a of [t.nameLengths, t.nameOffset, t.nameValid, t.value, t.size, t.info, t.other, t.shndx, t.rawShndx]) add(a);
  const r = w.relocationTables;
  add(r.meta);
  if (r.copy) add(r.copy);
  return { head, parts, transfer: [...transfer] };
}

/** Buffers under `value` (typed arrays anywhere in plain objects and arrays). */
function collectBuffers(value: unknown, out: Set<ArrayBufferLike>, seen: Set<object>): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    out.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectBuffers(v, out, seen);
  else for (const v of Object.values(value)) collectBuffers(v, out, seen);
}

// ---- decoding (page side) ----

/** Work units between yields: each is a few hundred microseconds on a slow machine. */
const SECTIONS_PER_STEP = 2000;
const NAMES_PER_STEP = 20000;
const TABLES_PER_STEP = 1000;

function* decodeSections(c: SectionColumns): Generator<void, ElfSection[]> {
  const out = new Array<ElfSection>(c.count);
  let at = 0;
  for (let i = 0; i < c.count; i++) {
    if (i % SECTIONS_PER_STEP === SECTIONS_PER_STEP - 1) yield;
    const o = i * SECTION_NUMBERS;
    const b = i * SECTION_BIGINTS;
    const len = c.nameLengths[i];
    out[i] = {
      index: c.num[o],
      name: c.names.slice(at, at + len),
      nameOffset: c.num[o + 1],
      nameValid: c.num[o + 2] === 1,
      type: c.num[o + 3],
      flags: c.big[b],
      addr: c.big[b + 1],
      offset: c.big[b + 2],
      size: c.big[b + 3],
      link: c.num[o + 4],
      info: c.num[o + 5],
      addralign: c.big[b + 4],
      entsize: c.big[b + 5],
      header: { offset: c.num[o + 6], size: c.num[o + 7] },
      dataOffset: c.num[o + 8],
      dataSize: c.num[o + 9],
    };
    at += len;
  }
  return out;
}

function* splitNames(names: string, lengths: Uint32Array): Generator<void, string[]> {
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    if (i % NAMES_PER_STEP === NAMES_PER_STEP - 1) yield;
    out[i] = names.slice(at, at + lengths[i]);
    at += lengths[i];
  }
  return out;
}

function* decodeRelocations(c: RelocationColumns, bytes: Uint8Array): Generator<void, RelocationTable[]> {
  const out = new Array<RelocationTable>(c.count);
  let inFile: RelocationWords | null = null;
  const copy = c.copy ? wordsOver(c.copy.buffer, c.copy.byteOffset, c.copy.byteLength) : null;
  for (let i = 0; i < c.count; i++) {
    if (i % TABLES_PER_STEP === TABLES_PER_STEP - 1) yield;
    const o = i * RELOC_META;
    let words: RelocationWords;
    if (c.meta[o + 9] === IN_FILE) words = inFile ??= wordsOver(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else if (copy) words = copy;
    else throw new Error(`relocation table ${i} has no records`);
    out[i] = {
      sectionIndex: c.meta[o],
      targetSection: c.meta[o + 1],
      symbolTableSection: c.meta[o + 2],
      isRela: c.meta[o + 3] === 1,
      count: c.meta[o + 4],
      recordOffset: c.meta[o + 5],
      entsize: c.meta[o + 6],
      first: c.meta[o + 7],
      step: c.meta[o + 8],
      words,
    };
  }
  return out;
}

/** Appends a part's items to the array at its path in `root`; false when the part does not fit the head. */
function applyPart(root: Bag, part: WirePart): boolean {
  if (!DEFERRABLE.some(([p]) => p === part.path) || !Array.isArray(part.items)) return false;
  const target = getPath(root, part.path.split("."));
  if (!Array.isArray(target)) return false;
  for (const item of part.items) target.push(item);
  return true;
}

/**
 * Rebuilds the `ParsedFile` from the head and its parts (in the order they were made). Yields
 * between bounded steps; run it with `runSliced`, or drain it in one go where time does not matter.
 */
export function* decodeParsed(head: ParsedWire, parts: readonly WirePart[]): Generator<void, ParsedFile> {
  if (parts.length !== head.parts) throw new Error(`expected ${head.parts} parts, got ${parts.length}`);
  const w = head.elf;
  const sections = yield* decodeSections(w.sections);
  const symbolTables: SymbolTable[] = [];
  for (const t of w.symbolTables) {
    const { names, nameLengths, ...rest } = t;
    symbolTables.push({ ...rest, name: yield* splitNames(names, nameLengths) });
  }
  const relocationTables = yield* decodeRelocations(w.relocationTables, w.bytes);
  const elf: ElfFile = { ...w, sections, symbolTables, relocationTables };
  const root: Bag = { elf, livepatch: head.livepatch };
  for (const part of parts) {
    if (!applyPart(root, part)) throw new Error(`part ${part.path} does not belong to this result`);
    yield;
  }
  return { fileName: head.fileName, size: head.size, role: head.role, elf, livepatch: head.livepatch };
}

/** Runs a generator to completion at once (tests, tools, in-process callers). */
export function drain<T>(gen: Generator<void, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs a generator in slices of about `budgetMs`, awaiting `pause()` between slices so the thread
 * can paint and handle input. `stop()` is checked between slices; when it says so, the run ends
 * with `null`.
 */
export async function runSliced<T>(gen: Generator<void, T>, pause: () => Promise<void>, budgetMs = 8, now = () => performance.now(), stop = () => false): Promise<T | null> {
  for (;;) {
    const until = now() + budgetMs;
    for (;;) {
      const r = gen.next();
      if (r.done) return r.value;
      if (now() >= until) break;
    }
    await pause();
    if (stop()) return null;
  }
}
