// The pace of playback: one timeline item at a time, the CPU phases and the write given the
// longest beats. The simulator page's player and a scenario's step animation share it.
import type { TimelineItem } from "../simulator/types.ts";

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
