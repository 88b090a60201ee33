import { describe, expect, it } from "vitest";
import { IntervalIndex, type Interval } from "./intervalIndex.ts";

const iv = (start: number, stride: number, count: number, level: number, kind: string): Interval => ({
  start, stride, count, level, kind,
  label: (r) => `${kind}[${r}]`,
  target: () => null,
});

describe("IntervalIndex", () => {
  const index = new IntervalIndex([
    iv(0, 64, 1, 0, "ehdr"),
    iv(0x100, 0x1000, 1, 0, "section"),
    iv(0x100, 24, 100, 1, "rela"),
    iv(0x2000, 64, 10, 0, "shdr"),
  ]);

  it("finds the deepest record under a byte, by arithmetic inside tables", () => {
    const hit = index.at(0x100 + 24 * 57 + 3)!;
    expect(hit.interval.kind).toBe("rela");
    expect(hit.record).toBe(57);
    expect(hit.offset).toBe(0x100 + 24 * 57);
    expect(hit.size).toBe(24);
  });

  it("falls back to the enclosing structure past the end of a table", () => {
    expect(index.at(0x100 + 24 * 100)!.interval.kind).toBe("section");
    expect(index.at(0x2000 + 64 * 3 + 1)!.record).toBe(3);
  });

  it("reports nothing for bytes no structure claims", () => {
    expect(index.at(0x80)).toBeNull();
    expect(index.at(0x3000)).toBeNull();
  });

  it("lists only the records in a window", () => {
    const hits = index.recordsIn(0x100 + 24 * 10, 0x100 + 24 * 12);
    expect(hits.map((h) => `${h.interval.kind}:${h.record}`)).toEqual(["section:0", "rela:10", "rela:11"]);
  });

  it("handles one table of a million records without materializing them", () => {
    const big = new IntervalIndex([iv(64, 24, 1_000_000, 1, "rela")]);
    expect(big.at(64 + 24 * 999_999 + 23)!.record).toBe(999_999);
    expect(big.recordsIn(64 + 24 * 500_000, 64 + 24 * 500_002)).toHaveLength(2);
  });
});
