// The `relocations` array of `inspect --json`, written as bytes: a real prelink.o carries 1.2M
// entries in four thousand tables, and one string per entry dominated the run time.
import type { ElfFile, SymbolTable } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import type { StreamOut } from "./output.ts";
import { hex64, HI, LO, pairsPerTable, relocationFill, signedHex64, writeListing } from "./listingBytes.ts";

const ascii = (s: string) => Buffer.from(s, "latin1");
const OPEN_FIRST = ascii('{"offset":"0x');
const OPEN_NEXT = ascii(',{"offset":"0x');
const NULL_CLOSE = ascii("null}");
const MINUS = ascii('"-0x');
const PLUS = ascii('"0x');
/** Bytes an entry needs beyond its pair fragment: open, two 16-digit hex numbers, signs, close. */
const ENTRY_FIXED = 64;
const q = JSON.stringify;

export async function writeRelocations(out: StreamOut, view: View, elf: ElfFile): Promise<void> {
  // Fragments are encoded here, not through out.w(): out.fragment() gives them the output's filter.
  const pairsFor = pairsPerTable(out, elf, (table) => (type, symbol) => pairText(view, table, type, symbol));
  const tables = elf.relocationTables;
  // A table's title closes the table before it.
  const titles = tables.map((t, n) => out.fragment(`${n ? "]}," : ""}{"section":${q(view.sectionName(t.sectionIndex))},"target":${q(view.sectionName(t.targetSection))},"entries":[`));
  const pairs = tables.map(pairsFor);
  out.w('"relocations":[');
  await writeListing(out, tables.length, relocationFill(tables, titles, pairs, ENTRY_FIXED, entry));
  out.w(tables.length ? "]}]" : "]");
}

function pairText(view: View, table: SymbolTable | undefined, type: number, symbol: number): string {
  return `","type":${q(view.relocType(type))},"symbol":${q(view.symbolDisplay(table, symbol))},"symbolIndex":${symbol},"addend":`;
}

/** One entry: its offset, its pair's text, its addend (or null for SHT_REL), closed. */
function entry(b: Buffer, p: number, first: boolean, pair: Buffer, u32: Uint32Array, w: number, rela: boolean): number {
  const open = first ? OPEN_FIRST : OPEN_NEXT;
  b.set(open, p);
  p = hex64(b, p + open.length, u32[w + HI], u32[w + LO]);
  b.set(pair, p);
  p += pair.length;
  if (!rela) {
    b.set(NULL_CLOSE, p);
    return p + NULL_CLOSE.length;
  }
  p = signedHex64(b, p, u32[w + 4 + HI], u32[w + 4 + LO], MINUS, PLUS);
  b[p++] = 0x22; // "
  b[p++] = 0x7d; // }
  return p;
}
