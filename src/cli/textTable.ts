// Plain-text tables for `inspect`: every column is as wide as its widest cell (and at least
// `min`), so a long section name never pushes the columns after it out of line. Real
// prelink.o section names run past 50 characters.

export interface Column {
  title: string;
  /** Right-aligned (numbers); left-aligned by default. */
  right?: boolean;
  /** Narrowest width, so short tables keep their familiar look. */
  min?: number;
}

/** Column widths for `rows` (the last column is never padded, so its width is unused). */
export function columnWidths(columns: Column[], rows: string[][]): number[] {
  const widths = columns.map((c) => Math.max(c.min ?? 0, c.title.length));
  for (const row of rows) {
    for (let c = 0; c < columns.length - 1; c++) if (row[c].length > widths[c]) widths[c] = row[c].length;
  }
  return widths;
}

function line(cells: string[], right: boolean[], widths: number[], indent: string): string {
  const last = cells.length - 1;
  if (last < 0) return indent.trimEnd();
  let s = indent;
  for (let c = 0; c < last; c++) s += `${right[c] ? cells[c].padStart(widths[c]) : cells[c].padEnd(widths[c])} `;
  return (s + cells[last]).trimEnd();
}

export interface TableOptions {
  /** Text before each line (default two spaces). */
  indent?: string;
  /** Print the titles as the first line (default true). */
  header?: boolean;
}

/** The lines of a table (header first unless turned off), each ending in a newline. */
export function formatTable(columns: Column[], rows: string[][], options: TableOptions = {}): string[] {
  const indent = options.indent ?? "  ";
  const widths = columnWidths(columns, rows);
  const right = columns.map((c) => c.right === true);
  const lines: string[] = [];
  if (options.header !== false) lines.push(`${line(columns.map((c) => c.title), right, widths, indent)}\n`);
  for (let i = 0; i < rows.length; i++) lines.push(`${line(rows[i], right, widths, indent)}\n`);
  return lines;
}
