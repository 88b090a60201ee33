import { describe, expect, it } from "vitest";
import { IntervalIndex, type Interval } from "./intervalIndex.ts";

const iv = (start: number, stride: number, count: number, level: number, kind: string): Interval => ({
  start, stride, count, level, kind,
  label: (r) => `${kind}[${r}]`,
  target: () => null,
});

describe("IntervalIndex", () => {
  const index = IntervalIndex.of([
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
    const big = IntervalIndex.of([iv(64, 24, 1_000_000, 1, "rela")]);
    expect(big.at(64 + 24 * 999_999 + 23)!.record).toBe(999_999);
    expect(big.recordsIn(64 + 24 * 500_000, 64 + 24 * 500_002)).toHaveLength(2);
  });

  it("builds ten thousand sections in bounded steps, with the answers of a one-go build", () => {
    // 10,000 sections of 0x40 bytes laid out back to front, as a linker may: the index must sort them.
    const sections = Array.from({ length: 10_000 }, (_, i) => iv(0x10_0000 - (i + 1) * 0x40, 0x40, 1, 0, `s${i}`));
    const gen = IntervalIndex.build(sections);
    let steps = 0;
    let r = gen.next();
    for (; !r.done; r = gen.next()) steps++;
    // Each step handles at most 2,000 items, so 10,000 items take at least five.
    expect(steps).toBeGreaterThanOrEqual(5);
    const byte = 0x10_0000 - 0x40 * 1234 + 7; // inside s1233
    expect(r.value.at(byte)!.interval.kind).toBe("s1233");
    expect(IntervalIndex.of(sections).at(byte)!.interval.kind).toBe("s1233");
    expect(r.value.recordsIn(0x10_0000 - 0x80, 0x10_0000).map((h) => h.interval.kind).sort()).toEqual(["s0", "s1"]);
  });
});
