// The simulator's views derived at the cursor, for the presenter and embeds: snapshot, rendezvous
// lanes, memory windows, console (the same derivation the simulator page uses).
import { useShallow } from "zustand/react/shallow";
import { useSim } from "../../state/simulator.ts";
import { useDerivedViews } from "../simulator/useDerivedViews.ts";
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
  const { snap, rv, windows, entries } = useDerivedViews(sim);
  const names = [...snap.states.keys()];
  const focus = sim.selected && snap.states.has(sim.selected) ? sim.selected : sim.selected ?? snap.lastPayload ?? names[0] ?? null;
  return { sim, snap, rv, windows, entries, focus };
}
