// Plays the timeline from one step's end to the next at the simulator's own pace (its beat per
// event kind), twice as brisk, because a scenario step is watched for its outcome. Under
// prefers-reduced-motion nothing plays: the cursor jumps.
import { beatMs } from "../simulator/timeline/usePlayback.ts";
import { useSim } from "../../state/simulator.ts";
import { useScenario } from "./scenarioStore.ts";

const BRISK = 2;
let timer: ReturnType<typeof setTimeout> | null = null;

export function stopAnimation(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (useScenario.getState().animating) useScenario.setState({ animating: false });
}

export function animateTo(target: number): void {
  stopAnimation();
  useScenario.setState({ animating: true });
  const tick = () => {
    const { cursor, items, speed } = useSim.getState();
    if (cursor >= target || cursor >= items.length) {
      timer = null;
      useScenario.setState({ animating: false });
      return;
    }
    useSim.setState({ cursor: cursor + 1, playing: false });
    timer = setTimeout(tick, beatMs(items[cursor]) / speed / BRISK);
  };
  tick();
}
