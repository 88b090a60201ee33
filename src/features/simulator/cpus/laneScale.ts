// The time axis of the CPU lanes: one function from a time to an x, used by the ticks, the bars,
// the deadline line and the "now" line alike, so one instant is drawn at one x (QA s30 #7: the
// deadline used to stand a bar-end to the right of the tick of its own time).
//
// A rendezvous spends a millisecond or two gathering CPUs, may then wait tens of milliseconds for
// a stalled one (a long idle gap), and does its IRQ phase and patching within a microsecond or two.
// One linear scale cannot show all three, so the axis is cut into stretches, each linear at its
// own scale, joined by breaks: a break stands for a gap drawn at a fixed width instead of to scale,
// and the lanes draw it as a cut through every bar. Reading the instants left to right, a gap far
// longer than the stretch's shortest gap becomes a break (an idle gap squeezed), and a gap far
// shorter than the stretch's longest one starts a new, finer stretch: the long gap before it is
// the break then. So a break always squeezes a gap that is long next to its neighbours; within a
// stretch no gap is more than `ratio` times another.

export interface AxisBreak {
  /** The instants on either side of the squeezed gap. */
  from: number;
  to: number;
  /** Where the break is drawn: from x(from) to x(to). */
  x0: number;
  x1: number;
}

export interface LaneScale {
  /** x of a time: linear within each stretch and across each break, never decreasing. Times
   *  before the first instant are drawn at x0, after the last at the last instant's x. */
  x(t: number): number;
  /** The distinct instants worth a tick, in order: labels `minGap` apart as placed at their x,
   *  each stretch's ends first, the last instant always among them. */
  ticks: number[];
  breaks: AxisBreak[];
}

export interface LaneScaleOptions {
  /** Within a stretch, the longest gap is at most `ratio` times the shortest. */
  ratio?: number;
  /** The width a break is drawn at (smaller when there is little room). */
  breakWidth?: number;
  /** The distance kept between ticks. */
  minGap?: number;
}

/** The distinct instants of `times` (in the order of the events: never decreasing), in stretches. */
export function stretches(instants: readonly number[], ratio: number): number[][] {
  if (instants.length === 0) return [];
  const out: number[][] = [[instants[0]]];
  let lo = Infinity;
  let hi = 0;
  for (let i = 1; i < instants.length; i++) {
    const cur = out[out.length - 1];
    const g = instants[i] - instants[i - 1];
    if (cur.length > 1 && g > ratio * lo) {
      // A gap far longer than this stretch's shortest: an idle gap, squeezed into a break.
      out.push([instants[i]]);
      lo = Infinity;
      hi = 0;
    } else if (cur.length > 1 && g * ratio < hi) {
      // A gap far shorter than this stretch's longest: a finer stretch starts at the instant
      // before it, and the gap before that instant (long next to this one) is the break.
      const start = cur.pop()!;
      out.push([start, instants[i]]);
      lo = hi = g;
    } else {
      cur.push(instants[i]);
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
  }
  return out;
}

export function laneScale(times: readonly number[], x0: number, x1: number, opts: LaneScaleOptions = {}): LaneScale {
  const { ratio = 50, breakWidth = 18, minGap = 52 } = opts;
  const instants = [...new Set(times)].sort((a, b) => a - b);
  const parts = stretches(instants, ratio);
  const nb = Math.max(0, parts.length - 1);
  const scaled = parts.filter((p) => p.length > 1).length;
  // Each stretch that spans time gets an equal share of what the breaks leave.
  const bw = nb === 0 ? 0 : scaled === 0 ? (x1 - x0) / nb : Math.min(breakWidth, (x1 - x0) / (4 * nb));
  const share = scaled === 0 ? 0 : (x1 - x0 - nb * bw) / scaled;
  // Knots: (time, x) pairs; x(t) interpolates between them.
  const kt: number[] = [];
  const kx: number[] = [];
  let at = x0;
  parts.forEach((p, j) => {
    if (j > 0) at += bw;
    const span = p[p.length - 1] - p[0];
    for (const t of p) {
      kt.push(t);
      kx.push(p.length > 1 ? at + (share * (t - p[0])) / span : at);
    }
    if (p.length > 1) at += share;
  });
  const x = (t: number): number => {
    if (kt.length === 0 || t <= kt[0]) return x0;
    if (t >= kt[kt.length - 1]) return kx[kx.length - 1];
    let lo = 0;
    let hi = kt.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (kt[mid] <= t) lo = mid;
      else hi = mid;
    }
    return kx[lo] + ((kx[hi] - kx[lo]) * (t - kt[lo])) / (kt[hi] - kt[lo]);
  };
  const breaks: AxisBreak[] = [];
  for (let j = 1; j < parts.length; j++) {
    const from = parts[j - 1][parts[j - 1].length - 1];
    const to = parts[j][0];
    breaks.push({ from, to, x0: x(from), x1: x(to) });
  }
  return { x, ticks: pickTicks(parts, x, minGap), breaks };
}

/** Each stretch's ends first (the last instant wins a collision), then inner instants where they have room. */
function pickTicks(parts: readonly number[][], x: (t: number) => number, minGap: number): number[] {
  const all = parts.flat();
  if (all.length === 0) return [];
  const last = all[all.length - 1];
  const ends: number[] = [];
  for (const p of parts) for (const t of p.length > 1 ? [p[0], p[p.length - 1]] : [p[0]]) ends.push(t);
  const kept: number[] = [];
  for (const t of ends) if (t !== last && (kept.length === 0 || x(t) - x(kept[kept.length - 1]) >= minGap)) kept.push(t);
  while (kept.length && x(last) - x(kept[kept.length - 1]) < minGap) kept.pop();
  kept.push(last);
  const fits = (t: number) => kept.every((k) => Math.abs(x(k) - x(t)) >= minGap);
  for (const t of all) if (!kept.includes(t) && fits(t)) kept.push(t);
  return kept.sort((a, b) => a - b);
}
