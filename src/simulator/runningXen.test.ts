import { describe, expect, it } from "vitest";
import type { XlInfo } from "../protocol/hypervisor.ts";
import { runningXen } from "./runningXen.ts";
import type { InputRecord } from "./types.ts";

const xl = (extra: string | null, hostDown = false): XlInfo => ({
  hostDown,
  fields: [
    { key: "xen_major", value: "4", outcome: "returned", fns: ["xen_major_version"] },
    extra === null
      ? { key: "xen_extra", value: null, outcome: "crashed", fns: ["xen_extra_version"], detail: "page fault" }
      : { key: "xen_extra", value: extra, outcome: "returned", fns: ["xen_extra_version"] },
  ],
});

// Record i has 1 input item plus its events: with 2 events each, the records end at items 3 and 6.
const rec = (from: number, x: XlInfo | null): InputRecord => ({ input: { kind: "console", line: "x", via: "console" }, output: "", status: 0, eventsFrom: from, eventsTo: from + 2, xl: x });

describe("runningXen", () => {
  const boot = xl("-unstable");
  const records = [rec(0, xl("Hello World")), rec(2, xl("-unstable"))];

  it("before the first input is done, now is the boot's answer", () => {
    const r = runningXen(boot, records, 2)!;
    expect(r.after).toBe(-1);
    expect(r.rows.find((x) => x.key === "xen_extra")).toMatchObject({ before: "-unstable", now: "-unstable", changed: false });
  });

  it("once an input is done, its answer is now, and a changed field says so", () => {
    const r = runningXen(boot, records, 3)!;
    expect(r.after).toBe(0);
    expect(r.rows.find((x) => x.key === "xen_extra")).toMatchObject({ now: "Hello World", changed: true });
    expect(r.rows.find((x) => x.key === "xen_major")).toMatchObject({ now: "4", changed: false });
    expect(runningXen(boot, records, 6)!.rows.find((x) => x.key === "xen_extra")).toMatchObject({ now: "-unstable", changed: false });
  });

  it("a field the code could not answer is shown as its outcome, never as a change", () => {
    const r = runningXen(boot, [rec(0, xl(null))], 3)!;
    expect(r.rows.find((x) => x.key === "xen_extra")).toMatchObject({ now: "(crashed: page fault)", changed: false, noValue: true });
    const down = runningXen(boot, [rec(0, xl("x", true))], 3)!;
    expect(down.hostDown).toBe(true);
    expect(down.rows.every((x) => x.noValue && !x.changed)).toBe(true);
  });

  it("no boot answer, no panel", () => {
    expect(runningXen(null, records, 6)).toBeNull();
  });
});
