import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../simulator/types.ts";
import { beatAt, beatMs, BRISK_MS, briskPace, CATCH_UP_MS, delayMs, FRAME_MS, playbackStep, WAVE_MS } from "./playback.ts";

// A typical APPLY as the timeline holds it: the input, hypercalls, the CPUs' phases, the write.
// kind or kind:phase.
const kinds = ["hypercall", "hypercall-return", "check", "rendezvous", "cpu-phase:master", "cpu-phase:cpu", "cpu-phase:cpu", "cpu-phase:cpu", "rendezvous", "cpu-phase:irq", "cpu-phase:irq", "cpu-phase:irq", "rendezvous", "write", "state", "console", "rendezvous", "hypercall", "hypercall-return"];
const event = (k: string) => {
  const [kind, phase] = k.split(":");
  return { type: "event", event: phase ? { kind, phase } : { kind } } as unknown as TimelineItem;
};
const apply: TimelineItem[] = [{ type: "input", record: 0 }, ...kinds.map(event)];
const total = (f: (it: TimelineItem, i: number) => number) => apply.reduce((a, it, i) => a + f(it, i), 0);

describe("playback pace", () => {
  it("plays a command the user gave within BRISK_MS, at any speed", () => {
    for (const speed of [0.5, 1, 16]) expect(total((_, i) => delayMs(apply, i, speed, briskPace(apply.length)))).toBeLessThanOrEqual(BRISK_MS + 1e-9);
    expect(BRISK_MS).toBeLessThanOrEqual(1000);
  });

  it("keeps the teaching pace when no brisk pace is set (a scenario step, the Play button)", () => {
    expect(total((_, i) => delayMs(apply, i, 1, null))).toBe(total((it) => beatMs(it)));
    expect(total((_, i) => delayMs(apply, i, 1, null))).toBeGreaterThan(5 * BRISK_MS);
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

  // A scenario's `load` step (upload and APPLY) on a host of n CPUs, in the order the simulator
  // logs it (src/simulator, 8 CPUs): the master's check-in, then the other n − 1 CPUs check in to
  // the CPU phase, then to the IRQ phase, then are released, each a wave of n − 1 items.
  function loadStep(n: number): TimelineItem[] {
    const wave = (phase: string) => Array.from({ length: n - 1 }, () => `cpu-phase:${phase}`);
    const input: TimelineItem = { type: "input", record: 0 };
    return [
      input,
      ...["hypercall", "placed", "state", "hypercall-return", "hypercall", "hypercall-return", "hypercall", "check", "console", "check", "rendezvous:scheduled", "hypercall-return", "cpu-phase:master", "rendezvous:master"],
      ...wave("cpu"),
      "rendezvous:cpu-phase-done",
      ...wave("irq"),
      ...["rendezvous:irq-phase-done", "console", "rendezvous:quiesce", "console", "hook", "hook", "write", "rendezvous:revive", "console", "console", "state"],
      ...wave("release"),
      ...["console", "rendezvous:done", "hypercall", "hypercall-return"],
    ].map((k): TimelineItem => (typeof k === "string" ? event(k) : k));
  }
  const played = (items: readonly TimelineItem[], speed: number) => {
    let cursor = 0;
    let ms = 0;
    const moves: number[] = [];
    while (cursor < items.length) {
      const { to, delay } = playbackStep(items, cursor, speed, null);
      moves.push(to - cursor);
      ms += delay;
      cursor = to;
    }
    return { ms, moves };
  };

  it("a wave of many CPUs takes what three take: a 64-CPU step plays in a 4-CPU step's time, not 34 s (s29 #2)", () => {
    // By hand, the load step's beats without the CPU waves: the input 260, 4 hypercalls and 4
    // returns 8 × 260, placed 140, 2 states 2 × 520, 2 checks 2 × 140, 6 consoles 6 × 140, 7
    // rendezvous events and the master's check-in 8 × 320, 2 hooks 2 × 140, the write 520: 8,000 ms.
    // Each wave adds 320 a CPU, up to WAVE_MS (960, three CPUs) whatever the count.
    const expected: Record<number, number> = { 1: 8000, 2: 8000 + 3 * 320, 4: 8000 + 3 * 960, 5: 10880, 8: 10880, 13: 10880, 64: 10880 };
    for (const [n, ms] of Object.entries(expected)) {
      const step = loadStep(Number(n));
      expect(step.length).toBe(31 + 3 * (Number(n) - 1));
      expect(played(step, 1).ms, `${n} CPUs`).toBeCloseTo(ms, 6);
      // A scenario step plays twice as brisk (scenario.ts): 5.44 s from 4 CPUs up; it was 34.24 s at 64.
      expect(played(step, 2).ms, `${n} CPUs`).toBeCloseTo(ms / 2, 6);
    }
    expect(WAVE_MS).toBe(960);
  });

  it("every CPU of a 64-CPU wave is still drawn in turn: 63 check-ins over 480 ms in a step, a few a frame", () => {
    const step = loadStep(64);
    const first = step.findIndex((it) => it.type === "event" && (it.event as { phase?: string }).phase === "cpu");
    // 480 / 63 = 7.62 ms each at the step's double speed: 3 make a frame (22.9 ≥ 16), so 21 moves.
    for (let i = first; i < first + 63; i++) expect(beatAt(step, i) / 2).toBeCloseTo(480 / 63, 6);
    const moves: number[] = [];
    for (let c = first; c < first + 63; ) {
      const { to } = playbackStep(step.slice(0, first + 63), c, 2, null);
      moves.push(to - c);
      c = to;
    }
    expect(moves).toEqual(Array.from({ length: 21 }, () => 3));
    // The events around a wave keep their own beats (the master's check-in, cpu-phase-done).
    expect(beatAt(step, first - 2)).toBe(320);
    expect(beatAt(step, first + 63)).toBe(320);
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

