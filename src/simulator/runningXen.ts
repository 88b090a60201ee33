// The Running Xen panel's rows: `xl info` at boot beside `xl info` once the last input before the
// cursor was done, so scrubbing the timeline shows what the host answered at that point. The "now"
// answer is a quiet look (nothing is logged, every byte is put back), so a field whose code crashes
// is what `xl info` *would* do: Xen would go down there, and xl would get no later field.
// The one-line summary (memory card, panel heading) is derived from these same rows.
// `xl info` is asked when an input is done, so with the cursor inside an input (its events part
// played: the memory card already shows what it wrote) the answer is the one from before it, and
// `during` names that input, so the panels say which moment their answer is from (QA s30 #9).
import type { XlInfo, XlInfoField, XlInfoKey } from "../protocol/hypervisor.ts";
import { inputText, recordEnds, type InputRecord } from "./types.ts";

export interface XlRow {
  key: XlInfoKey;
  before: string;
  now: string;
  /** The code gave a value at both ends and they differ. */
  changed: boolean;
  /** The value is not the code's answer (missing function, crash, unknown outcome). */
  noValue: boolean;
  /** What the row shows now is not what it showed at boot (a changed value, or a value lost or gained). */
  differs: boolean;
  /** The field's code would crash Xen now (and did not at boot). */
  crashes: boolean;
}

/** What the rows say in one line: never "as at boot" while one of them differs from its boot answer. */
export type XlSummary =
  | { kind: "as-at-boot" }
  | { kind: "down" }
  /** `crash`: the first field whose code would crash Xen now, with the fault's first line. */
  | { kind: "differs"; rows: XlRow[]; crash: { key: XlInfoKey; detail: string } | null };

export interface RunningXen {
  rows: XlRow[];
  /** Index of the input whose `xl info` "now" is, or -1 for the boot. */
  after: number;
  /** The input under way at the cursor (begun, not done): "now" is the answer from before it. */
  during: { input: number; text: string } | null;
  hostDown: boolean;
  summary: XlSummary;
}

/** A crash's message on one line, as the console's `torn` prints it. */
const oneLine = (s: string | undefined) => (s ?? "").split("\n").filter(Boolean).join(" / ");

/**
 * A field without a value, in words (the wasm's outcome tokens are not shown): a crash is what
 * `xl info` would run into now, and the fields after it are never asked, as xl gets no answer once
 * Xen is down (the console says "Xen crashed answering the version hypercalls").
 */
export function fieldText(f: XlInfoField | undefined, firstCrash: XlInfoKey | null): string {
  if (!f) return "";
  if (f.value !== null) return f.value;
  switch (f.outcome) {
    case "crashed":
      return `(Xen would crash here: ${oneLine(f.detail)})`;
    case "not-reached":
      return firstCrash ? `(not reached: Xen would already have crashed at ${firstCrash})` : "(not reached: the host would be down by then)";
    case "unknown":
      return `(outcome unknown${f.detail ? `: ${f.detail}` : ""})`;
    case "missing":
      return `(no value: ${f.detail ?? "the image lacks the function"})`;
    default:
      return `(no value${f.detail ? `: ${f.detail}` : ""})`;
  }
}

const firstCrashOf = (xl: XlInfo) => xl.fields.find((f) => f.outcome === "crashed") ?? null;

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
  const j = ends.findIndex((e) => e > cursor);
  const during = j >= 0 && (j > 0 ? ends[j - 1] : 0) < cursor ? { input: j, text: inputText(records[j].input) } : null;
  const nowByKey = new Map(now.fields.map((f) => [f.key, f]));
  const bootCrash = firstCrashOf(bootXl);
  const nowCrash = firstCrashOf(now);
  const rows = bootXl.fields.map((b): XlRow => {
    const n = nowByKey.get(b.key);
    const before = fieldText(b, bootCrash?.key ?? null);
    const shown = now.hostDown ? "(no answer: the host is down)" : fieldText(n, nowCrash?.key ?? null);
    return {
      key: b.key,
      before,
      now: shown,
      changed: !now.hostDown && b.value !== null && n?.value != null && n.value !== b.value,
      noValue: now.hostDown || n?.value == null,
      differs: !now.hostDown && shown !== before,
      crashes: !now.hostDown && n?.outcome === "crashed" && b.outcome !== "crashed",
    };
  });
  const differing = rows.filter((r) => r.differs);
  const crashRow = rows.find((r) => r.crashes);
  const summary: XlSummary = now.hostDown
    ? { kind: "down" }
    : differing.length === 0
      ? { kind: "as-at-boot" }
      : { kind: "differs", rows: differing, crash: crashRow ? { key: crashRow.key, detail: oneLine(nowByKey.get(crashRow.key)?.detail).split(" / ")[0] } : null };
  return { rows, after, during, hostDown: now.hostDown, summary };
}
