// Every simulator view is a function of the event log up to the cursor; this is the one place
// that derives them, for the simulator page, the presenter and embeds alike. Each user keeps its
// own deriver, which carries the views forward as the cursor plays on (simulator/cursorViews.ts).
import { useMemo, useState } from "react";
import { cursorDeriver } from "../../simulator/cursorViews.ts";
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
  const [deriver] = useState(cursorDeriver);
  const { snap, rv, windows, memory } = useMemo(() => deriver.at(items, cursor, bootCpus, memWindows), [deriver, items, cursor, bootCpus, memWindows]);
  const entries = useMemo<ConsoleEntry[]>(() => {
    const ends = recordEnds(records);
    const out: ConsoleEntry[] = [];
    records.forEach((r, i) => {
      const start = ends[i] - 1 - (r.eventsTo - r.eventsFrom);
      if (start < cursor) out.push({ record: r, complete: cursor >= ends[i] });
    });
    return out;
  }, [records, cursor]);
  return { snap, rv, windows, memory, entries };
}
