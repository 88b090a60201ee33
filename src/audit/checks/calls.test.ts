// The crash the audit reports after APPLY is one the unpatched host did not have.
import { describe, expect, it } from "vitest";
import type { XlInfo } from "../../protocol/hypervisor.ts";
import { describeCallCrash, newCallCrash } from "./calls.ts";

const ok: XlInfo = { hostDown: false, fields: [{ key: "xen_minor", value: "23", outcome: "returned", fns: ["xen_major_version", "xen_minor_version"] }] };
const crashed: XlInfo = {
  hostDown: false,
  fields: [
    { key: "xen_major", value: null, outcome: "crashed", fns: ["xen_major_version", "xen_minor_version"], detail: "FATAL PAGE FAULT\n[error_code=0002]\nFaulting linear address: 0000000000000000" },
    { key: "xen_extra", value: null, outcome: "not-reached", fns: ["xen_extra_version"] },
  ],
};
const minor = { index: 0, name: "xen_minor_version", fn: "xen_minor_version" };
const extra = { index: 1, name: "xen_extra_version", fn: "xen_extra_version" };

describe("calls after APPLY", () => {
  it("a crash the unpatched host did not have, naming the patched function the crashing call ran", () => {
    const c = newCallCrash(ok, crashed, [minor, extra]);
    expect(c).toEqual({ key: "xen_major", fns: ["xen_major_version", "xen_minor_version"], detail: crashed.fields[0].detail, patched: [minor] });
    expect(describeCallCrash(c!, "APPLY")).toBe(
      'after APPLY, the audit called the patched xen_minor_version as xl info does: XENVER_version runs xen_major_version, xen_minor_version, and the host crashes with "FATAL PAGE FAULT / [error_code=0002] / Faulting linear address: 0000000000000000"; on a real host the first xl info after APPLY takes the machine down',
    );
  });

  it("nothing when nothing crashed, or when the calls before already crashed (not this payload's doing)", () => {
    expect(newCallCrash(ok, ok, [minor])).toBeNull();
    expect(newCallCrash(crashed, crashed, [minor])).toBeNull();
  });
});
