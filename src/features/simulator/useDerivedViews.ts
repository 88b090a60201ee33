// Every simulator view is a function of the event log up to the cursor; this is the one place
// that derives them, for the simulator page, the presenter and embeds alike.
import { useMemo } from "react";
import { deriveSnapshot } from "../../simulator/derive.ts";
import { deriveRendezvous } from "../../simulator/rendezvous.ts";
import { windowsAt, writesUpTo } from "../../simulator/memory.ts";
import { recordEnds, type InputRecord, type MemoryWindow, type TimelineItem } from "../../simulator/types.ts";
import type { ConsoleEntry } from "./console/ConsolePanel.tsx";

export interface DerivedInputs {
  items: readonly TimelineItem[];
  records: readonly InputRecord[];
  cursor: number;
  bootCpus: number;
  windows: readonly MemoryWindow[];
}

export function useDerivedViews({ items, records, cursor, bootCpus, windows: memWindows }: DerivedInputs) {
  const snap = useMemo(() => deriveSnapshot(items, cursor, bootCpus), [items, cursor, bootCpus]);
  const rv = useMemo(() => deriveRendezvous(items, cursor, snap.cpus), [items, cursor, snap.cpus]);
  const windows = useMemo(() => {
    const writes = writesUpTo(items, cursor);
    return windowsAt(memWindows, writes).filter((w) => w.last !== null);
  }, [items, cursor, memWindows]);
  const entries = useMemo<ConsoleEntry[]>(() => {
    const ends = recordEnds(records);
    const out: ConsoleEntry[] = [];
    records.forEach((r, i) => {
      const start = ends[i] - 1 - (r.eventsTo - r.eventsFrom);
      if (start < cursor) out.push({ record: r, complete: cursor >= ends[i] });
    });
    return out;
  }, [records, cursor]);
  return { snap, rv, windows, entries };
}
