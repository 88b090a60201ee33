// How the CPU lanes fit a box of fixed height (a slide's lanes card) without their type shrinking
// under the slide's floor: a scenario may boot 1–64 CPUs (public/scenarios/README.md), and drawn one
// lane each, 8 CPUs already scaled the drawing (and its labels) down to 8–9 px at 1280×720.
// So past the rows that fit, the CPUs a speaker points at keep a lane of their own (the one that
// panicked, the master, any that missed the deadline, any the step marks) and the others share
// rows: each CPU of a shared row still gets its own thin strip, at its own times, under one label.
import type { Lane } from "../../../simulator/rendezvous.ts";

export interface LaneRow {
  lanes: Lane[];
  /** `CPU3`, `CPU1–7` for consecutive CPUs, else `5 CPUs`. */
  label: string;
}

function labelOf(lanes: readonly Lane[]): string {
  if (lanes.length === 1) return `CPU${lanes[0].cpu}`;
  const consecutive = lanes.every((l, i) => i === 0 || l.cpu === lanes[i - 1].cpu + 1);
  return consecutive ? `CPU${lanes[0].cpu}–${lanes[lanes.length - 1].cpu}` : `${lanes.length} CPUs`;
}

/**
 * At most `maxRows` rows (at least one) for `lanes` (in CPU order): one row per lane when they fit;
 * else the lanes `rank` gives a number (lower first: their own row) keep a row while one is left for
 * the rest, which share the remaining rows in CPU order: as many rows as give each two CPUs or
 * more, the first ones a CPU more when they do not divide evenly. Rows come in the order of their
 * first CPU.
 */
export function laneRows(lanes: readonly Lane[], maxRows: number, rank: (l: Lane) => number | null): LaneRow[] {
  const rows = Math.max(1, Math.floor(maxRows));
  if (lanes.length <= rows) return lanes.map((l) => ({ lanes: [l], label: labelOf([l]) }));
  const ranked = lanes
    .map((l) => ({ l, r: rank(l) }))
    .filter((x): x is { l: Lane; r: number } => x.r !== null)
    .sort((a, b) => a.r - b.r || a.l.cpu - b.l.cpu)
    .slice(0, rows - 1)
    .map((x) => x.l);
  const own = new Set(ranked);
  const rest = lanes.filter((l) => !own.has(l));
  // Shared rows hold two CPUs at least (a CPU alone in a row reads as one singled out, like those
  // above) and differ by one at most: 7 CPUs in 4 rows are 3+2+2, not 2+2+2+1; a row may stay free.
  // There are always two or more left here (more lanes than rows, fewer own rows than rows).
  const groups = Math.max(1, Math.min(rows - own.size, Math.floor(rest.length / 2)));
  const size = Math.floor(rest.length / groups);
  const bigger = rest.length % groups;
  const out: LaneRow[] = ranked.map((l) => ({ lanes: [l], label: labelOf([l]) }));
  let from = 0;
  for (let g = 0; g < groups; g++) {
    const members = rest.slice(from, from + size + (g < bigger ? 1 : 0));
    out.push({ lanes: members, label: labelOf(members) });
    from += members.length;
  }
  return out.sort((a, b) => a.lanes[0].cpu - b.lanes[0].cpu);
}

/**
 * The ticks whose labels, placed as drawn (`anchor`: a label at the right edge is right-aligned, so
 * it reaches further left than a centred one), keep `air` between them: the last (the time people
 * read) wins over the one before it.
 */
export function spacedTicks(ticks: readonly number[], x: (i: number) => number, width: (i: number) => number, anchor: (i: number) => "start" | "middle" | "end", air: number): number[] {
  const span = (i: number): [number, number] => {
    const w = width(i);
    const a = anchor(i);
    const at = x(i);
    return a === "start" ? [at, at + w] : a === "end" ? [at - w, at] : [at - w / 2, at + w / 2];
  };
  const kept: number[] = [];
  for (const i of ticks) {
    if (kept.length && span(kept[kept.length - 1])[1] + air > span(i)[0]) continue;
    kept.push(i);
  }
  const last = ticks[ticks.length - 1];
  if (last !== undefined && kept[kept.length - 1] !== last) {
    while (kept.length && span(kept[kept.length - 1])[1] + air > span(last)[0]) kept.pop();
    kept.push(last);
  }
  return kept;
}
