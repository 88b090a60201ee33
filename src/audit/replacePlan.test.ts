// A REPLACE holds no two payloads applied at once: Xen reverts every applied payload, newest first,
// before it applies the replacing one (xen/common/livepatch.c: livepatch_do_action(), the REPLACE
// case's list_for_each_entry_safe_reverse over applied_list, then apply_payload()). So the plan's
// earlier payloads end CHECKED, and "cannot be reverted before this one (−EBUSY)" (REVERT's "Top
// is" check in livepatch_action()) is true only of payloads the simulated Xen holds APPLIED together.
// Committed samples: xen_hello_world, xen_bye_world and xen_replace_world each patch
// xen_extra_version, xen_alternatives patches xen_major_version (readelf -x .livepatch.funcs and
// their .rela.livepatch.funcs name strings). Expected text by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { sample } from "./test-support/samples.ts";
import { runAudit, type AuditHost, type AuditResult, type PlanRole } from "./index.ts";

const X = "x86_64/xen-syms";
const HELLO = "x86_64/xen_hello_world.livepatch";
const BYE = "x86_64/xen_bye_world.livepatch";
const REPLACE = "x86_64/xen_replace_world.livepatch";
const ALT = "x86_64/xen_alternatives.livepatch";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

const audit = (files: [string, PlanRole][]): Promise<AuditResult> =>
  runAudit({ image: { file: X, bytes: sample(X) }, files: files.map(([file, role]) => ({ file, bytes: sample(file), role })) }, host);
const about = (r: AuditResult, ...ids: string[]) => r.findings.filter((f) => ids.includes(f.id)).map((f) => [f.file, f.id, f.message]);

const TWICE_BYE_OVER_HELLO = [BYE, "func-patched-twice", `xen_extra_version is also patched by ${HELLO}; applied after it, this payload's branch wins, and ${HELLO} cannot be reverted before this one (−EBUSY)`];
const reverts = (file: string) => [REPLACE, "replace-reverts", `the REPLACE first reverts ${file} (it stays loaded, as CHECKED): xen_extra_version then runs this payload's code, and reverting this payload later restores Xen's own code there, not that payload's`];

describe("patched twice: only payloads applied together", () => {
  it("APPLY hello then bye: bye's branch wins and hello cannot be reverted first", async () => {
    const r = await audit([[HELLO, "apply"], [BYE, "apply"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([TWICE_BYE_OVER_HELLO]);
    // Located at bye's (the later payload's) record, its old_addr field: readelf -S puts bye's
    // .livepatch.funcs at file offset 0xe0, and readelf -r relocates funcs[0]'s old_addr
    // (R_X86_64_64 xen_extra_version) at 0x10 in it: 0xf0, 8 bytes.
    expect(r.findings.find((f) => f.id === "func-patched-twice")).toMatchObject({ file: BYE, section: ".livepatch.funcs", offset: 0xf0, length: 8, func: { index: 0, name: "xen_extra_version" } });
  });

  it("hello, then REPLACE with replace_world: no −EBUSY claim; the REPLACE reverts hello first", async () => {
    const r = await audit([[HELLO, "apply"], [REPLACE, "replace"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([reverts(HELLO)]);
    expect(r.findings.find((f) => f.id === "replace-reverts")?.severity).toBe("info");
    expect(r.steps.map((s) => `${s.op} ${s.name} ${s.ret} ${s.state ?? ""}`)).toEqual(["upload xen_hello_world 0 ", "apply xen_hello_world 0 2", "upload xen_replace_world 0 ", "replace xen_replace_world 0 2"]);
  });

  it("hello, bye, then REPLACE: bye's warning stays (both applied), the REPLACE reverts bye, then hello", async () => {
    const r = await audit([[HELLO, "apply"], [BYE, "apply"], [REPLACE, "replace"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([TWICE_BYE_OVER_HELLO, reverts(BYE), reverts(HELLO)]);
  });

  it("already on the host: hello; REPLACE: the same", async () => {
    const r = await audit([[REPLACE, "replace"], [HELLO, "applied"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([reverts(HELLO)]);
  });

  it("a function the replacing payload does not patch goes back to Xen's own code", async () => {
    const r = await audit([[ALT, "apply"], [REPLACE, "replace"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([
      [REPLACE, "replace-reverts", `the REPLACE first reverts ${ALT} (it stays loaded, as CHECKED): xen_major_version, which this payload does not patch, runs Xen's own code again`],
    ]);
  });

  it("upload only: bye is never applied, so nothing is patched twice", async () => {
    const r = await audit([[HELLO, "apply"], [BYE, "upload"]]);
    expect(about(r, "func-patched-twice", "replace-reverts")).toEqual([]);
  });
});
