// The relocation listings of `inspect` (text), one line per entry written as bytes:
//   OFFSET  TYPE  SYMBOL[ + ADDEND]
// with the type column as wide as the longest type name in the file.
import { relocType, type ElfFile } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import { hex64, HI, LO, pairsPerTable, relocationFill, signedHex64, writeListing } from "./listingBytes.ts";
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
    let last = -1;
    for (let i = 0; i < t.count; i++) {
      const ty = relocType(t, i);
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
function entry(b: Buffer, p: number, _first: boolean, pair: Buffer, u32: Uint32Array, w: number, rela: boolean): number {
  b[p++] = 0x20;
  b[p++] = 0x20;
  const start = p;
  b[p++] = 0x30; // 0
  b[p++] = 0x78; // x
  p = hex64(b, p, u32[w + HI], u32[w + LO]);
  while (p - start < OFFSET_WIDTH) b[p++] = 0x20;
  b[p++] = 0x20;
  b.set(pair, p);
  p += pair.length;
  if (rela) p = signedHex64(b, p, u32[w + 4 + HI], u32[w + 4 + LO], MINUS, PLUS);
  b[p++] = 0x0a;
  return p;
}
