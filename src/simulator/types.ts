// The simulator page's data: what the user did (inputs), what the hypervisor reported (events),
// and the flat timeline the cursor walks. Plain data only, so d3 and React get copies of numbers
// and strings, never store objects.
import type { DependsTarget, LoggedEvent, XlInfo } from "../protocol/hypervisor.ts";
import { rawActionText } from "../console/index.ts";

export type ActionName = "UPLOAD" | "APPLY" | "REVERT" | "REPLACE" | "UNLOAD";
/** XEN_SYSCTL_LIVEPATCH_ACTION numbering. */
export const ACTION_CMD = { UNLOAD: 1, REVERT: 2, APPLY: 3, REPLACE: 4 } as const;
export type ActionCmdName = keyof typeof ACTION_CMD;

/**
 * One thing the user did. Everything the CLI can express is a console line (buttons and knobs
 * type the same command the user could have typed); only an action with a non-default timeout is
 * a raw hypercall, because xen-livepatch always asks for 30 ms.
 */
export type SimInput =
  | { kind: "console"; line: string; via: "console" | "button" | "knob" }
  | { kind: "action"; name: string; cmd: ActionCmdName; timeoutNs: number };

/** A payload as the simulator describes it (the parts the page uses). */
export interface PayloadInfo {
  name: string;
  funcs: { name: string; oldAddr: string; newAddr: string; oldSize: number; newSize: number }[];
  symbols: { name: string; addr: string; size: number }[];
  hooks: { kind: string; present: boolean }[];
}

/** What one input did: its console output and the range of events it produced. */
export interface InputRecord {
  input: SimInput;
  output: string;
  status: number;
  /** Events [eventsFrom, eventsTo) of the log belong to this input. */
  eventsFrom: number;
  eventsTo: number;
  /** `xl info` once this input was done (a quiet look; null when the backend cannot say). */
  xl?: XlInfo | null;
  /** Whom APPLY would check `.livepatch.depends` against once this input was done (null: cannot say). */
  depends?: DependsTarget | null;
}

/** A bytes window at a patched address, as it was before any livepatch write touched it. */
export interface MemoryWindow {
  addr: bigint;
  /** Original bytes of the window (every write to it undone). */
  base: Uint8Array;
  /**
   * The name of the livepatch_func record whose write opened the window (the first write's), empty
   * for a nameless one. Not necessarily where the window starts: a record named xen_extra_version may
   * give old_addr xen_extra_version+1. The card's title names the address itself (MemoryView).
   */
  func: string;
}

export type TimelineItem = { type: "input"; record: number } | { type: "event"; event: LoggedEvent };

/** The cursor walks this list; `items[0..cursor)` have happened. */
export function buildTimeline(records: readonly InputRecord[], events: readonly LoggedEvent[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  records.forEach((r, i) => {
    items.push({ type: "input", record: i });
    for (let s = r.eventsFrom; s < r.eventsTo && s < events.length; s++) items.push({ type: "event", event: events[s] });
  });
  return items;
}

/** Index just past each record's last item, so a cursor can snap to input boundaries. */
export function recordEnds(records: readonly InputRecord[]): number[] {
  const ends: number[] = [];
  let at = 0;
  for (const r of records) {
    at += 1 + (r.eventsTo - r.eventsFrom);
    ends.push(at);
  }
  return ends;
}

export function inputText(input: SimInput): string {
  if (input.kind === "console") return input.line;
  return rawActionText(input);
}

/** Whom APPLY would check `.livepatch.depends` against after the last input done before `cursor` (`boot` before any). */
export function dependsTargetAt(boot: DependsTarget | null, records: readonly InputRecord[], cursor: number): DependsTarget | null {
  const ends = recordEnds(records);
  let now = boot;
  for (let i = 0; i < records.length && ends[i] <= cursor; i++) if (records[i].depends !== undefined) now = records[i].depends ?? null;
  return now;
}
