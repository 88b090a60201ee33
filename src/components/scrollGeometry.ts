// Scroll math for virtualized lists whose natural height can exceed what a browser will lay out
// (Chromium caps element heights near 33.5M px, Firefox near 17.9M px). Above the cap the spacer
// is compressed and scroll position maps to rows by ratio instead of by pixels.

/** Safely below every engine's maximum element height. */
export const MAX_SPACER_PX = 8_000_000;

export interface ScrollGeometry {
  /** Height of the spacer element that gives the native scrollbar its range. */
  spacer: number;
  compressed: boolean;
  /** Rows that fit in the viewport (at least 1). */
  visibleRows: number;
}

export function scrollGeometry(rowCount: number, rowHeight: number, viewportHeight: number): ScrollGeometry {
  const natural = rowCount * rowHeight;
  const compressed = natural > MAX_SPACER_PX;
  return {
    spacer: compressed ? MAX_SPACER_PX : natural,
    compressed,
    visibleRows: Math.max(1, Math.ceil(viewportHeight / rowHeight)),
  };
}

/** First row to draw and the sub-row pixel shift for a given scrollTop. */
export function rowAtScroll(
  scrollTop: number,
  rowCount: number,
  rowHeight: number,
  viewportHeight: number,
): { first: number; shift: number } {
  const g = scrollGeometry(rowCount, rowHeight, viewportHeight);
  if (!g.compressed) {
    const first = Math.max(0, Math.floor(scrollTop / rowHeight));
    return { first: Math.min(first, Math.max(0, rowCount - 1)), shift: scrollTop - first * rowHeight };
  }
  const maxScroll = Math.max(1, g.spacer - viewportHeight);
  const lastFirst = Math.max(0, rowCount - Math.floor(viewportHeight / rowHeight));
  const ratio = Math.min(1, Math.max(0, scrollTop / maxScroll));
  return { first: Math.round(ratio * lastFirst), shift: 0 };
}

/** scrollTop that puts `row` at the top of the viewport (inverse of `rowAtScroll`). */
export function scrollForRow(row: number, rowCount: number, rowHeight: number, viewportHeight: number): number {
  const g = scrollGeometry(rowCount, rowHeight, viewportHeight);
  if (!g.compressed) return row * rowHeight;
  const maxScroll = Math.max(1, g.spacer - viewportHeight);
  const lastFirst = Math.max(1, rowCount - Math.floor(viewportHeight / rowHeight));
  return Math.min(maxScroll, (row / lastFirst) * maxScroll);
}

/**
 * scrollTop that shows rows `row`..`lastRow` (inclusive), or null when they all are already.
 * A range that fits is shown whole with the least movement: its first row at the top when it
 * lies above, its last row at the bottom when below. A range taller than the viewport has its
 * first row put at the top.
 */
export function scrollToReveal(
  row: number,
  lastRow: number,
  scrollTop: number,
  rowCount: number,
  rowHeight: number,
  viewportHeight: number,
): number | null {
  const last = Math.max(row, lastRow);
  const { first } = rowAtScroll(scrollTop, rowCount, rowHeight, viewportHeight);
  const fit = Math.max(1, Math.floor(viewportHeight / rowHeight));
  if (row >= first && last < first + fit) return null;
  const fits = last - row + 1 <= fit;
  if (!fits && row === first) return null;
  const target = !fits || row < first ? row : last - fit + 1;
  return scrollForRow(Math.max(0, target), rowCount, rowHeight, viewportHeight);
}
