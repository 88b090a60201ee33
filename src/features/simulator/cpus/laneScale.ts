// The time axis of the CPU lanes. A rendezvous spends milliseconds gathering CPUs and then does
// the IRQ phase, the patching and the release in the same simulated instant; on a linear axis
// those are invisible. So the axis runs over the rendezvous's events in order: the gap between
// two events grows with the time between them but never shrinks below a minimum share (a smaller
// one for events at the same instant), and the ticks state the real times.

export interface LaneScale {
  /** x of the i-th moment. */
  at(i: number): number;
  /** Indices of moments worth a tick (where the clock moved), at least `minGap` px apart, the last
   *  such moment always among them when it has room. */
  ticks: number[];
}

export function laneScale(moments: readonly number[], x0: number, x1: number, opts: { minShare?: number; sameShare?: number; minGap?: number } = {}): LaneScale {
  const { minShare = 0.05, sameShare = 0.025, minGap = 52 } = opts;
  const n = moments.length;
  if (n < 2) return { at: () => x0, ticks: n ? [0] : [] };
  const total = Math.max(1, moments[n - 1] - moments[0]);
  const weights = [0];
  for (let i = 1; i < n; i++) {
    const dt = moments[i] - moments[i - 1];
    weights.push(dt > 0 ? Math.max(dt / total, minShare) : sameShare);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const pos: number[] = [];
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += weights[i];
    pos.push(x0 + ((x1 - x0) * acc) / sum);
  }
  const ticks: number[] = [];
  let lastMoved = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && moments[i] === moments[i - 1]) continue;
    lastMoved = i;
    if (ticks.length && pos[i] - pos[ticks[ticks.length - 1]] < minGap) continue;
    ticks.push(i);
  }
  // The latest time is the one people read (where the rendezvous ended): keep its tick, and drop
  // the ticks before it that would collide with it rather than it.
  if (ticks[ticks.length - 1] !== lastMoved) {
    while (ticks.length > 1 && pos[lastMoved] - pos[ticks[ticks.length - 1]] < minGap) ticks.pop();
    if (pos[lastMoved] - pos[ticks[ticks.length - 1]] >= minGap) ticks.push(lastMoved);
  }
  return { at: (i) => pos[Math.max(0, Math.min(n - 1, i))], ticks };
}
