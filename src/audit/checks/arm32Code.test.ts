// ARM32 code runs in the audit (the A32 interpreter): Xen's version functions for the calls after
// APPLY, and the hello payloads' hooks. Expected values by hand from objdump of the committed arm32
// samples and Xen's arm32 sources:
// - xen_hello_world is built with -mlong-calls (fixtures/Makefile): hello_world_load is
//   `movw r0; movt r0; movw r3; movt r3; bx r3`, printk's address from R_ARM_MOVW_ABS_NC/MOVT_ABS,
//   which Xen's perform_rel() fills exactly: the load hooks return and the audit accepts it.
// - xen_hello_world_oddbranch is the same source without it: hello_world_load is
//   `movw r0; movt r0; b printk`; Xen's perform_rel() for R_ARM_JUMP24 stores
//   ((S + A - P) >> 2) & 0x00FFFFFE, and that displacement is odd here, so the branch lands on
//   printk - 4, start_xen's `b` back into its idle loop: the load hook never returns.
// - With its load hooks taken out (the section renamed: Xen finds none), the odd-branch payload
//   patches xen_extra_version. With new_addr on hello_world_modinfo (.modinfo: alloc, not executable,
//   the payload's read-only region, which Xen maps without execute), xen_extra_version's B lands in a
//   page the CPU may not fetch from: a prefetch abort, and arm32 do_trap_prefetch_abort() calls
//   do_unexpected_trap("Prefetch Abort").
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { runAudit, type AuditHost } from "../index.ts";
import { Patch, sample } from "../test-support/samples.ts";

const HELLO = "arm32/xen_hello_world.livepatch";
const ODD = "arm32/xen_hello_world_oddbranch.livepatch";
const IMAGE = "arm32/xen-syms";
let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function audit(path: string, edit: (p: Patch) => void) {
  const p = new Patch(sample(path));
  edit(p);
  return runAudit({ image: { file: "xen-syms", bytes: sample(IMAGE) }, files: [{ file: "p.livepatch", bytes: p.bytes, role: "apply" }] }, host);
}
const noLoadHooks = (p: Patch) => p.rename(".livepatch.hooks.load", ".data.hooks_off");

describe("ARM32 code in the audit", () => {
  it("the hello sample (-mlong-calls): its load hooks return, APPLY and the rollback complete, the audit accepts it", async () => {
    const r = await audit(HELLO, () => {});
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual([]);
    expect(r.verdict).toBe("accept");
    expect(r.findings.map((f) => f.id)).not.toContain("code-outcome-unknown");
    expect(r.findings.map((f) => f.id)).toContain("not-safe-to-reapply");
    expect(r.rollback).toMatchObject({ exercised: true, ok: true, reverted: ["p"] });
    expect(JSON.stringify(r)).not.toMatch(/not executed|no ARM32 interpreter|not simulated/i);
  });

  it("the odd-branch sample's load hook runs and does not return (Xen's JUMP24 drops imm24 bit 0)", async () => {
    const r = await audit(ODD, () => {});
    const f = r.findings.find((x) => x.id === "code-outcome-unknown");
    expect(f?.message).toContain("the load hook hello_world_load");
    // The host never gets past APPLY: the audit fails closed, never ACCEPT.
    expect(f?.severity).toBe("error");
    expect(r.verdict).toBe("reject");
  });

  it("without its load hooks, the odd-branch sample applies and reverts with its unload hooks run; nothing says code was not run", async () => {
    const r = await audit(ODD, noLoadHooks);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual([]);
    expect(r.findings.map((f) => f.id)).not.toContain("code-outcome-unknown");
    expect(JSON.stringify(r)).not.toMatch(/not executed|no ARM32 interpreter|not simulated/i);
  });

  it("new_addr on the payload's .modinfo (read-only data): the first xl info after APPLY crashes Xen (Prefetch Abort)", async () => {
    // .rel.livepatch.funcs record 1 (r_offset 4) is new_addr's (readelf -rW)
    const r = await audit(HELLO, (p) => p.reloc(".rel.livepatch.funcs", 1, { sym: p.symbol("hello_world_modinfo").index }));
    expect(r.verdict).toBe("reject");
    const f = r.findings.find((x) => x.id === "call-after-apply-crashes");
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain('XENVER_extraversion2 runs xen_extra_version, and the host crashes with "CPU0: Unexpected Trap: Prefetch Abort"');
  });
});
