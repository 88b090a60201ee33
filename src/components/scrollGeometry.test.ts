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
    expect(scrollToReveal(5, 0, 100, 20, 200)).toBeNull();
    expect(scrollToReveal(15, 0, 100, 20, 200)).toBe(120);
    expect(scrollToReveal(2, 400, 100, 20, 200)).toBe(40);
  });
});
