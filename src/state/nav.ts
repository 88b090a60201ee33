// Links between views: a view and the item inside it.

/** Where a click on a byte leads: a view and the item inside it. */
export type NavTarget =
  | { view: "overview" }
  | { view: "sections"; section: number }
  | { view: "symbols"; table: number; index: number }
  | { view: "relocations"; table: number; index: number }
  | { view: "functions"; index: number }
  | { view: "notes"; index: number }
  | { view: "tables"; kind: "alt" | "ex" | "bug" | "altcall"; index: number };

