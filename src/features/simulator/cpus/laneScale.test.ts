import { describe, expect, it } from "vitest";
import { laneScale } from "./laneScale.ts";

describe("lane scale", () => {
  it("spans the range in order and gives same-instant events a visible gap", () => {
    const moments = [0, 20_000, 3_000_000, 3_000_475, 3_000_475, 3_000_475];
    const s = laneScale(moments, 100, 600);
    expect(s.at(0)).toBe(100);
    expect(s.at(5)).toBeCloseTo(600);
    for (let i = 1; i < moments.length; i++) expect(s.at(i)).toBeGreaterThan(s.at(i - 1));
    expect(s.at(5) - s.at(4)).toBeGreaterThan(8);
    // The long wait for the CPUs still gets the most room.
    expect(s.at(2) - s.at(1)).toBeGreaterThan(s.at(3) - s.at(2));
  });

  it("puts ticks only where the clock moved, spaced apart", () => {
    const s = laneScale([0, 0, 1_000, 2_000_000, 2_000_000], 0, 500, { minGap: 40 });
    expect(s.ticks).toEqual([0, 3]);
  });

  it("keeps the latest time as a tick and drops the one that would collide with it", () => {
    const moments = [0, 1_000_000, 2_000_000, 2_000_050];
    const s = laneScale(moments, 0, 400, { minGap: 60, minShare: 0.05 });
    expect(s.ticks[s.ticks.length - 1]).toBe(3);
    for (let i = 1; i < s.ticks.length; i++) expect(s.at(s.ticks[i]) - s.at(s.ticks[i - 1])).toBeGreaterThanOrEqual(60);
    expect(s.ticks).not.toContain(2);
  });
});
