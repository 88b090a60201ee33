import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../simulator/types.ts";
import { beatMs, BRISK_MS, briskPace, CATCH_UP_MS, delayMs, FRAME_MS, playbackStep } from "./playback.ts";

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
    for (let c = 0; c < apply.length; c++) expect(playbackStep(apply, c, 1, null)).toEqual({ to: c + 1, delay: beatMs(apply[c]), wait: beatMs(apply[c]) });
  });

  // The player as usePlayback runs it, on a clock: a step's timer fires `wait` after it is
  // scheduled, the page shows it `drawMs` later, and the next step is scheduled from there.
  function play(items: readonly TimelineItem[], pace: number | null, drawMs: number): { ms: number; steps: number } {
    let cursor = 0;
    let now = 0;
    let due: number | null = null;
    let steps = 0;
    while (cursor < items.length) {
      const behind = due === null ? 0 : now - due;
      const { to, wait } = playbackStep(items, cursor, 1, pace, behind);
      due = now + wait;
      now = due + drawMs;
      cursor = to;
      steps++;
    }
    return { ms: now, steps };
  }

  it("a page that draws slower than a frame still plays a brisk 2,035-item APPLY on the clock: BRISK_MS and two drawings", () => {
    const pace = briskPace(big.length);
    for (const drawMs of [0, 10, 40, 60, 120]) {
      const { ms, steps } = play(big, pace, drawMs);
      // Without catching up each of the ~50 steps would add its drawing: 800 + 50 × 60 ms for 60 ms.
      // With it, only the end is late: the last step starts once the one before is drawn, then is drawn.
      expect(ms).toBeLessThanOrEqual(BRISK_MS + 2 * drawMs + 1e-9);
      expect(steps).toBeLessThanOrEqual(Math.ceil(BRISK_MS / Math.max(FRAME_MS, drawMs)) + 2);
    }
  });

  it("at the teaching pace a slow page still shows every item, each held its beat less the drawing", () => {
    const { ms, steps } = play(apply, null, 40);
    expect(steps).toBe(apply.length);
    expect(ms).toBe(total((it) => beatMs(it)) + 40);
  });

  it("catches up at most CATCH_UP_MS at once (a page back from the background does not jump to the end)", () => {
    const pace = briskPace(big.length);
    const { to, delay } = playbackStep(big, 0, 1, pace, 10_000);
    expect(delay).toBeLessThan(FRAME_MS + CATCH_UP_MS + pace);
    expect(to).toBeLessThan(big.length / 2);
  });
});

