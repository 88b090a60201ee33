// The `relocations` array of `inspect --json`, written as bytes: a 60 MB object carries over a
// million entries in ten thousand tables, and one string per entry dominated the run time.
import type { ElfFile, RelocationTable, SymbolTable } from "../elf/index.ts";
import { ByteChunk, utf8, type StreamOut } from "./output.ts";
import type { View } from "./inspectView.ts";

const littleHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const OPEN_FIRST = utf8.encode('{"offset":"0x');
const OPEN_NEXT = utf8.encode(',{"offset":"0x');
const NULL_CLOSE = utf8.encode("null}");
const TABLE_CLOSE = utf8.encode("]}");
const QUOTE = 0x22;
const MINUS = 0x2d;
const CLOSE = 0x7d;
const q = JSON.stringify;

/**
 * The JSON fragments of each symbol and type, encoded once into one byte pool and found by
 * index: the inner loop then reads typed arrays only (object lookups and small `set()` calls
 * per entry cost several times the copying itself).
 */
class FragmentPool {
  bytes = new Uint8Array(1 << 16);
  used = 0;
  readonly start: Int32Array;
  readonly length: Uint32Array;

  constructor(slots: number) {
    this.start = new Int32Array(slots).fill(-1);
    this.length = new Uint32Array(slots);
  }

  add(slot: number, text: string): void {
    const encoded = utf8.encode(text);
    if (this.used + encoded.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + encoded.length));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    this.bytes.set(encoded, this.used);
    this.start[slot] = this.used;
    this.length[slot] = encoded.length;
    this.used += encoded.length;
  }
}

export async function writeRelocations(out: StreamOut, view: View, elf: ElfFile): Promise<void> {
  const chunk = new ByteChunk();
  // One pool per symbol table (a .o has one): shared by all of its relocation sections.
  const symbolPools = new Map<number, FragmentPool>();
  const types = new FragmentPool(4096);
  chunk.put(utf8.encode('"relocations":['));
  for (let n = 0; n < elf.relocationTables.length; n++) {
    const t = elf.relocationTables[n];
    const table = elf.symbolTables.find((s) => s.sectionIndex === t.symbolTableSection);
    chunk.put(utf8.encode(`${n ? "," : ""}{"section":${q(view.sectionName(t.sectionIndex))},"target":${q(view.sectionName(t.targetSection))},"entries":[`));
    let symbols = symbolPools.get(t.symbolTableSection);
    if (!symbols) {
      symbols = new FragmentPool(table ? table.count : 0);
      symbolPools.set(t.symbolTableSection, symbols);
    }
    await writeEntries(out, chunk, view, t, table, symbols, types);
    chunk.put(TABLE_CLOSE);
  }
  chunk.byte(0x5d); // ]
  await out.bytes(chunk.take());
}

const HEX = utf8.encode("0123456789abcdef");

/** Writes `v` (32-bit unsigned) as hex at b[p…], at least `min` digits; returns the new position. */
function hex32(b: Uint8Array, p: number, v: number, min: number): number {
  let digits = 1;
  while (digits < 8 && v >>> (digits * 4) !== 0) digits++;
  if (digits < min) digits = min;
  for (let d = digits - 1; d >= 0; d--) b[p++] = HEX[(v >>> (d * 4)) & 0xf];
  return p;
}

function copy(b: Uint8Array, p: number, src: Uint8Array, from: number, n: number): number {
  for (let i = 0; i < n; i++) b[p + i] = src[from + i];
  return p + n;
}

// Every entry is written straight into the chunk's buffer with a local cursor: capacity is
// reserved once per entry, so the inner writes need no checks.
async function writeEntries(
  out: StreamOut,
  chunk: ByteChunk,
  view: View,
  t: RelocationTable,
  table: SymbolTable | undefined,
  symbols: FragmentPool,
  types: FragmentPool,
): Promise<void> {
  const off = new Uint32Array(t.offset.buffer, t.offset.byteOffset, t.count * 2);
  const add = new Int32Array(t.addend.buffer, t.addend.byteOffset, t.count * 2);
  const typeColumn = t.type;
  const symbolColumn = t.symbolIndex;
  for (let i = 0; i < t.count; i++) {
    const ty = typeColumn[i];
    const si = symbolColumn[i];
    // Indices beyond the caches (hostile files) are formatted without caching.
    let tySrc: Uint8Array;
    let tyFrom = 0;
    let tyLen: number;
    if (ty < 4096) {
      if (types.start[ty] < 0) types.add(ty, `","type":${q(view.relocType(ty))}`);
      tySrc = types.bytes;
      tyFrom = types.start[ty];
      tyLen = types.length[ty];
    } else {
      tySrc = utf8.encode(`","type":${q(view.relocType(ty))}`);
      tyLen = tySrc.length;
    }
    let siSrc: Uint8Array;
    let siFrom = 0;
    let siLen: number;
    if (si < symbols.start.length) {
      if (symbols.start[si] < 0) symbols.add(si, `,"symbol":${q(view.symbolDisplay(table, si))},"symbolIndex":${si},"addend":`);
      siSrc = symbols.bytes;
      siFrom = symbols.start[si];
      siLen = symbols.length[si];
    } else {
      siSrc = utf8.encode(`,"symbol":${q(view.symbolDisplay(table, si))},"symbolIndex":${si},"addend":`);
      siLen = siSrc.length;
    }
    chunk.reserve(64 + tyLen + siLen);
    const b = chunk.buf;
    const open = i === 0 ? OPEN_FIRST : OPEN_NEXT;
    let p = copy(b, chunk.pos, open, 0, open.length);
    let hi: number;
    let lo: number;
    if (littleHost) {
      hi = off[2 * i + 1];
      lo = off[2 * i];
    } else {
      hi = Number(t.offset[i] >> 32n);
      lo = Number(t.offset[i] & 0xffffffffn);
    }
    p = hi !== 0 ? hex32(b, hex32(b, p, hi, 1), lo, 8) : hex32(b, p, lo, 1);
    p = copy(b, p, tySrc, tyFrom, tyLen);
    p = copy(b, p, siSrc, siFrom, siLen);
    const w = b;
    if (!t.isRela) p = copy(w, p, NULL_CLOSE, 0, NULL_CLOSE.length);
    else {
      const ahi = littleHost ? add[2 * i + 1] : Number(t.addend[i] >> 32n) | 0;
      let h = ahi >>> 0;
      let l = littleHost ? add[2 * i] >>> 0 : Number(BigInt.asUintN(32, t.addend[i]));
      w[p++] = QUOTE;
      if (ahi < 0) {
        // Two's complement negation over the (hi, lo) pair.
        w[p++] = MINUS;
        l = (~l + 1) >>> 0;
        h = (~h + (l === 0 ? 1 : 0)) >>> 0;
      }
      w[p++] = 0x30;
      w[p++] = 0x78;
      p = h !== 0 ? hex32(w, hex32(w, p, h, 1), l, 8) : hex32(w, p, l, 1);
      w[p++] = QUOTE;
      w[p++] = CLOSE;
    }
    chunk.pos = p;
    if (chunk.full) await out.bytes(chunk.take());
  }
}
