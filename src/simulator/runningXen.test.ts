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
    expect(r.rows.find((x) => x.key === "xen_extra")).toMatchObject({ now: "(Xen would crash here: page fault)", changed: false, noValue: true, differs: true, crashes: true });
    const down = runningXen(boot, [rec(0, xl("x", true))], 3)!;
    expect(down.hostDown).toBe(true);
    expect(down.rows.every((x) => x.noValue && !x.changed)).toBe(true);
  });

  // QA s28 #7: after dup_same's load/revert/unload the rows predicted a crash while the summary said "as at boot".
  it("the summary is read from the rows: never as at boot while a row would crash or lost its value", () => {
    const fault = "FATAL PAGE FAULT\n[error_code=0010]\nFaulting linear address: ffff82d040600000";
    const crashed: XlInfo = {
      hostDown: false,
      fields: [
        { key: "xen_major", value: "4", outcome: "returned", fns: ["xen_major_version"] },
        { key: "xen_extra", value: null, outcome: "crashed", fns: ["xen_extra_version"], detail: fault },
        { key: "xen_changeset", value: null, outcome: "not-reached", fns: ["xen_changeset"], detail: "the host went down earlier in this command" },
      ],
    };
    const bootAll: XlInfo = { hostDown: false, fields: [...boot.fields, { key: "xen_changeset", value: "git:c447b7308b", outcome: "returned", fns: ["xen_changeset"] }] };
    const r = runningXen(bootAll, [rec(0, crashed)], 3)!;
    expect(r.rows.map((x) => [x.key, x.now])).toEqual([
      ["xen_major", "4"],
      ["xen_extra", "(Xen would crash here: FATAL PAGE FAULT / [error_code=0010] / Faulting linear address: ffff82d040600000)"],
      ["xen_changeset", "(not reached: Xen would already have crashed at xen_extra)"],
    ]);
    expect(r.rows.some((x) => x.now.includes("not-reached"))).toBe(false);
    expect(r.summary).toMatchObject({ kind: "differs", crash: { key: "xen_extra", detail: "FATAL PAGE FAULT" } });
    expect(r.summary.kind === "differs" && r.summary.rows.map((x) => x.key)).toEqual(["xen_extra", "xen_changeset"]);
    // A value lost to an unknown outcome differs too; the same answer at both ends does not.
    const unknown: XlInfo = { hostDown: false, fields: [boot.fields[0], { key: "xen_extra", value: null, outcome: "unknown", fns: ["xen_extra_version"], detail: "unsupported instruction 'lret'" }] };
    const u = runningXen(boot, [rec(0, unknown)], 3)!;
    expect(u.rows[1].now).toBe("(outcome unknown: unsupported instruction 'lret')");
    expect(u.summary).toMatchObject({ kind: "differs", crash: null });
    expect(runningXen(boot, [rec(0, xl("-unstable"))], 3)!.summary).toEqual({ kind: "as-at-boot" });
    expect(runningXen(boot, [rec(0, xl("x", true))], 3)!.summary).toEqual({ kind: "down" });
  });

  it("no boot answer, no panel", () => {
    expect(runningXen(null, records, 6)).toBeNull();
  });

  it("inside an input (begun, not done) the answer is from before it, and names it", () => {
    // Items: record 0 is 0 (input), 1, 2 (events), ends at 3; record 1 is 3, 4, 5, ends at 6.
    const two = [rec(0, xl("Hello World")), { ...rec(2, xl(null)), input: { kind: "console" as const, line: "replace rep", via: "console" as const } }];
    const at = (c: number) => runningXen(boot, two, c)!;
    // Cursor 3: record 0 done, record 1 not begun: no input under way.
    expect(at(3)).toMatchObject({ after: 0, during: null });
    // Cursor 4 and 5: the input item of record 1 (and one event) played: under way, the answer still record 0's.
    for (const c of [4, 5]) {
      expect(at(c)).toMatchObject({ after: 0, during: { input: 1, text: "replace rep" } });
      expect(at(c).rows.find((x) => x.key === "xen_extra")!.now).toBe("Hello World");
    }
    // Cursor 6: done, its own answer.
    expect(at(6)).toMatchObject({ after: 1, during: null, summary: { kind: "differs", crash: { key: "xen_extra" } } });
    // Cursor 1 and 2: inside record 0, before any input is done: the boot's answer.
    expect(at(1)).toMatchObject({ after: -1, during: { input: 0, text: "x" } });
    expect(at(0).during).toBeNull();
  });
});
