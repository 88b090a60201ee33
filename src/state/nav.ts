// Links between views: a view and the item inside it, always of one file.
import type { ParsedFile } from "./parsedFile.ts";

/** Where a click on a byte leads: a view and the item inside it. */
export type NavTarget =
  | { view: "overview" }
  | { view: "sections"; section: number }
  | { view: "symbols"; table: number; index: number }
  | { view: "relocations"; table: number; index: number }
  | { view: "functions"; index: number }
  | { view: "notes"; index: number }
  | { view: "tables"; kind: "alt" | "ex" | "bug" | "altcall"; index: number };

export type NavView = NavTarget["view"];
export type TargetOf<V extends NavView> = Extract<NavTarget, { view: V }>;

const within = (i: number, n: number) => Number.isInteger(i) && i >= 0 && i < n;

/** The target names an item that exists in this file (a selection never reaches past its tables). */
export function targetIn(parsed: ParsedFile, t: NavTarget): boolean {
  const { elf, livepatch: lp } = parsed;
  switch (t.view) {
    case "overview":
      return true;
    case "sections":
      return within(t.section, elf.sections.length);
    case "symbols":
      return within(t.table, elf.symbolTables.length) && within(t.index, elf.symbolTables[t.table].count);
    case "relocations":
      return within(t.table, elf.relocationTables.length) && within(t.index, elf.relocationTables[t.table].count);
    case "functions":
      return !!lp && within(t.index, lp.funcs.length);
    case "notes":
      return within(t.index, elf.notes.length);
    case "tables": {
      if (!lp) return false;
      const list = { alt: lp.alternatives, ex: lp.exTable, bug: lp.bugFrames, altcall: lp.altCalls }[t.kind];
      return !!list && within(t.index, list.length);
    }
  }
}
