// The simulator's views derived at the cursor, for the presenter and embeds: snapshot, rendezvous
// lanes, memory windows and where the payloads are, console (the same derivation the simulator page uses).
import { useShallow } from "zustand/react/shallow";
import { useLens } from "../../state/store.ts";
import { useDerivedViews } from "../simulator/useDerivedViews.ts";

export function useSimViews() {
  const sim = useLens(
    useShallow(({ sim: s }) => ({
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
  const { snap, rv, windows, memory, entries } = useDerivedViews(sim);
  const names = [...snap.states.keys()];
  const focus = sim.selected && snap.states.has(sim.selected) ? sim.selected : sim.selected ?? snap.lastPayload ?? names[0] ?? null;
  return { sim, snap, rv, windows, memory, entries, focus };
}
