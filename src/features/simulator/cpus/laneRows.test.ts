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
    // 7 = 3 + 2 + 2: the first row takes the one left over.
    expect(labels(rows)).toEqual(["CPU0", "CPU1–3", "CPU4–5", "CPU6–7"]);
    // Every CPU is drawn exactly once.
    expect(rows.flatMap((r) => r.lanes.map((l) => l.cpu))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("shared rows are filled evenly, two CPUs at least: no CPU is left alone in a shared row (s29 #1)", () => {
    const master = (n: number, fit: number) => labels(laneRows(cpus(n, { 0: { master: true } }), fit, rank));
    // 8 CPUs in the 5 rows of a 1024×768 slide were CPU0, CPU1–2, CPU3–4, CPU5, CPU6–7: 7 CPUs
    // share at most 7 / 2 = 3 rows, 3 + 2 + 2, and a row stays free.
    expect(master(8, 5)).toEqual(["CPU0", "CPU1–3", "CPU4–5", "CPU6–7"]);
    // 6 CPUs (none with a row of its own) in 4 rows: 2 + 2 + 2, not 2 + 2 + 1 + 1.
    expect(labels(laneRows(cpus(6), 4, () => null))).toEqual(["CPU0–1", "CPU2–3", "CPU4–5"]);
    // 5 CPUs in 4 rows: CPU0, then 4 = 2 + 2. In 5 rows every CPU has its own.
    expect(master(5, 4)).toEqual(["CPU0", "CPU1–2", "CPU3–4"]);
    expect(master(5, 5)).toEqual(["CPU0", "CPU1", "CPU2", "CPU3", "CPU4"]);
    // 13 CPUs: 12 in 3 rows (4 fit) are 4 + 4 + 4; in 4 rows 3 each; from 7 rows on (6 for the 12) 2 each.
    expect(master(13, 4)).toEqual(["CPU0", "CPU1–4", "CPU5–8", "CPU9–12"]);
    expect(master(13, 5)).toEqual(["CPU0", "CPU1–3", "CPU4–6", "CPU7–9", "CPU10–12"]);
    for (const fit of [7, 8, 12]) expect(master(13, fit)).toEqual(["CPU0", "CPU1–2", "CPU3–4", "CPU5–6", "CPU7–8", "CPU9–10", "CPU11–12"]);
    expect(master(13, 13)).toHaveLength(13);
    // 64 CPUs: 63 in 3 rows are 21 each; in 4 rows 16 + 16 + 16 + 15.
    expect(master(64, 4)).toEqual(["CPU0", "CPU1–21", "CPU22–42", "CPU43–63"]);
    expect(master(64, 5)).toEqual(["CPU0", "CPU1–16", "CPU17–32", "CPU33–48", "CPU49–63"]);
    // 1 and 2 CPUs: a row each.
    expect(master(1, 4)).toEqual(["CPU0"]);
    expect(master(2, 4)).toEqual(["CPU0", "CPU1"]);
    // Two CPUs left for two rows still share one (2 / 2 = 1 row): 3 CPUs in 2 rows.
    expect(master(3, 2)).toEqual(["CPU0", "CPU1–2"]);
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
