// The simulator's views at the cursor (snapshot, rendezvous, memory windows, where the payloads
// are), carried forward as the cursor moves on: a playback step folds only the items it passes
// into the state it carried, with the same steps the from-scratch derivations use (applyEvent,
// readRendezvous, replayWrite, placeEvent),
// so a 2,000-function APPLY no longer re-reads its whole timeline at each of its ~50 redraws. A
// cursor moving back, a new timeline, other windows or another CPU count start again from item 0.
// Every view handed out is a copy: carrying on never changes one a caller holds.
import { applyEvent, cloneSnapshot, deriveSnapshot, emptySnapshot, type SimSnapshot } from "./derive.ts";
import { deriveRendezvous, readRendezvous, rendezvousStart, rendezvousView, scheduledAt, startRendezvous, type RendezvousReading, type RendezvousView } from "./rendezvous.ts";
import {
  clonePayloadMemory,
  emptyPayloadMemory,
  placeEvent,
  replayView,
  replayWrite,
  startReplay,
  toWrite,
  windowSpan,
  windowsAt,
  windowsReached,
  writesUpTo,
  type PayloadMemory,
  type WindowAtCursor,
  type WindowReplay,
} from "./memory.ts";
import type { MemoryWindow, TimelineItem } from "./types.ts";

export interface CursorViews {
  snap: SimSnapshot;
  rv: RendezvousView | null;
  /** The windows some write has reached by the cursor, in address order. */
  windows: WindowAtCursor[];
  /** Where the uploaded payloads are and what UNLOAD freed (the memory card names addresses by it). */
  memory: PayloadMemory;
}

/** The views from scratch: every item up to the cursor read again. */
export function deriveCursorViews(items: readonly TimelineItem[], cursor: number, bootCpus: number, windows: readonly MemoryWindow[]): CursorViews {
  const snap = deriveSnapshot(items, cursor, bootCpus);
  const memory = emptyPayloadMemory();
  for (const it of items.slice(0, Math.max(0, cursor))) if (it.type === "event") placeEvent(memory, it.event);
  return {
    snap,
    rv: deriveRendezvous(items, cursor, snap.cpus),
    windows: windowsAt(windows, writesUpTo(items, cursor)).filter((w) => w.last !== null),
    memory,
  };
}

interface Carried {
  items: readonly TimelineItem[];
  bootCpus: number;
  windows: readonly MemoryWindow[];
  /** Items [0, cursor) are folded in. */
  cursor: number;
  snap: SimSnapshot;
  /** The rendezvous being read (the last `scheduled` before the cursor), if any. */
  rv: RendezvousReading | null;
  span: bigint;
  /** Per window (same index), its replay once a write has reached it. */
  replays: (WindowReplay | null)[];
  /** Per window, the view handed out last; null when a write reached it since. */
  shown: (WindowAtCursor | null)[];
  memory: PayloadMemory;
  /** The last views handed out, and whether anything changed since. */
  out: CursorViews | null;
  snapDirty: boolean;
  rvDirty: boolean;
  windowsDirty: boolean;
  memoryDirty: boolean;
}

function start(items: readonly TimelineItem[], bootCpus: number, windows: readonly MemoryWindow[]): Carried {
  return {
    items,
    bootCpus,
    windows,
    cursor: 0,
    snap: emptySnapshot(bootCpus),
    rv: null,
    span: windowSpan(windows),
    replays: windows.map(() => null),
    shown: windows.map(() => null),
    memory: emptyPayloadMemory(),
    out: null,
    snapDirty: true,
    rvDirty: true,
    windowsDirty: true,
    memoryDirty: true,
  };
}

/** Folds items [c.cursor, to) into the carried state. */
function foldTo(c: Carried, to: number): void {
  const { items, windows } = c;
  for (let i = c.cursor; i < to; i++) {
    const it = items[i];
    const first = scheduledAt(it);
    if (first) {
      // Lanes 0..cpus-1 are drawn from the start; the count is checked against the cursor's below.
      c.rv = startRendezvous(first, c.snap.cpus);
      c.rvDirty = true;
    } else if (c.rv && !c.rv.stopped) {
      readRendezvous(c.rv, it);
      c.rvDirty = true;
    }
    if (it.type !== "event") continue;
    applyEvent(c.snap, it.event);
    c.snapDirty = true;
    if (placeEvent(c.memory, it.event)) c.memoryDirty = true;
    const w = toWrite(it.event);
    if (!w) continue;
    for (const k of windowsReached(windows, c.span, w)) {
      const r = (c.replays[k] ??= startReplay(windows[k]));
      replayWrite(r, w);
      c.shown[k] = null;
      c.windowsDirty = true;
    }
  }
  c.cursor = to;
}

/**
 * A deriver of the cursor's views that remembers where it was: `at()` equals
 * deriveCursorViews() for the same arguments, and costs what changed since its last call when the
 * cursor moved forward over the same timeline. Views that did not change are the same objects as
 * last time (the whole result too, when nothing changed), so memoised views keep them.
 */
export function cursorDeriver(): { at(items: readonly TimelineItem[], cursor: number, bootCpus: number, windows: readonly MemoryWindow[]): CursorViews } {
  let c: Carried | null = null;
  return {
    at(items, cursor, bootCpus, windows) {
      const to = Math.max(0, Math.min(cursor, items.length));
      if (!c || c.items !== items || c.bootCpus !== bootCpus || c.windows !== windows || to < c.cursor) c = start(items, bootCpus, windows);
      foldTo(c, to);
      // The rendezvous's first lanes follow the CPUs online at the cursor: when those changed
      // since it was scheduled, read it again from its start.
      if (c.rv && c.rv.cpus !== c.snap.cpus) {
        const from = rendezvousStart(items, to);
        c.rv = startRendezvous(scheduledAt(items[from])!, c.snap.cpus);
        for (let i = from + 1; i < to && !c.rv.stopped; i++) readRendezvous(c.rv, items[i]);
        c.rvDirty = true;
      }
      const prev = c.out;
      if (prev && !c.snapDirty && !c.rvDirty && !c.windowsDirty && !c.memoryDirty) return prev;
      const snap = !prev || c.snapDirty ? cloneSnapshot(c.snap) : prev.snap;
      const rv = !prev || c.rvDirty ? (c.rv && rendezvousView(c.rv)) : prev.rv;
      let shownWindows = prev?.windows ?? [];
      if (!prev || c.windowsDirty) {
        shownWindows = [];
        c.replays.forEach((r, k) => {
          if (r) shownWindows.push((c!.shown[k] ??= replayView(r)));
        });
      }
      const memory = !prev || c.memoryDirty ? clonePayloadMemory(c.memory) : prev.memory;
      c.snapDirty = c.rvDirty = c.windowsDirty = c.memoryDirty = false;
      c.out = { snap, rv, windows: shownWindows, memory };
      return c.out;
    },
  };
}
