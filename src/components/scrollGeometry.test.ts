import { describe, expect, it } from "vitest";
import { MAX_SPACER_PX, rowAtScroll, scrollForRow, scrollGeometry, scrollToReveal } from "./scrollGeometry.ts";

describe("scrollGeometry", () => {
  it("keeps natural height for small lists", () => {
    const g = scrollGeometry(1000, 20, 400);
    expect(g).toEqual({ spacer: 20000, compressed: false, visibleRows: 20 });
    expect(rowAtScroll(410, 1000, 20, 400)).toEqual({ first: 20, shift: 10 });
  });

  it("compresses a 60 MB hex dump and still reaches its first and last rows", () => {
    const rows = Math.ceil((60 * 1024 * 1024) / 16);
    const g = scrollGeometry(rows, 18, 540);
    expect(g.compressed).toBe(true);
    expect(g.spacer).toBe(MAX_SPACER_PX);
    expect(rowAtScroll(0, rows, 18, 540).first).toBe(0);
    const last = rowAtScroll(g.spacer - 540, rows, 18, 540).first;
    expect(last + 30).toBe(rows);
  });

  it("maps a row to a scroll position and back (compressed)", () => {
    const rows = 3_000_000;
    for (const row of [0, 1, 12345, 1_500_000, rows - 40]) {
      const top = scrollForRow(row, rows, 22, 440);
      expect(Math.abs(rowAtScroll(top, rows, 22, 440).first - row)).toBeLessThanOrEqual(1);
    }
  });

  it("reveals rows above and below the window, and leaves visible rows alone", () => {
    // 200 px of 20 px rows: 10 rows fit; at scrollTop 0 rows 0..9 show.
    expect(scrollToReveal(5, 5, 0, 100, 20, 200)).toBeNull();
    // Row 15 last in view: first row 15 - 10 + 1 = 6, 6 x 20 = 120.
    expect(scrollToReveal(15, 15, 0, 100, 20, 200)).toBe(120);
    // scrollTop 400 shows rows 20..29; row 2 goes to the top: 2 x 20 = 40.
    expect(scrollToReveal(2, 2, 400, 100, 20, 200)).toBe(40);
  });

  it("shows a selection of several rows whole when it fits", () => {
    // Hex pane of the QA report: 18 px rows, 180 px: 10 rows. Rows 0..9 show at scrollTop 0.
    // A 64-byte section header at 0xccc8..0xcd07 spans rows 0xccc (3276) to 0xcd0 (3280).
    // Below the view: its last row goes to the bottom, so the first row drawn is 3280 - 10 + 1 = 3271.
    expect(scrollToReveal(3276, 3280, 0, 5000, 18, 180)).toBe(3271 * 18);
    // Already whole in view (rows 3271..3280): no scroll.
    expect(scrollToReveal(3276, 3280, 3271 * 18, 5000, 18, 180)).toBeNull();
    // First row in view but the last below it (view 3268..3277): scroll just enough, first row 3271.
    expect(scrollToReveal(3276, 3280, 3268 * 18, 5000, 18, 180)).toBe(3271 * 18);
    // Above the view (view 4000..4009): its first row goes to the top.
    expect(scrollToReveal(3276, 3280, 4000 * 18, 5000, 18, 180)).toBe(3276 * 18);
    // Last row in view, first above (view 3278..3287): first row to the top.
    expect(scrollToReveal(3276, 3280, 3278 * 18, 5000, 18, 180)).toBe(3276 * 18);
    // Exactly as tall as the view (rows 50..59, 10 rows) from below: first row at the top.
    expect(scrollToReveal(50, 59, 0, 5000, 18, 180)).toBe(50 * 18);
  });

  it("puts the first row of a selection taller than the view at the top", () => {
    // 10 rows fit; rows 100..129 do not. From above and from below alike the first row is at the top.
    expect(scrollToReveal(100, 129, 0, 5000, 18, 180)).toBe(100 * 18);
    expect(scrollToReveal(100, 129, 200 * 18, 5000, 18, 180)).toBe(100 * 18);
    // First row visible but not at the top (view 95..104): moved to the top.
    expect(scrollToReveal(100, 129, 95 * 18, 5000, 18, 180)).toBe(100 * 18);
    // Already at the top: no scroll.
    expect(scrollToReveal(100, 129, 100 * 18, 5000, 18, 180)).toBeNull();
  });
});
