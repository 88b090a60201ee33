// The lanes' time axis, against positions computed by hand. The instants are those of the
// simulator's rendezvous (src/simulator/rendezvous.ts `moments`, ns from the `scheduled` event):
// 4 CPUs with CPU2 stalled 45 ms (the catalogue's rendezvous-timeout step 3) and a 4-CPU APPLY
// that succeeds (master at +20 µs, CPUs at +215/+785/+1450 µs, IRQ phases 25 ns apart).
import { describe, expect, it } from "vitest";
import { laneScale, stretches } from "./laneScale.ts";

const TIMEOUT = [0, 0, 20_000, 20_000, 215_000, 785_000, 30_020_000, 30_020_000, 30_020_000, 30_020_000];
const APPLY = [0, 20_000, 20_000, 215_000, 785_000, 1_450_000, 1_450_000, 1_450_425, 1_450_450, 1_450_475, 1_450_475, 1_450_475];

describe("lane scale: one x per instant", () => {
  it("squeezes the idle wait for a stalled CPU into one break; the deadline is the axis's end", () => {
    expect(stretches([0, 20_000, 215_000, 785_000, 30_020_000], 50)).toEqual([[0, 20_000, 215_000, 785_000], [30_020_000]]);
    const s = laneScale(TIMEOUT, 100, 600, { breakWidth: 20 });
    // One stretch of 600 − 100 − 20 = 480 units over 0..785 µs, then the 20-unit break.
    expect(s.x(0)).toBe(100);
    expect(s.x(20_000)).toBeCloseTo(100 + (480 * 20) / 785, 9); // 112.229
    expect(s.x(215_000)).toBeCloseTo(100 + (480 * 215) / 785, 9); // 231.465
    expect(s.x(785_000)).toBeCloseTo(580, 9);
    expect(s.x(30_020_000)).toBe(600);
    // Inside the break time still runs left to right: +15 ms is 14.215/29.235 of the way across it.
    expect(s.x(15_000_000)).toBeCloseTo(580 + (20 * 14_215_000) / 29_235_000, 9); // 589.72
    expect(s.breaks).toEqual([{ from: 785_000, to: 30_020_000, x0: 580, x1: 600 }]);
    // A stalled CPU's bar (0 → the deadline) and the deadline line end at the same x.
    expect(s.x(30_020_000)).toBe(s.x(TIMEOUT[TIMEOUT.length - 1]));
  });

  it("gives the sub-microsecond IRQ phases a finer stretch of their own, the gathering's last gap being the break", () => {
    expect(stretches([0, 20_000, 215_000, 785_000, 1_450_000, 1_450_425, 1_450_450, 1_450_475], 50)).toEqual([
      [0, 20_000, 215_000, 785_000],
      [1_450_000, 1_450_425, 1_450_450, 1_450_475],
    ]);
    const s = laneScale(APPLY, 0, 1000, { breakWidth: 20 });
    // Two stretches of (1000 − 20) / 2 = 490 units: 0..785 µs, then 1450.000..1450.475 µs from x = 510.
    expect(s.x(20_000)).toBeCloseTo((490 * 20) / 785, 9); // 12.484
    expect(s.x(785_000)).toBeCloseTo(490, 9);
    expect(s.x(1_450_000)).toBeCloseTo(510, 9);
    expect(s.x(1_450_425)).toBeCloseTo(510 + (490 * 425) / 475, 9); // 948.42
    expect(s.x(1_450_450)).toBeCloseTo(510 + (490 * 450) / 475, 9); // 974.21
    expect(s.x(1_450_475)).toBe(1000);
    expect(s.breaks).toEqual([{ from: 785_000, to: 1_450_000, x0: 490, x1: 510 }]);
  });

  it("is one never-decreasing function: every event at an instant gets that instant's x", () => {
    for (const times of [TIMEOUT, APPLY]) {
      const s = laneScale(times, 0, 700);
      let prev = -Infinity;
      for (const t of times) {
        expect(s.x(t)).toBeGreaterThanOrEqual(prev);
        prev = s.x(t);
      }
      const distinct = [...new Set(times)];
      for (let i = 1; i < distinct.length; i++) expect(s.x(distinct[i])).toBeGreaterThan(s.x(distinct[i - 1]));
      for (let t = 0; t <= times[times.length - 1]; t += 10_007) expect(s.x(t + 10_007)).toBeGreaterThanOrEqual(s.x(t));
    }
  });

  it("stays linear with no break when the gaps are alike, and puts a lone instant at the start", () => {
    expect(stretches([0, 20_000, 500_000], 50)).toEqual([[0, 20_000, 500_000]]);
    const s = laneScale([0, 20_000, 500_000], 0, 500);
    expect(s.breaks).toEqual([]);
    expect(s.x(20_000)).toBe(20);
    expect(s.x(250_000)).toBe(250);
    const one = laneScale([7, 7, 7], 10, 300);
    expect([one.x(7), one.x(0), one.x(99)]).toEqual([10, 10, 10]);
    expect(one.ticks).toEqual([7]);
  });

  it("ticks at instants only, the stretches' ends first, the last instant always, minGap apart", () => {
    const s = laneScale(TIMEOUT, 100, 600, { breakWidth: 20, minGap: 60 });
    // Ends: 0 (x 100), 785 µs (x 580, too close to the last: dropped), 30.02 ms (x 600); then
    // 215 µs (x 231.5) fits between; 20 µs (x 112.2) does not.
    expect(s.ticks).toEqual([0, 215_000, 30_020_000]);
    const a = laneScale(APPLY, 0, 1000, { breakWidth: 20, minGap: 60 });
    // Ends at x 0, 490, 510 (too close to 490), 1000; inner: 215 µs (134.2), 1450.425 µs (948.4) is
    // 51.6 from the last: no room; 20 µs (12.5) neither.
    expect(a.ticks).toEqual([0, 215_000, 785_000, 1_450_475]);
  });
});
