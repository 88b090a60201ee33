// Plays the timeline: one item at a time, paced by what the item is (the CPU phases and the write
// get the longest beats), scaled by the speed. Input is never blocked: this is a timer, and every
// view reads the cursor from the store.
import { useEffect } from "react";
import { useSim } from "../../../state/simulator.ts";
import type { TimelineItem } from "../../../simulator/types.ts";

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

export function usePlayback(): void {
  const playing = useSim((s) => s.playing);
  const cursor = useSim((s) => s.cursor);
  const speed = useSim((s) => s.speed);
  const count = useSim((s) => s.items.length);
  useEffect(() => {
    if (!playing) return;
    if (cursor >= count) {
      useSim.setState({ playing: false });
      return;
    }
    const it = useSim.getState().items[cursor];
    const timer = setTimeout(() => {
      const s = useSim.getState();
      if (s.playing && s.cursor === cursor) useSim.setState({ cursor: Math.min(s.items.length, cursor + 1) });
    }, beatMs(it) / speed);
    return () => clearTimeout(timer);
  }, [playing, cursor, speed, count]);
}
