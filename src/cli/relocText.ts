// The relocation listings of `inspect` (text), one line per entry written as bytes:
//   OFFSET  TYPE  SYMBOL[ + ADDEND]
// with the type column as wide as the longest type name in the file.
import type { ElfFile, RelocationTable } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import { halvesOf, hex64, pairsPerTable, putTitle, signedHex64, writeListing, type Cursor, type PairFragments } from "./listingBytes.ts";
import { HEADROOM, type StreamOut } from "./output.ts";

const ascii = (s: string) => Buffer.from(s, "latin1");
const MINUS = ascii(" - 0x");
const PLUS = ascii(" + 0x");
/** `0x` and up to 16 digits. */
const OFFSET_WIDTH = 18;
const TYPE_MIN_WIDTH = 24;
const ENTRY_FIXED = 64;
const NO_PAIR: Buffer = Buffer.alloc(0);

function typeWidth(view: View, elf: ElfFile): number {
  const seen = new Set<number>();
  let width = TYPE_MIN_WIDTH;
  for (const t of elf.relocationTables) {
    const types = t.type;
    let last = -1;
    for (let i = 0; i < t.count; i++) {
      const ty = types[i];
      // Types come in runs: most entries repeat the one before.
      if (ty === last) continue;
      last = ty;
      if (seen.has(ty)) continue;
      seen.add(ty);
      width = Math.max(width, view.relocType(ty).length);
    }
  }
  return width;
}

export async function writeRelocationsText(out: StreamOut, view: View, elf: ElfFile): Promise<void> {
  const width = typeWidth(view, elf);
  // Fragments are encoded here, not through out.w(): they take the output's filter themselves.
  const pairsFor = pairsPerTable(elf, (table) => (type, symbol) => out.filtered(`${view.relocType(type).padEnd(width)} ${view.symbolDisplay(table, symbol)}`));
  const tables = elf.relocationTables;
  const titles = tables.map((t) => Buffer.from(out.filtered(`\nRelocations in ${view.sectionName(t.sectionIndex)} for ${view.sectionName(t.targetSection)} (${t.count}):\n`)));
  const pairs = tables.map(pairsFor);
  await writeListing(out, tables.length, (b, p, at) => fill(b, p, tables, titles, pairs, at));
}

/** Writes entries at b[p…] until the tables end or the buffer is nearly full; returns the new position. */
function fill(b: Buffer, p: number, tables: RelocationTable[], titles: Buffer[], pairs: PairFragments[], at: Cursor): number {
  const stop = b.length - HEADROOM;
  for (; at.table < tables.length; at.table++, at.entry = 0, at.titled = false) {
    if (p > stop) return p;
    p = putTitle(b, p, titles[at.table], at);
    if (at.need > 0) return p;
    const t = tables[at.table];
    const off = halvesOf(t.offset);
    const add = t.isRela ? halvesOf(t.addend) : null;
    const types = t.type;
    const symbols = t.symbolIndex;
    const fragments = pairs[at.table];
    // Runs of entries share a (type, symbol) pair: the fragment is looked up when it changes.
    let lastType = -1;
    let lastSymbol = -1;
    let pair = NO_PAIR;
    for (let i = at.entry; i < t.count; i++) {
      const type = types[i];
      const symbol = symbols[i];
      if (type !== lastType || symbol !== lastSymbol) {
        pair = fragments.get(type, symbol);
        lastType = type;
        lastSymbol = symbol;
      }
      if (p > stop || p + ENTRY_FIXED + pair.length > b.length) {
        at.entry = i;
        if (p <= stop) at.need = ENTRY_FIXED + pair.length;
        return p;
      }
      b[p++] = 0x20;
      b[p++] = 0x20;
      const start = p;
      b[p++] = 0x30; // 0
      b[p++] = 0x78; // x
      p = hex64(b, p, off[2 * i + 1], off[2 * i]);
      while (p - start < OFFSET_WIDTH) b[p++] = 0x20;
      b[p++] = 0x20;
      b.set(pair, p);
      p += pair.length;
      if (add !== null) p = signedHex64(b, p, add[2 * i + 1], add[2 * i], MINUS, PLUS);
      b[p++] = 0x0a;
    }
  }
  return p;
}
