// A REPLACE whose expectation check fails: xen/common/livepatch.c livepatch_do_action() has by then
// reverted every applied payload ("If expectations are not met the system is left in a completely
// UNPATCHED state!") and prints XENLOG_ERR LIVEPATCH "%s: SYSTEM MIGHT BE INSECURE: Replace action
// has been aborted after reverting ALL payloads!" (LIVEPATCH is "livepatch: "). Samples:
// xen_hello_world (has .bss, so not safe to re-apply) and xen_expectations_fail (expects DE AD C0 DE
// BA BE at xen_extra_version). Expected text by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { sample } from "./test-support/samples.ts";
import { runAudit, toJson, toMarkdown, toText, type AuditHost, type AuditResult, type PlanRole } from "./index.ts";

const X = "x86_64/xen-syms";
const HELLO = "x86_64/xen_hello_world.livepatch";
const FAIL = "x86_64/xen_expectations_fail.livepatch";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

const audit = (files: [string, PlanRole][]): Promise<AuditResult> =>
  runAudit({ image: { file: X, bytes: sample(X) }, files: files.map(([file, role]) => ({ file, bytes: sample(file), role })) }, host);

const UNPATCHED =
  'REPLACE of xen_expectations_fail failed after Xen had reverted xen_hello_world; the host is left unpatched: no payload is applied; Xen logs "livepatch: xen_expectations_fail: SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!"; xen_hello_world has writable data, so APPLY will not put it back until it is unloaded and uploaded again';

describe("a REPLACE that fails its expectation check", () => {
  it("says Xen already reverted the applied payload and left the host unpatched, in text, Markdown and JSON", async () => {
    const r = await audit([
      [HELLO, "applied"],
      [FAIL, "replace"],
    ]);
    expect(r.verdict).toBe("reject");
    const left = r.findings.filter((f) => f.id === "replace-left-unpatched");
    expect(left.map((f) => [f.file, f.severity, f.message])).toEqual([[FAIL, "error", UNPATCHED]]);
    expect(toText(r)).toContain(UNPATCHED);
    expect(toMarkdown(r)).toContain("SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!");
    expect(JSON.parse(toJson(r)).findings.some((f: { id: string; message: string }) => f.id === "replace-left-unpatched" && f.message === UNPATCHED)).toBe(true);
    // Xen does not refuse a REPLACE for its expectations: it aborts it after the reverts.
    const mismatch = r.findings.find((f) => f.id === "expect-mismatch");
    expect(mismatch?.why).not.toContain("refuses to apply");
    expect(mismatch?.why).toContain("only after it has reverted every applied payload");
    // Nothing is left applied, so there is nothing to roll back.
    expect(r.rollback).toMatchObject({ exercised: false, skipped: "the plan left no payload applied" });
  });

  it("as a plain APPLY it keeps the refusal's wording and has no such finding", async () => {
    const r = await audit([[FAIL, "apply"]]);
    expect(r.findings.find((f) => f.id === "expect-mismatch")?.why).toContain("Xen refuses to apply it");
    expect(r.findings.some((f) => f.id === "replace-left-unpatched")).toBe(false);
  });

  it("a REPLACE with nothing applied reverts nothing: no such finding", async () => {
    const r = await audit([[FAIL, "replace"]]);
    expect(r.findings.some((f) => f.id === "expect-mismatch")).toBe(true);
    expect(r.findings.some((f) => f.id === "replace-left-unpatched")).toBe(false);
  });
});
