// Several columnar tables shown as one list: row r maps to (table, index) by binary search over
// the running counts, so nothing per row is allocated.
export class FlatRows {
  readonly starts: Float64Array;
  readonly total: number;

  constructor(counts: number[]) {
    this.starts = new Float64Array(counts.length + 1);
    for (let i = 0; i < counts.length; i++) this.starts[i + 1] = this.starts[i] + counts[i];
    this.total = this.starts[counts.length];
  }

  locate(row: number): [table: number, index: number] {
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return [lo, row - this.starts[lo]];
  }

  rowOf(table: number, index: number): number {
    return this.starts[table] + index;
  }
}

/** Where flat row `row` is shown: its place among the (ascending) filtered rows, or null if filtered out. */
export function shownAt(rows: Uint32Array | null, row: number | null): number | null {
  if (row === null) return null;
  if (!rows) return row;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] === row) return mid;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}
