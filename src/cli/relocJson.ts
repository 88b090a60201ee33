// The `relocations` array of `inspect --json`, written as bytes: a real prelink.o carries 1.2M
// entries in four thousand tables, and one string per entry dominated the run time.
import type { ElfFile, RelocationTable, SymbolTable } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import { HEADROOM, type StreamOut } from "./output.ts";
import { halvesOf, hex64, pairsPerTable, putTitle, signedHex64, writeListing, type Cursor, type PairFragments } from "./listingBytes.ts";

const ascii = (s: string) => Buffer.from(s, "latin1");
const OPEN_FIRST = ascii('{"offset":"0x');
const OPEN_NEXT = ascii(',{"offset":"0x');
const NULL_CLOSE = ascii("null}");
const MINUS = ascii('"-0x');
const PLUS = ascii('"0x');
/** Bytes an entry needs beyond its pair fragment: open, two 16-digit hex numbers, signs, close. */
const ENTRY_FIXED = 64;
const q = JSON.stringify;
const NO_PAIR: Buffer = Buffer.alloc(0);

export async function writeRelocations(out: StreamOut, view: View, elf: ElfFile): Promise<void> {
  const pairsFor = pairsPerTable(elf, (table) => (type, symbol) => pairText(view, table, type, symbol));
  const tables = elf.relocationTables;
  // A table's title closes the table before it.
  const titles = tables.map((t, n) => Buffer.from(`${n ? "]}," : ""}{"section":${q(view.sectionName(t.sectionIndex))},"target":${q(view.sectionName(t.targetSection))},"entries":[`));
  const pairs = tables.map(pairsFor);
  out.w('"relocations":[');
  await writeListing(out, tables.length, (b, p, at) => fill(b, p, tables, titles, pairs, at));
  out.w(tables.length ? "]}]" : "]");
}

function pairText(view: View, table: SymbolTable | undefined, type: number, symbol: number): string {
  return `","type":${q(view.relocType(type))},"symbol":${q(view.symbolDisplay(table, symbol))},"symbolIndex":${symbol},"addend":`;
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
      const open = i === 0 ? OPEN_FIRST : OPEN_NEXT;
      b.set(open, p);
      p = hex64(b, p + open.length, off[2 * i + 1], off[2 * i]);
      b.set(pair, p);
      p += pair.length;
      if (add === null) {
        b.set(NULL_CLOSE, p);
        p += NULL_CLOSE.length;
      } else {
        p = signedHex64(b, p, add[2 * i + 1], add[2 * i], MINUS, PLUS);
        b[p++] = 0x22; // "
        b[p++] = 0x7d; // }
      }
    }
  }
  return p;
}
