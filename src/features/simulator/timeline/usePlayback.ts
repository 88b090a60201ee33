// Plays the timeline: one item at a time at the simulator's pace (state/playback.ts), scaled by
// the speed, or briskly for a command the user just gave (several items a frame when their beats are shorter). Input is never blocked: this is a timer, and every view reads the cursor from the store.
// Beats run on the clock: each step knows when it was due, and a page slow to draw catches up.
import { useEffect, useRef } from "react";
import { useLens } from "../../../state/store.ts";
import { playbackStep } from "../../../state/playback.ts";

export function usePlayback(): void {
  const playing = useLens((s) => s.sim.playing);
  const cursor = useLens((s) => s.sim.cursor);
  const speed = useLens((s) => s.sim.speed);
  const count = useLens((s) => s.sim.items.length);
  const pace = useLens((s) => s.sim.pace);
  /** When the player's last step was due to be shown, and where it went. */
  const due = useRef<{ cursor: number; at: number } | null>(null);
  useEffect(() => {
    if (!playing) {
      due.current = null;
      return;
    }
    const { items, advancePlayback } = useLens.getState().sim;
    if (cursor >= count) return advancePlayback(cursor);
    const now = performance.now();
    // Late only when showing the player's own step (not after a click or a new timeline).
    const behind = due.current?.cursor === cursor ? now - due.current.at : 0;
    const { to, wait } = playbackStep(items, cursor, speed, pace, behind);
    const timer = setTimeout(() => {
      due.current = { cursor: to, at: now + wait };
      advancePlayback(cursor, to);
    }, wait);
    return () => clearTimeout(timer);
  }, [playing, cursor, speed, count, pace]);
}
