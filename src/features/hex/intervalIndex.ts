// Which structure does a byte belong to? A per-level sorted interval index over the model's byte
// ranges. Tables are one interval each with a record stride, so a million relocations cost one
// entry and the record under a byte is found by arithmetic.
import type { NavTarget } from "../../state/nav.ts";
import { drain } from "../../protocol/wire.ts";

export type { NavTarget };

export interface Interval {
  start: number;
  /** Record size; the interval is `count` records of `stride` bytes. */
  stride: number;
  count: number;
  /** 0 = file-level structure (header, section data), 1 = records inside, 2 = fields. */
  level: number;
  kind: string;
  label(record: number): string;
  target(record: number): NavTarget | null;
}

export interface Hit {
  interval: Interval;
  record: number;
  offset: number;
  size: number;
}

interface Level {
  items: Interval[];
  ends: Float64Array;
  /** prefixMaxEnd[i] = max end of items[0..i]; bounds the backward walk for nested/overlapping items. */
  prefixMaxEnd: Float64Array;
}

const WALK_LIMIT = 512;
/** Items per slice while building: a real hypervisor link object has ten thousand sections. */
const STEP = 2000;

/**
 * Stable order by start. A comparator sort over ten thousand objects held the page for tens of
 * milliseconds; a native numeric sort of (start, position) keys does the same in about one.
 */
function* byStart(list: Interval[]): Generator<void, Interval[]> {
  const n = list.length;
  // start * 2^21 + position is exact below 2^53 when start < 2^32 and n < 2^21.
  if (n >= 1 << 21 || list.some((iv) => !(iv.start >= 0 && iv.start < 2 ** 32))) return list.sort((a, b) => a.start - b.start);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = list[i].start * 2 ** 21 + i;
  yield;
  keys.sort();
  yield;
  const out: Interval[] = new Array<Interval>(n);
  for (let i = 0; i < n; i++) {
    if (i % STEP === STEP - 1) yield;
    out[i] = list[keys[i] % 2 ** 21];
  }
  return out;
}

function* buildLevels(intervals: Interval[]): Generator<void, Level[]> {
  const byLevel = new Map<number, Interval[]>();
  for (let i = 0; i < intervals.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const iv = intervals[i];
    if (iv.count <= 0 || iv.stride <= 0) continue;
    let list = byLevel.get(iv.level);
    if (!list) byLevel.set(iv.level, (list = []));
    list.push(iv);
  }
  const levels: Level[] = [];
  for (const level of [...byLevel.keys()].sort((a, b) => b - a)) {
    yield;
    const items = yield* byStart(byLevel.get(level)!);
    const ends = new Float64Array(items.length);
    const prefixMaxEnd = new Float64Array(items.length);
    let max = -1;
    for (let i = 0; i < items.length; i++) {
      if (i % STEP === STEP - 1) yield;
      const iv = items[i];
      ends[i] = iv.start + iv.stride * iv.count;
      prefixMaxEnd[i] = max = Math.max(max, ends[i]);
    }
    levels.push({ items, ends, prefixMaxEnd });
  }
  return levels;
}

export class IntervalIndex {
  private constructor(private readonly levels: Level[]) {}

  /** Builds the index in one go (tests, tools). */
  static of(intervals: Interval[]): IntervalIndex {
    return drain(IntervalIndex.build(intervals));
  }

  /** Builds the index, yielding between bounded steps: run it with `runSliced` on the page. */
  static *build(intervals: Interval[]): Generator<void, IntervalIndex> {
    return new IntervalIndex(yield* buildLevels(intervals));
  }

  private static lastStartAtOrBefore(items: Interval[], offset: number): number {
    let lo = 0;
    let hi = items.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid].start <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The most specific structure containing `offset` (deepest level, then smallest record). */
  at(offset: number): Hit | null {
    for (const { items, ends, prefixMaxEnd } of this.levels) {
      let best: Hit | null = null;
      for (let j = IntervalIndex.lastStartAtOrBefore(items, offset), steps = 0; j >= 0 && prefixMaxEnd[j] > offset && steps < WALK_LIMIT; j--, steps++) {
        const iv = items[j];
        if (offset >= ends[j]) continue;
        const record = Math.floor((offset - iv.start) / iv.stride);
        if (!best || iv.stride < best.size) best = { interval: iv, record, offset: iv.start + record * iv.stride, size: iv.stride };
      }
      if (best) return best;
    }
    return null;
  }

  /** Records overlapping [start, end), shallow levels first so deeper ones paint over them. */
  recordsIn(start: number, end: number, maxRecords = 4096): Hit[] {
    const out: Hit[] = [];
    for (const { items, ends, prefixMaxEnd } of [...this.levels].reverse()) {
      for (let j = IntervalIndex.lastStartAtOrBefore(items, end - 1), steps = 0; j >= 0 && prefixMaxEnd[j] > start && steps < WALK_LIMIT; j--, steps++) {
        const iv = items[j];
        if (ends[j] <= start) continue;
        const first = Math.max(0, Math.floor((start - iv.start) / iv.stride));
        const last = Math.min(iv.count - 1, Math.floor((end - 1 - iv.start) / iv.stride));
        for (let r = first; r <= last && out.length < maxRecords; r++) {
          out.push({ interval: iv, record: r, offset: iv.start + r * iv.stride, size: iv.stride });
        }
      }
    }
    return out;
  }
}
