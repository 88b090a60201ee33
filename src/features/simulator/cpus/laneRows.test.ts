import { describe, expect, it } from "vitest";
import { laneRows, spacedTicks } from "./laneRows.ts";
import type { Lane } from "../../../simulator/rendezvous.ts";

const lane = (cpu: number, extra: Partial<Lane> = {}): Lane => ({ cpu, master: false, segments: [], status: "released", missed: false, lateAt: null, ...extra });
const cpus = (n: number, extra: Record<number, Partial<Lane>> = {}) => Array.from({ length: n }, (_, i) => lane(i, extra[i]));
const rank = (l: Lane) => (l.master ? 1 : l.missed ? 2 : null);
const labels = (rows: ReturnType<typeof laneRows>) => rows.map((r) => r.label);

describe("lane rows in a box of fixed height", () => {
  it("one row per CPU while they fit", () => {
    expect(labels(laneRows(cpus(4, { 0: { master: true } }), 4, rank))).toEqual(["CPU0", "CPU1", "CPU2", "CPU3"]);
    expect(labels(laneRows(cpus(4), Infinity, rank))).toEqual(["CPU0", "CPU1", "CPU2", "CPU3"]);
  });

  it("8 CPUs in 4 rows: the master keeps its lane, the other 7 share 3 rows in CPU order (QA s28 #12)", () => {
    const rows = laneRows(cpus(8, { 0: { master: true } }), 4, rank);
    expect(labels(rows)).toEqual(["CPU0", "CPU1–2", "CPU3–5", "CPU6–7"]);
    // Every CPU is drawn exactly once.
    expect(rows.flatMap((r) => r.lanes.map((l) => l.cpu))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a CPU that missed the deadline keeps its own row too; the rows around it are named by count when not consecutive", () => {
    const rows = laneRows(cpus(8, { 0: { master: true }, 4: { missed: true } }), 3, rank);
    expect(labels(rows)).toEqual(["CPU0", "6 CPUs", "CPU4"]);
    expect(rows[1].lanes.map((l) => l.cpu)).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it("64 CPUs (the most a scenario may boot) never take more rows than fit, and at least one", () => {
    for (const fit of [1, 2, 5, 9]) {
      const rows = laneRows(cpus(64, { 0: { master: true } }), fit, rank);
      expect(rows.length).toBe(fit);
      expect(rows.reduce((n, r) => n + r.lanes.length, 0)).toBe(64);
    }
    expect(labels(laneRows(cpus(64, { 0: { master: true } }), 0, rank))).toEqual(["CPU0–63"]);
  });
});

describe("tick labels spaced as drawn", () => {
  // Labels 60 wide: the first left-aligned at 0 (0..60), centred ones at 120 (90..150) and 200
  // (170..230); the last right-aligned at 230 covers 170..230, on top of the one at 200.
  const x = (i: number) => [0, 120, 200, 230][i];
  const anchor = (i: number) => (i === 3 ? "end" : i === 0 ? "start" : "middle");
  it("drops the tick whose label the right-aligned last one would cover", () => {
    expect(spacedTicks([0, 1, 2, 3], x, () => 60, anchor, 14)).toEqual([0, 1, 3]);
  });
  it("keeps labels that clear each other by the air asked, else the later one", () => {
    // Centred at 0 and 80: -30..30 and 50..110, 20 apart.
    expect(spacedTicks([0, 1], (i) => i * 80, () => 60, () => "middle", 20)).toEqual([0, 1]);
    expect(spacedTicks([0, 1], (i) => i * 80, () => 60, () => "middle", 21)).toEqual([1]);
  });
});
