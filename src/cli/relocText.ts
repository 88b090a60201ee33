// The relocation listings of `inspect` (text), one line per entry written as bytes:
//   OFFSET  TYPE  SYMBOL[ + ADDEND]
// with the type column as wide as the longest type name in the file.
import type { ElfFile } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import { hex64, pairsPerTable, relocationFill, signedHex64, writeListing } from "./listingBytes.ts";
import type { StreamOut } from "./output.ts";

const ascii = (s: string) => Buffer.from(s, "latin1");
const MINUS = ascii(" - 0x");
const PLUS = ascii(" + 0x");
/** `0x` and up to 16 digits. */
const OFFSET_WIDTH = 18;
const TYPE_MIN_WIDTH = 24;
const ENTRY_FIXED = 64;

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
  // Fragments are encoded here, not through out.w(): out.fragment() gives them the output's filter.
  const pairsFor = pairsPerTable(out, elf, (table) => (type, symbol) => `${view.relocType(type).padEnd(width)} ${view.symbolDisplay(table, symbol)}`);
  const tables = elf.relocationTables;
  const titles = tables.map((t) => out.fragment(`\nRelocations in ${view.sectionName(t.sectionIndex)} for ${view.sectionName(t.targetSection)} (${t.count}):\n`));
  const pairs = tables.map(pairsFor);
  await writeListing(out, tables.length, relocationFill(tables, titles, pairs, ENTRY_FIXED, entry));
}

/** One line: the offset padded to its column, the pair's text, the signed addend of a RELA entry. */
function entry(b: Buffer, p: number, i: number, _first: boolean, pair: Buffer, off: Uint32Array, add: Uint32Array | null): number {
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
  return p;
}
