import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../simulator/types.ts";
import { beatMs, BRISK_MS, briskPace, delayMs } from "./playback.ts";

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
