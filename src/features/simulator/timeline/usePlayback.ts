// Plays the timeline: one item at a time at the simulator's pace (state/playback.ts), scaled by
// the speed, or briskly for a command the user just gave (several items a frame when their beats are shorter). Input is never blocked: this is a timer, and every view reads the cursor from the store.
import { useEffect } from "react";
import { useLens } from "../../../state/store.ts";
import { playbackStep } from "../../../state/playback.ts";

export function usePlayback(): void {
  const playing = useLens((s) => s.sim.playing);
  const cursor = useLens((s) => s.sim.cursor);
  const speed = useLens((s) => s.sim.speed);
  const count = useLens((s) => s.sim.items.length);
  const pace = useLens((s) => s.sim.pace);
  useEffect(() => {
    if (!playing) return;
    const { items, advancePlayback } = useLens.getState().sim;
    if (cursor >= count) return advancePlayback(cursor);
    const { to, delay } = playbackStep(items, cursor, speed, pace);
    const timer = setTimeout(() => advancePlayback(cursor, to), delay);
    return () => clearTimeout(timer);
  }, [playing, cursor, speed, count, pace]);
}
