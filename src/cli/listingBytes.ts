// Shared by inspect's JSON and text listings; the relocation loops are the hottest of the CLI
// (a real prelink.o has 1.2M relocations): hex digits written straight into the output buffer,
// and the text that depends only on an entry's (type, symbol) pair encoded once and copied.
import type { ElfFile, RelocationTable, SymbolTable } from "../elf/index.ts";
import { HEADROOM, type StreamOut } from "./output.ts";

const HEX = new TextEncoder().encode("0123456789abcdef");
const littleHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `v` (32-bit unsigned) as hex at b[p…], at least `min` digits; returns the new position. */
export function hex32(b: Uint8Array, p: number, v: number, min: number): number {
  let digits = (35 - Math.clz32(v)) >> 2;
  if (digits < min) digits = min;
  for (let d = digits - 1; d >= 0; d--) b[p++] = HEX[(v >>> (d * 4)) & 0xf];
  return p;
}

/** Writes the 64-bit value (hi, lo) as minimal hex; returns the new position. */
export function hex64(b: Uint8Array, p: number, hi: number, lo: number): number {
  return hi !== 0 ? hex32(b, hex32(b, p, hi, 1), lo, 8) : hex32(b, p, lo, 1);
}

/**
 * A 64-bit column as 32-bit halves, [2i] low and [2i+1] high: a view on little-endian hosts,
 * a converted copy otherwise, so the loops never make a BigInt per entry.
 */
export function halvesOf(column: BigUint64Array | BigInt64Array): Uint32Array {
  if (littleHost) return new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
  const out = new Uint32Array(column.length * 2);
  for (let i = 0; i < column.length; i++) {
    out[2 * i] = Number(BigInt.asUintN(32, column[i]));
    out[2 * i + 1] = Number(BigInt.asUintN(64, column[i]) >> 32n);
  }
  return out;
}

/** Minimal hex text (`0x…`) of entry `i` of a column given as halves. */
export function u64Text(halves: Uint32Array, i: number): string {
  const hi = halves[2 * i + 1];
  const lo = halves[2 * i];
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")}`;
}

/**
 * The magnitude of the signed 64-bit (hi, lo) written as minimal hex after `negative` or
 * `positive` (the sign text each format wants); returns the new position.
 */
export function signedHex64(b: Uint8Array, p: number, hi: number, lo: number, negative: Uint8Array, positive: Uint8Array): number {
  let h = hi >>> 0;
  let l = lo >>> 0;
  const sign = h >= 0x80000000 ? negative : positive;
  if (sign === negative) {
    l = (~l + 1) >>> 0;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  }
  for (let k = 0; k < sign.length; k++) b[p++] = sign[k];
  return hex64(b, p, h, l);
}

/** Pairs cached beyond each symbol's first type; past this, fragments are built per entry. */
const MAX_OTHER_PAIRS = 1 << 16;
const MAX_CACHED_TYPE = 4096;

/**
 * Encoded text per (relocation type, symbol index) pair. Most symbols meet one type, so the
 * first pair per symbol sits in an array; other pairs in a bounded map (hostile files get no
 * unbounded cache).
 */
export class PairFragments {
  private readonly fragments: Buffer[] = [];
  /** Index in `fragments` of each symbol's first pair, -1 before it is made. */
  private readonly first: Int32Array;
  private readonly firstType: Float64Array;
  private readonly others = new Map<number, Buffer>();

  constructor(
    symbolCount: number,
    private readonly make: (type: number, symbol: number) => string,
    private readonly encode: (text: string) => Buffer,
  ) {
    this.first = new Int32Array(symbolCount).fill(-1);
    this.firstType = new Float64Array(symbolCount);
  }

  get(type: number, symbol: number): Buffer {
    if (symbol < this.first.length) {
      const k = this.first[symbol];
      if (k >= 0 && this.firstType[symbol] === type) return this.fragments[k];
      if (k < 0) {
        const made = this.encode(this.make(type, symbol));
        this.first[symbol] = this.fragments.length;
        this.firstType[symbol] = type;
        this.fragments.push(made);
        return made;
      }
    }
    if (type >= MAX_CACHED_TYPE) return this.encode(this.make(type, symbol));
    const key = symbol * MAX_CACHED_TYPE + type;
    let f = this.others.get(key);
    if (f === undefined) {
      f = this.encode(this.make(type, symbol));
      if (this.others.size < MAX_OTHER_PAIRS) this.others.set(key, f);
    }
    return f;
  }
}

/**
 * The pair fragments for each relocation table: one cache per symbol table (a .o has one),
 * shared by all of its relocation sections. `spell(table)` says how a pair reads; each fragment
 * is encoded as `out` writes text (out.fragment(): through its filter), once per pair.
 */
export function pairsPerTable(out: StreamOut, elf: ElfFile, spell: (table: SymbolTable | undefined) => (type: number, symbol: number) => string): (t: RelocationTable) => PairFragments {
  const caches = new Map<number, PairFragments>();
  return (t) => {
    let pairs = caches.get(t.symbolTableSection);
    if (!pairs) {
      const table = elf.symbolTables.find((s) => s.sectionIndex === t.symbolTableSection);
      pairs = new PairFragments(table ? table.count : 0, spell(table), (text) => out.fragment(text));
      caches.set(t.symbolTableSection, pairs);
    }
    return pairs;
  };
}

/** Where a listing of tables stands between output buffers. */
export interface Cursor {
  /** Table and entry to write next. */
  table: number;
  entry: number;
  /** The table's title is written. */
  titled: boolean;
  /** Bytes the next item needs when it did not fit in the buffer. */
  need: number;
}

/**
 * Writes `tables` tables through `fill`, which stores entries at b[p…] until the buffer is
 * nearly full (or an item does not fit: it sets `at.need`) and returns the new position. One
 * synchronous loop for every table: a real prelink.o has 4,000 tables, most of a few entries,
 * and the loop is optimised once instead of an async writer re-entered per table.
 */
export async function writeListing(out: StreamOut, tables: number, fill: (b: Buffer, p: number, at: Cursor) => number): Promise<void> {
  const at: Cursor = { table: 0, entry: 0, titled: false, need: 0 };
  out.reserve(0);
  while (at.table < tables) {
    out.pos = fill(out.buf, out.pos, at);
    if (at.need > 0) {
      out.reserve(at.need);
      at.need = 0;
    } else if (at.table < tables || out.full) await out.flush();
  }
}

/** Writes a table's title at b[p…] unless it is written; when it does not fit, sets `at.need`. */
function putTitle(b: Buffer, p: number, title: Buffer, at: Cursor): number {
  if (at.titled) return p;
  if (p + title.length > b.length) {
    at.need = title.length;
    return p;
  }
  b.set(title, p);
  at.titled = true;
  return p + title.length;
}

/**
 * Where a 64-bit record word's halves sit among the 32-bit words of a RelocationWords (its u64 and
 * u32 views share memory, so the order is the host's).
 */
export const LO = littleHost ? 0 : 1;
export const HI = 1 - LO;

/**
 * Writes an entry at b[p…] and returns the new position. `pair` is its (type, symbol) text, its
 * record the 32-bit words from `u32[w]` (r_offset's halves at w + LO and w + HI, r_addend's at
 * w + 4 + LO and w + 4 + HI, read only when `rela`); `first` says it opens its table.
 */
export type EntryWriter = (b: Buffer, p: number, first: boolean, pair: Buffer, u32: Uint32Array, w: number, rela: boolean) => number;

const NO_PAIR: Buffer = Buffer.alloc(0);

/**
 * A `writeListing` fill for relocation tables: each table's title, then its entries through
 * `entry`, which needs at most `fixed` bytes beyond its pair. Returns the new position.
 */
export function relocationFill(tables: RelocationTable[], titles: Buffer[], pairs: PairFragments[], fixed: number, entry: EntryWriter): (b: Buffer, p: number, at: Cursor) => number {
  return (b, p, at) => {
    const stop = b.length - HEADROOM;
    for (; at.table < tables.length; at.table++, at.entry = 0, at.titled = false) {
      if (p > stop) return p;
      p = putTitle(b, p, titles[at.table], at);
      if (at.need > 0) return p;
      const t = tables[at.table];
      const u32 = t.words.u32;
      const wordsPer = 2 * t.step;
      const fragments = pairs[at.table];
      // Runs of entries share a (type, symbol) pair: the fragment is looked up when it changes.
      let lastType = -1;
      let lastSymbol = -1;
      let pair = NO_PAIR;
      for (let i = at.entry, w = 2 * (t.first + i * t.step); i < t.count; i++, w += wordsPer) {
        const type = u32[w + 2];
        const symbol = u32[w + 3];
        if (type !== lastType || symbol !== lastSymbol) {
          pair = fragments.get(type, symbol);
          lastType = type;
          lastSymbol = symbol;
        }
        if (p > stop || p + fixed + pair.length > b.length) {
          at.entry = i;
          if (p <= stop) at.need = fixed + pair.length;
          return p;
        }
        p = entry(b, p, i === 0, pair, u32, w, t.isRela);
      }
    }
    return p;
  };
}
