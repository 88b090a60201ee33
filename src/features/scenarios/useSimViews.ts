// The simulator's views derived at the cursor, for the presenter and embeds (the simulator page
// derives the same from the same store): snapshot, rendezvous lanes, memory windows, console.
import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import { useSim } from "../../state/simulator.ts";
import { deriveSnapshot } from "../simulator/model/derive.ts";
import { deriveRendezvous } from "../simulator/model/rendezvous.ts";
import { windowAt, writesUpTo } from "../simulator/model/memory.ts";
import { recordEnds } from "../simulator/model/types.ts";
import type { ConsoleEntry } from "../simulator/console/ConsolePanel.tsx";
import { baseName, type Scenario } from "../../scenarios/index.ts";

/** The payload a scenario is first about, for the diagram before anything is loaded. */
export function firstPayload(s: Scenario): string | null {
  for (const st of s.steps) for (const h of st.highlight) if (h.kind === "payload" || h.kind === "field") return h.kind === "payload" ? h.name : h.payload;
  const p = s.payloads[0];
  return p ? baseName(p).replace(/\.[^.]*$/, "") : null;
}

export function useSimViews() {
  const sim = useSim(
    useShallow((s) => ({
      items: s.items,
      records: s.records,
      cursor: s.cursor,
      bootCpus: s.bootCpus,
      windows: s.windows,
      payloads: s.payloads,
      image: s.image,
      selected: s.selected,
      history: s.history,
      status: s.status,
    })),
  );
  const { items, cursor, records } = sim;
  const snap = useMemo(() => deriveSnapshot(items, cursor, sim.bootCpus), [items, cursor, sim.bootCpus]);
  const rv = useMemo(() => deriveRendezvous(items, cursor, snap.cpus), [items, cursor, snap.cpus]);
  const windows = useMemo(() => {
    const writes = writesUpTo(items, cursor);
    return sim.windows.map((w) => windowAt(w, writes)).filter((w) => w.last !== null);
  }, [items, cursor, sim.windows]);
  const entries = useMemo<ConsoleEntry[]>(() => {
    const ends = recordEnds(records);
    const out: ConsoleEntry[] = [];
    records.forEach((r, i) => {
      const start = ends[i] - 1 - (r.eventsTo - r.eventsFrom);
      if (start < cursor) out.push({ record: r, complete: cursor >= ends[i] });
    });
    return out;
  }, [records, cursor]);
  const names = [...snap.states.keys()];
  const focus = sim.selected && snap.states.has(sim.selected) ? sim.selected : sim.selected ?? snap.lastPayload ?? names[0] ?? null;
  return { sim, snap, rv, windows, entries, focus };
}
