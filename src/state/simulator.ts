// The simulator page's slice: the session's data as plain arrays (records, events, the timeline
// the cursor walks, memory windows), the cursor and its playback, the selected payload and the
// knobs. A separate store from the inspector's: nothing here is per file.
import { create } from "zustand";
import type { LoggedEvent } from "../protocol/events.ts";
import type { InputRecord, MemoryWindow, PayloadInfo, TimelineItem } from "../simulator/types.ts";

export type SimStatus = "off" | "booting" | "ready" | "busy" | "error";

export interface SimMessage {
  level: "error" | "warning" | "info";
  text: string;
}

export interface SimState {
  /** The simulator page is showing instead of the inspector. */
  open: boolean;
  status: SimStatus;
  message: SimMessage | null;
  image: { name: string; fileId: string; arch: string } | null;
  bootCpus: number;
  records: InputRecord[];
  events: LoggedEvent[];
  items: TimelineItem[];
  windows: MemoryWindow[];
  payloads: Record<string, PayloadInfo>;
  /** `items[0..cursor)` have happened in every view. */
  cursor: number;
  playing: boolean;
  /** Timeline items per second at 1×. */
  speed: number;
  selected: string | null;
  /** ACTION timeout the buttons ask for, ms (xen-livepatch always uses 30). */
  timeoutMs: number;
  history: string[];
}

export const SPEEDS = [0.5, 1, 2, 4, 16] as const;

export const initialSimState: SimState = {
  open: false,
  status: "off",
  message: null,
  image: null,
  bootCpus: 4,
  records: [],
  events: [],
  items: [],
  windows: [],
  payloads: {},
  cursor: 0,
  playing: false,
  speed: 1,
  selected: null,
  timeoutMs: 30,
  history: [],
};

export const useSim = create<SimState>()(() => ({ ...initialSimState }));
