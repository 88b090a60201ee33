// The Running Xen panel's rows: `xl info` at boot beside `xl info` once the last input before the
// cursor was done, so scrubbing the timeline shows what the host answered at that point.
import type { XlInfo, XlInfoField, XlInfoKey } from "../protocol/hypervisor.ts";
import { recordEnds, type InputRecord } from "./types.ts";

export interface XlRow {
  key: XlInfoKey;
  before: string;
  now: string;
  /** The code gave a value at both ends and they differ. */
  changed: boolean;
  /** The value is not the code's answer (missing function, crash, unknown outcome). */
  noValue: boolean;
}

export interface RunningXen {
  rows: XlRow[];
  /** Index of the input whose `xl info` "now" is, or -1 for the boot. */
  after: number;
  hostDown: boolean;
}

function shown(f: XlInfoField | undefined): string {
  if (!f) return "";
  if (f.value !== null) return f.value;
  return `(${f.outcome}${f.detail ? `: ${f.detail}` : ""})`;
}

export function runningXen(bootXl: XlInfo | null, records: readonly InputRecord[], cursor: number): RunningXen | null {
  if (!bootXl) return null;
  const ends = recordEnds(records);
  let after = -1;
  let now = bootXl;
  for (let i = 0; i < records.length && ends[i] <= cursor; i++) {
    const xl = records[i].xl;
    if (xl) {
      now = xl;
      after = i;
    }
  }
  const nowByKey = new Map(now.fields.map((f) => [f.key, f]));
  const rows = bootXl.fields.map((b): XlRow => {
    const n = nowByKey.get(b.key);
    return {
      key: b.key,
      before: shown(b),
      now: now.hostDown ? "(no answer: the host is down)" : shown(n),
      changed: !now.hostDown && b.value !== null && n?.value != null && n.value !== b.value,
      noValue: now.hostDown || n?.value == null,
    };
  });
  return { rows, after, hostDown: now.hostDown };
}
