// The symbol and relocation views list the entries of several columnar tables as one filtered
// list: row r is (table, index) through FlatRows, the filter's scan runs in slices, the picked
// entry is kept per file, and choosing a row selects the entry's record bytes. One hook for both.
import type { ParsedFile } from "../../state/parsedFile.ts";
import { useLens } from "../../state/store.ts";
import { shownAt, type FlatRows } from "./flat.ts";
import { usePick, useReveal } from "./usePick.ts";
import { useSliced } from "./useSliced.ts";

/** A table whose record `i` is at `recordOffset + i * entsize` (a symbol table, a REL/RELA section). */
interface Records {
  recordOffset: number;
  entsize: number;
}

export interface EntryList {
  /** (table, index) of shown row `r`. */
  at(r: number): [table: number, index: number];
  /** Rows shown: the filter's matches, or every entry while no filter is set. */
  count: number;
  /** A newer filter's rows are being scanned; the shown rows are the previous ones. */
  pending: boolean;
  /** VirtualTable's rowCount, selected and onSelect. */
  table: { rowCount: number; selected: number | null; onSelect: (r: number) => void };
}

/**
 * `scan` (memoised; null: no filter) yields the matching flat rows, ascending. `label(table, index)`
 * names the selected bytes; `clearFilters` runs before a link from another view reveals its entry.
 */
export function useEntryList(
  fileId: string,
  parsed: ParsedFile,
  view: "symbols" | "relocations",
  tables: readonly Records[],
  flat: FlatRows,
  scan: (() => Generator<void, Uint32Array>) | null,
  label: (table: number, index: number) => string,
  clearFilters: () => void,
): EntryList {
  const pick = usePick(fileId, parsed, view);
  const setPick = useLens((s) => s.ui.pick);
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const filtered = useSliced<Uint32Array | null>(scan, null);
  const rows = filtered.value;

  const at = (r: number) => flat.locate(rows ? rows[r] : r);
  const selectRow = (ti: number, i: number) => {
    const t = tables[ti];
    selectBytes({ fileId, offset: t.recordOffset + i * t.entsize, size: t.entsize, label: label(ti, i) });
  };
  const onSelect = (r: number) => {
    const [table, index] = at(r);
    setPick(fileId, { view, table, index });
    selectRow(table, index);
  };
  useReveal(fileId, parsed, view, (f) => {
    clearFilters();
    selectRow(f.table, f.index);
  });
  const count = rows ? rows.length : flat.total;
  const selected = shownAt(rows, pick ? flat.rowOf(pick.table, pick.index) : null);
  return { at, count, pending: filtered.pending, table: { rowCount: count, selected, onSelect } };
}
