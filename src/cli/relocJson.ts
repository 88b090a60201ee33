// The `relocations` array of `inspect --json`, written as bytes: a real prelink.o carries 1.2M
// entries in four thousand tables, and one string per entry dominated the run time.
import type { ElfFile, RelocationTable, SymbolTable } from "../elf/index.ts";
import type { View } from "./inspectView.ts";
import type { StreamOut } from "./output.ts";
import { halvesOf, hex64, pairsPerTable, signedHex64, type PairFragments } from "./listingBytes.ts";

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
  const pairsFor = pairsPerTable(elf, (table) => (type, symbol) => pairText(view, table, type, symbol));
  out.w('"relocations":[');
  for (let n = 0; n < elf.relocationTables.length; n++) {
    const t = elf.relocationTables[n];
    out.w(`${n ? "," : ""}{"section":${q(view.sectionName(t.sectionIndex))},"target":${q(view.sectionName(t.targetSection))},"entries":[`);
    await writeEntries(out, t, pairsFor(t));
    out.w("]}");
  }
  out.w("]");
}

function pairText(view: View, table: SymbolTable | undefined, type: number, symbol: number): string {
  return `","type":${q(view.relocType(type))},"symbol":${q(view.symbolDisplay(table, symbol))},"symbolIndex":${symbol},"addend":`;
}

// Each entry is written into the output buffer with a local cursor: room is reserved once per
// entry, so the inner stores need no checks.
async function writeEntries(out: StreamOut, t: RelocationTable, pairs: PairFragments): Promise<void> {
  const off = halvesOf(t.offset);
  const add = t.isRela ? halvesOf(t.addend) : null;
  const types = t.type;
  const symbols = t.symbolIndex;
  for (let i = 0; i < t.count; i++) {
    const pair = pairs.get(types[i], symbols[i]);
    out.reserve(ENTRY_FIXED + pair.length);
    const b = out.buf;
    const open = i === 0 ? OPEN_FIRST : OPEN_NEXT;
    let p = out.pos;
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
    out.pos = p;
    if (out.full) await out.flush();
  }
}
