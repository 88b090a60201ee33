// Exception-table fixups, looked up as Xen does: find the text region (Xen's image or a loaded
// payload) that holds the faulting pc, then the entry of that region's table whose address is
// the pc; execution resumes at the entry's continuation. Entries are two s32 fields, each
// relative to its own address (x86 `struct exception_table_entry { s32 addr, cont; }`). Xen
// sorts every table and binary-searches it; a scan finds the same entry.
import { memReadLe, memOk } from "../memory";

const ENTRY_SIZE: u64 = 8;
const MAX_ENTRIES: u64 = 1 << 20;

class Region {
  constructor(
    public textStart: u64,
    public textEnd: u64,
    public tableStart: u64,
    public tableEnd: u64,
  ) {}
}

let regions: Region[] = [];

export function resetExTables(): void {
  regions = [];
}

/** A text region [textStart, textEnd) and its table [tableStart, tableEnd); replaces one with the same text start. */
export function addExTable(textStart: u64, textEnd: u64, tableStart: u64, tableEnd: u64): void {
  removeExTable(textStart);
  regions.push(new Region(textStart, textEnd, tableStart, tableEnd));
}

export function removeExTable(textStart: u64): void {
  for (let i = 0; i < regions.length; i++) {
    if (regions[i].textStart == textStart) {
      regions.splice(i, 1);
      return;
    }
  }
}

function rel32(at: u64): u64 {
  const v = memReadLe(at, 4);
  if (!memOk) return 0;
  return at + <u64>(<i64>(<i32>(<u32>v)));
}

/** The continuation for a fault at `pc`, or 0 when no table has an entry for it. */
export function findFixup(pc: u64): u64 {
  for (let r = 0; r < regions.length; r++) {
    const reg = regions[r];
    if (pc < reg.textStart || pc >= reg.textEnd) continue;
    if (reg.tableEnd <= reg.tableStart) return 0;
    let n = (reg.tableEnd - reg.tableStart) / ENTRY_SIZE;
    if (n > MAX_ENTRIES) n = MAX_ENTRIES;
    for (let i: u64 = 0; i < n; i++) {
      const e = reg.tableStart + i * ENTRY_SIZE;
      const addr = rel32(e);
      if (!memOk) return 0;
      if (addr == pc) {
        const cont = rel32(e + 4);
        return memOk ? cont : 0;
      }
    }
    return 0;
  }
  return 0;
}
