// The pace of playback: one timeline item at a time, the CPU phases and the write given the
// longest beats. The simulator page's player and a scenario's step animation share it. A command
// the user gives (console, button, knob) plays briskly instead: its result within about a second.
import type { TimelineItem } from "../simulator/types.ts";

export function beatMs(it: TimelineItem | undefined): number {
  if (!it) return 200;
  if (it.type === "input") return 260;
  switch (it.event.kind) {
    case "cpu-phase":
    case "rendezvous":
      return 320;
    case "write":
    case "state":
      return 520;
    case "hypercall":
    case "hypercall-return":
      return 260;
    default:
      return 140;
  }
}

/**
 * The most a wave of CPUs takes at the teaching pace, ms: the CPUs that check in to one phase (or
 * are released, or miss the deadline) one after another. Three CPUs' beats, what the other three
 * CPUs of a 4-CPU host take; with more CPUs each gets its share, so 63 check in within the same
 * second instead of 63 beats (20 s), every one still drawn in turn.
 */
export const WAVE_MS = 3 * 320;

/** The same kind of CPU event as `b` (both a CPU's check-in to one phase, say). */
function sameWave(a: TimelineItem | undefined, b: TimelineItem): boolean {
  return a?.type === "event" && b.type === "event" && a.event.kind === "cpu-phase" && b.event.kind === "cpu-phase" && a.event.phase === b.event.phase;
}

/**
 * Item `i`'s beat where it stands: its own (beatMs), or, in a wave of CPU events of one phase on
 * consecutive items, at most its share of WAVE_MS.
 */
export function beatAt(items: readonly TimelineItem[], i: number): number {
  const it = items[i];
  const beat = beatMs(it);
  if (it?.type !== "event" || it.event.kind !== "cpu-phase") return beat;
  let from = i;
  while (from > 0 && sameWave(items[from - 1], it)) from--;
  let to = i + 1;
  while (to < items.length && sameWave(items[to], it)) to++;
  return Math.min(beat, WAVE_MS / (to - from));
}

/** The longest a command the user gave takes to play out, ms. */
export const BRISK_MS = 800;

/** The beat cap (ms per item) that plays `items` timeline items within BRISK_MS. */
export function briskPace(items: number): number {
  return BRISK_MS / Math.max(1, items);
}

/** How long the player holds item `i`: its beat at `speed`, capped by a brisk pace when one is set. */
export function delayMs(items: readonly TimelineItem[], i: number, speed: number, pace: number | null): number {
  const beat = beatAt(items, i) / speed;
  return pace === null ? beat : Math.min(beat, pace);
}

/** The shortest hold the player schedules: about a frame. Shorter beats are taken together. */
export const FRAME_MS = 16;

/** The most a late player catches up in one step, ms: a page left in the background does not skip to the end. */
export const CATCH_UP_MS = 250;

/**
 * The player's next move from `cursor`: `delay` ms of beats after the last step was due, show
 * item `to` - 1's end (in `wait` ms from now). Items
 * whose beats are shorter than a frame (a brisk 2,000-function APPLY: 800 ms over 2,035 items) are
 * taken together, so the page redraws once a frame instead of once per item, which kept it busy
 * for over a minute. `behind`: how late the player is (ms past when this step was due, the time
 * the page took to draw the last one); that much more is taken, and held that much less, so a
 * page that draws slower than a frame still plays on the clock (a brisk command within BRISK_MS)
 * instead of stretching every beat by its drawing time.
 */
export function playbackStep(items: readonly TimelineItem[], cursor: number, speed: number, pace: number | null, behind = 0): { to: number; delay: number; wait: number } {
  const late = Math.max(0, behind);
  let to = cursor;
  let delay = 0;
  do delay += delayMs(items, to++, speed, pace);
  while (delay < FRAME_MS + Math.min(late, CATCH_UP_MS) && to < items.length);
  return { to, delay, wait: Math.max(0, delay - late) };
}
