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

export async function writeRelocations(out: StreamOut, view: View, elf: ElfFile): Promise<void> {
  const chunk = new ByteChunk();
  // Caches shared by every table that uses the same symbol table (all of them, in a .o).
  const symbolBytes = new Map<number, (Uint8Array | undefined)[]>();
  const typeBytes: (Uint8Array | undefined)[] = [];
  chunk.put(utf8.encode('"relocations":['));
  for (let n = 0; n < elf.relocationTables.length; n++) {
    const t = elf.relocationTables[n];
    const table = elf.symbolTables.find((s) => s.sectionIndex === t.symbolTableSection);
    chunk.put(utf8.encode(`${n ? "," : ""}{"section":${q(view.sectionName(t.sectionIndex))},"target":${q(view.sectionName(t.targetSection))},"entries":[`));
    let symbols = symbolBytes.get(t.symbolTableSection);
    if (!symbols) {
      symbols = new Array<Uint8Array | undefined>(table ? table.count : 0).fill(undefined);
      symbolBytes.set(t.symbolTableSection, symbols);
    }
    await writeEntries(out, chunk, view, t, table, symbols, typeBytes);
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

function copy(b: Uint8Array, p: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 24) b.set(src, p);
  else for (let i = 0; i < n; i++) b[p + i] = src[i];
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
  symbols: (Uint8Array | undefined)[],
  typeBytes: (Uint8Array | undefined)[],
): Promise<void> {
  const off = new Uint32Array(t.offset.buffer, t.offset.byteOffset, t.count * 2);
  const add = new Int32Array(t.addend.buffer, t.addend.byteOffset, t.count * 2);
  for (let i = 0; i < t.count; i++) {
    const ty = t.type[i];
    let tb = ty < 4096 ? typeBytes[ty] : undefined;
    if (!tb) {
      tb = utf8.encode(`","type":${q(view.relocType(ty))}`);
      if (ty < 4096) typeBytes[ty] = tb;
    }
    const si = t.symbolIndex[i];
    let sb = symbols[si];
    if (!sb) {
      sb = utf8.encode(`,"symbol":${q(view.symbolDisplay(table, si))},"symbolIndex":${si},"addend":`);
      if (si < symbols.length) symbols[si] = sb;
    }
    chunk.reserve(64 + tb.length + sb.length);
    const b = chunk.buf;
    let p = copy(b, chunk.pos, i === 0 ? OPEN_FIRST : OPEN_NEXT);
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
    p = copy(b, p, tb);
    p = copy(b, p, sb);
    if (!t.isRela) p = copy(b, p, NULL_CLOSE);
    else {
      const ahi = littleHost ? add[2 * i + 1] : Number(t.addend[i] >> 32n) | 0;
      let h = ahi >>> 0;
      let l = littleHost ? add[2 * i] >>> 0 : Number(BigInt.asUintN(32, t.addend[i]));
      b[p++] = QUOTE;
      if (ahi < 0) {
        // Two's complement negation over the (hi, lo) pair.
        b[p++] = MINUS;
        l = (~l + 1) >>> 0;
        h = (~h + (l === 0 ? 1 : 0)) >>> 0;
      }
      b[p++] = 0x30;
      b[p++] = 0x78;
      p = h !== 0 ? hex32(b, hex32(b, p, h, 1), l, 8) : hex32(b, p, l, 1);
      b[p++] = QUOTE;
      b[p++] = CLOSE;
    }
    chunk.pos = p;
    if (chunk.full) await out.bytes(chunk.take());
  }
}
