// A relocation table's records as plain arrays, for tests to compare and print.
import { relocAddend, relocOffset, relocSymbol, relocType } from "../elf/relocations.ts";
import type { RelocationTable } from "../elf/types.ts";

export interface RelocColumns {
  offset: bigint[];
  type: number[];
  symbolIndex: number[];
  addend: bigint[];
}

export function relocColumns(t: RelocationTable): RelocColumns {
  const each = <T>(read: (t: RelocationTable, i: number) => T): T[] => Array.from({ length: t.count }, (_, i) => read(t, i));
  return { offset: each(relocOffset), type: each(relocType), symbolIndex: each(relocSymbol), addend: each(relocAddend) };
}
