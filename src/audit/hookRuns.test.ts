// What the audit says about when a hook runs, against Xen's livepatch_action(): a REPLACE is
// refused (−EOPNOTSUPP) when the replacing payload or any applied one has a pre/post apply or
// revert hook, so such a payload's load, unload and revert hooks never run as part of one.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, type AuditHost } from "./index.ts";
import { Patch, sample } from "./test-support/samples.ts";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function hookRuns(name: string, bytes: Uint8Array): Promise<string[]> {
  const r = await runAudit({ image: { file: "xen-syms", bytes: sample("x86_64/xen-syms") }, files: [{ file: name, bytes, role: "apply" }] }, host);
  return r.findings.filter((f) => f.id === "hook-runs").map((f) => f.message);
}

describe("hook-runs and REPLACE", () => {
  it("a revert action hook with no pre/post hooks runs when a later payload REPLACEs this one", async () => {
    const texts = await hookRuns("xen_action_hooks.livepatch", sample("x86_64/xen_action_hooks.livepatch"));
    expect(texts.find((t) => t.startsWith("revert hook"))).toContain("REVERT, and when a later payload REPLACEs this one");
  });

  it("with a pre/post hook, no hook is said to run in a REPLACE", async () => {
    // xen_prepost_hooks with its postapply hook section renamed to an unload one: an unload hook
    // beside preapply, prerevert and postrevert hooks.
    const p = new Patch(sample("x86_64/xen_prepost_hooks.livepatch")).rename(".livepatch.hooks.postapply", ".livepatch.hooks.unload");
    const texts = await hookRuns("xen_prepost_hooks.livepatch", p.bytes);
    const unload = texts.find((t) => t.startsWith("unload hook"));
    expect(unload).toContain("never in a REPLACE, which Xen refuses for a payload with pre/post hooks");
    expect(unload).not.toContain("native REVERT and REPLACE");
  });

  it("a load hook with no pre/post hooks runs in the apply half of a REPLACE", async () => {
    const texts = await hookRuns("xen_hello_world.livepatch", sample("x86_64/xen_hello_world.livepatch"));
    expect(texts.find((t) => t.startsWith("load hook"))).toContain("native APPLY and the apply half of REPLACE");
  });
});

describe("a NULL single hook", () => {
  it("is skipped, as Xen's is_hook_enabled() skips it: no run, no veto", async () => {
    // xen_prepost_hooks with its pre-apply hook's relocation dropped: the one pointer stays 0.
    const p = new Patch(sample("x86_64/xen_prepost_hooks.livepatch")).shdr(".rela.livepatch.hooks.preapply", "size", 0);
    const texts = await hookRuns("preapply_null.livepatch", p.bytes);
    const pre = texts.filter((t) => t.startsWith("preapply hook"));
    expect(pre).toEqual(["preapply hook is NULL: Xen skips it (is_hook_enabled() in xen/common/livepatch.c), so nothing runs and nothing can veto"]);
    // The other hooks are still there and still said to run.
    expect(texts.find((t) => t.startsWith("prerevert hook"))).toContain("a non-zero return vetoes the REVERT");
  });
});
