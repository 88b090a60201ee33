// The rollback after the plan (rollback.ts): every applied payload is reverted, top of the stack
// first, on the same simulated host, with its unload and pre-/post-revert hooks. Expected outcomes
// from the samples' sources (fixtures/payloads/*.c) and Xen's livepatch_do_action()/revert_payload().
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, toMarkdown, toText, type AuditHost, type AuditResult, type PlanRole } from "./index.ts";
import { Patch, sample } from "./test-support/samples.ts";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

const IMAGE = { file: "x86_64/xen-syms", bytes: sample("x86_64/xen-syms") };
const audit = (files: { file: string; bytes?: Uint8Array; role?: PlanRole }[]): Promise<AuditResult> =>
  runAudit({ image: IMAGE, files: files.map((f) => ({ file: f.file, bytes: f.bytes ?? sample(f.file), role: f.role ?? "apply" })) }, host);
const ops = (r: AuditResult) => [...r.steps, ...r.rollback.steps].map((s) => `${s.op} ${s.name}:${s.ret}${s.state !== undefined ? `/${s.state}` : ""}`);

/**
 * hello_world.c's unload hook hello_world_check traps unless 0 < counter <= 2; a clean APPLY+REVERT
 * leaves the counter at 2 (one load hook and one unload hook count). Its code is
 * `mov counter,%eax; sub $1,%eax; cmp $1,%eax; ja .cold (ud2)`: with `cmp $0` instead, 2-1 = 1 is
 * above 0, so the hook traps on every REVERT and on nothing else.
 */
function trappingUnloadHook(): Uint8Array {
  const p = new Patch(sample("x86_64/xen_hello_world.livepatch"));
  const at = Number(p.section(".text.hello_world_check").offset);
  expect([...p.bytes.subarray(at + 6, at + 12)]).toEqual([0x83, 0xe8, 0x01, 0x83, 0xf8, 0x01]);
  return p.u8(at + 11, 0).bytes;
}

describe("the audit's rollback", () => {
  it("reverts an applied payload after the plan and says so", async () => {
    const r = await audit([{ file: "x86_64/xen_hello_world.livepatch" }]);
    expect(r.verdict).toBe("accept");
    expect(ops(r)).toEqual(["upload xen_hello_world:0", "apply xen_hello_world:0/2", "revert xen_hello_world:0/1"]);
    expect(r.rollback).toMatchObject({ exercised: true, payloads: ["xen_hello_world"], reverted: ["xen_hello_world"], ok: true, halted: false, failedAt: null, skipped: null });
    // The plan's own steps are what they were; the REVERTs are the rollback's.
    expect(r.steps.map((s) => s.op)).toEqual(["upload", "apply"]);
    const line = "rollback: exercised: REVERT of xen_hello_world, with the unload and pre-/post-revert hooks: every payload went back to CHECKED, the host stays up";
    expect(toText(r)).toContain(`\n  ${line}\n`);
    expect(toMarkdown(r)).toContain(`\n${line}\n`);
    expect(JSON.parse(JSON.stringify(r)).rollback.exercised).toBe(true);
  });

  it("a payload whose unload hook crashes on REVERT is rejected: the rollback panics the host", async () => {
    const r = await audit([{ file: "hello_trap.livepatch", bytes: trappingUnloadHook() }]);
    expect(r.verdict).toBe("reject");
    expect(r.halted).toBe(true);
    expect(r.reason).toMatch(/^hello_trap\.livepatch: rollback \(REVERT after the plan\): the host panics during REVERT: /);
    expect(r.rollback).toMatchObject({ exercised: true, ok: false, halted: true, failedAt: "hello_trap", reverted: [] });
    expect(r.rollback.steps).toMatchObject([{ op: "revert", name: "hello_trap", ret: 0 }]);
    expect(r.rollback.steps[0].panic).toBeTruthy();
    expect(toText(r)).toContain("rollback: exercised: REVERT of hello_trap, with the unload and pre-/post-revert hooks: FAILED at hello_trap; the host panicked");
  });

  it("reverts a stack top first: bye (applied on hello) before hello", async () => {
    const r = await audit([{ file: "x86_64/xen_hello_world.livepatch" }, { file: "x86_64/xen_bye_world.livepatch" }]);
    expect(ops(r).slice(-2)).toEqual(["revert xen_bye_world:0/1", "revert xen_hello_world:0/1"]);
    expect(r.rollback.payloads).toEqual(["xen_bye_world", "xen_hello_world"]);
    expect(r.rollback.ok).toBe(true);
  });

  it("a pre-revert hook that vetoes the first REVERT only (xen_prepost_hooks) is a warning, and the second REVERT is run", async () => {
    // prepost_hooks.c: the pre-revert hook returns -1 once (−EPERM), then 0.
    const r = await audit([{ file: "x86_64/xen_prepost_hooks.livepatch" }]);
    expect(r.verdict).toBe("accept");
    expect(ops(r).slice(-2)).toEqual(["revert xen_prepost_hooks:-1", "revert xen_prepost_hooks:0/1"]);
    const f = r.findings.find((x) => x.id === "revert-vetoed-once");
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("pre-revert hook failed (rc=-1)");
    expect(r.rollback.ok).toBe(true);
  });

  it("is not exercised when nothing was applied, and says why", async () => {
    const r = await audit([{ file: "x86_64/xen_hello_world.livepatch", role: "upload" }]);
    expect(r.rollback).toMatchObject({ exercised: false, skipped: "the plan left no payload applied" });
    expect(toText(r)).toContain("\n  rollback: not exercised: the plan left no payload applied\n");
  });
});
