import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../simulator/types.ts";
import { beatMs, BRISK_MS, briskPace, delayMs, FRAME_MS, playbackStep } from "./playback.ts";

// A typical APPLY as the timeline holds it: the input, hypercalls, the CPUs' phases, the write.
const kinds = ["hypercall", "hypercall-return", "check", "rendezvous", "cpu-phase", "cpu-phase", "cpu-phase", "cpu-phase", "rendezvous", "cpu-phase", "cpu-phase", "cpu-phase", "rendezvous", "write", "state", "console", "rendezvous", "hypercall", "hypercall-return"];
const apply: TimelineItem[] = [{ type: "input", record: 0 }, ...kinds.map((kind) => ({ type: "event", event: { kind } }) as unknown as TimelineItem)];
const total = (f: (it: TimelineItem) => number) => apply.reduce((a, it) => a + f(it), 0);

describe("playback pace", () => {
  it("plays a command the user gave within BRISK_MS, at any speed", () => {
    for (const speed of [0.5, 1, 16]) expect(total((it) => delayMs(it, speed, briskPace(apply.length)))).toBeLessThanOrEqual(BRISK_MS + 1e-9);
    expect(BRISK_MS).toBeLessThanOrEqual(1000);
  });

  it("keeps the teaching pace when no brisk pace is set (a scenario step, the Play button)", () => {
    expect(total((it) => delayMs(it, 1, null))).toBe(total((it) => beatMs(it)));
    expect(total((it) => delayMs(it, 1, null))).toBeGreaterThan(5 * BRISK_MS);
  });
});

describe("playbackStep", () => {
  // A 2,000-function APPLY: the input, then 2,034 events, played briskly (BRISK_MS over them all).
  const big: TimelineItem[] = [{ type: "input", record: 0 }, ...Array.from({ length: 2034 }, () => ({ type: "event", event: { kind: "write" } }) as unknown as TimelineItem)];

  it("takes beats shorter than a frame together: a brisk 2,035-item APPLY redraws about BRISK_MS / FRAME_MS times", () => {
    const pace = briskPace(big.length);
    let cursor = 0;
    let steps = 0;
    let total = 0;
    while (cursor < big.length) {
      const { to, delay } = playbackStep(big, cursor, 1, pace);
      expect(to).toBeGreaterThan(cursor);
      expect(delay).toBeGreaterThanOrEqual(Math.min(FRAME_MS, (big.length - cursor) * pace) - 1e-9);
      total += delay;
      cursor = to;
      steps++;
    }
    expect(cursor).toBe(big.length);
    // Every item's beat is still spent: the whole plays in BRISK_MS, in about 800 / 16 = 50 redraws.
    expect(total).toBeCloseTo(BRISK_MS, 6);
    expect(steps).toBeLessThanOrEqual(Math.ceil(BRISK_MS / FRAME_MS) + 1);
  });

  it("keeps one item per step at the teaching pace (every beat is longer than a frame)", () => {
    for (let c = 0; c < apply.length; c++) expect(playbackStep(apply, c, 1, null)).toEqual({ to: c + 1, delay: beatMs(apply[c]) });
  });
});
