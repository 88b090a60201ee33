// AArch64 APPLY with a misaligned old_addr or new_addr (QA s29 #1, #2). Xen (xen/arch/arm/arm64/
// livepatch.c arch_livepatch_apply()) asks aarch64_insn_gen_branch_imm() (arm64/insn.c) for the B;
// branch_imm_common() refuses `(pc & 0x3) || (addr & 0x3)` with
//   pr_err("%s: A64 instructions must be word aligned\n", __func__)   (printk(XENLOG_ERR ...))
// and the generator returns AARCH64_BREAK_FAULT (asm/arm64/brk.h: AARCH64_BREAK_MON 0xd4200000 |
// BRK_FAULT_IMM 2 << 5 = 0xd4200040, little-endian 40 00 20 d4). A release build stores it as the
// patch; a debug build stops at `ASSERT(insn != AARCH64_BREAK_FAULT)`, line 44 of arm64/livepatch.c,
// which do_bug_frame() (common/bug.c) prints and panics with as "Assertion '%s' failed at %s%s:%d".
// The payload is the committed sample hello with one addend of .rela.livepatch.funcs changed
// (readelf -r: record 1 is new_addr, xen_hello_world + 0; record 2 old_addr, xen_extra_version + 0).
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { Patch } from "../../../src/audit/test-support/samples.ts";
import { bootFromImage } from "../host/image.ts";
import { ACTION, APPLIED, MS, freshHypervisor, sample } from "./harness.ts";
import type { HypervisorApi } from "../host/api.ts";

// Hand-made from the sample image: hello's B is 0x1437ffc4 at xen_extra_version 0xa0000200150
// (imm26 0x37ffc4 * 4 = 0xdfff10), so the new function is at 0xa0000200150 + 0xdfff10 = 0xa0001000060.
const OLD = 0xa0000200150n;
const NEW = 0xa0001000060n;
const BRK = "400020d4";
const PR_ERR = "branch_imm_common: A64 instructions must be word aligned";
const ASSERTION = "Assertion 'insn != AARCH64_BREAK_FAULT' failed at arch/arm/arm64/livepatch.c:44";

function hello(record: 1 | 2, addend: bigint): Uint8Array {
  const p = new Patch(sample("aarch64/xen_hello_world.livepatch"));
  p.addend(".rela.livepatch.funcs", record, addend);
  return p.bytes;
}

async function host(debugBuild = false): Promise<HypervisorApi> {
  const hv = await freshHypervisor();
  bootFromImage(hv, parseElf(sample("aarch64/xen-syms")), { cpus: 2, debugBuild });
  return hv;
}

function applyIt(hv: HypervisorApi, name: string): number {
  const rc = hv.action(name, ACTION.APPLY, 30 * MS, 0);
  hv.advance(60 * MS);
  return rc;
}

describe("AArch64: a branch Xen cannot encode is BRK #2", () => {
  it("the sample's own hello is a B (the control)", async () => {
    const hv = await host();
    expect(hv.upload("hello", sample("aarch64/xen_hello_world.livepatch"))).toBe(0);
    const [pv] = hv.previewPatch("hello")!;
    expect(pv).toMatchObject({ bytes: "c4ff3714", trap: null, trapMessage: null, fault: null });
  });

  it("new_addr + 2, release build: APPLY succeeds, writes BRK #2 with Xen's pr_err, and the first call traps", async () => {
    const hv = await host();
    expect(hv.upload("mis", hello(1, 2n))).toBe(0);
    const [pv] = hv.previewPatch("mis")!;
    expect(pv).toMatchObject({ addr: `0x${OLD.toString(16)}`, insn: "branch", target: `0x${(NEW + 2n).toString(16)}`, bytes: BRK, trap: "func-new-addr-misaligned", fault: null });
    expect(pv.trapMessage).toContain("new_addr 0xa0001000062 is not 4-byte aligned");
    expect(pv.trapMessage).toContain("BRK #2 (40 00 20 d4) over the old function's first instruction at 0xa0000200150");
    expect(applyIt(hv, "mis")).toBe(0);
    expect(hv.get("mis").state).toBe(APPLIED);
    const events = hv.events();
    const writes = events.filter((e) => e.kind === "write");
    expect(writes).toMatchObject([{ by: "apply", insn: "brk", addr: "0xa0000200150", new: BRK, target: "0xa0001000062" }]);
    // The pr_err comes while the functions are patched: after "Applying 1 functions", at XENLOG_ERR.
    const lines = events.flatMap((e) => (e.kind === "console" ? [e] : []));
    const at = lines.findIndex((e) => e.line === PR_ERR);
    expect(lines[at]).toMatchObject({ level: "err", payload: "mis" });
    expect(lines.findIndex((e) => e.line.endsWith("mis: Applying 1 functions"))).toBeLessThan(at);
    expect(hv.readMemory(OLD, 4)).toEqual(Uint8Array.of(0x40, 0x00, 0x20, 0xd4));
    // The first call of xen_extra_version runs the BRK: do_trap_brk() -> do_unexpected_trap().
    hv.call("xen_extra_version", []);
    expect(hv.halted()).toBe(true);
    expect(hv.consoleLines()).toContain("CPU0: Unexpected Trap: Undefined Breakpoint Value");
  });

  it("new_addr + 2, debug build: the ASSERT panics during APPLY, after the pr_err, with nothing written", async () => {
    const hv = await host(true);
    expect(hv.upload("mis", hello(1, 2n))).toBe(0);
    const [pv] = hv.previewPatch("mis")!;
    expect(pv).toMatchObject({ trap: "func-new-addr-misaligned", fault: "func-new-addr-misaligned", faultMessage: ASSERTION });
    applyIt(hv, "mis");
    expect(hv.halted()).toBe(true);
    const events = hv.events();
    expect(events.filter((e) => e.kind === "write")).toEqual([]);
    expect(events.find((e) => e.kind === "panic")).toMatchObject({ message: ASSERTION, rule: "func-new-addr-misaligned" });
    const dmesg = hv.consoleLines();
    expect(dmesg.indexOf(PR_ERR)).toBeGreaterThan(-1);
    expect(dmesg.indexOf(ASSERTION)).toBe(dmesg.indexOf(PR_ERR) + 1);
    expect(hv.readMemory(OLD, 4)).not.toEqual(Uint8Array.of(0x40, 0x00, 0x20, 0xd4));
  });

  it("old_addr + 2, release build: BRK #2 lands at the misaligned address, across two instructions", async () => {
    const hv = await host();
    const before = hv.readMemory(OLD, 8)!;
    expect(hv.upload("mis", hello(2, 2n))).toBe(0);
    const [pv] = hv.previewPatch("mis")!;
    expect(pv).toMatchObject({ addr: "0xa0000200152", bytes: BRK, trap: "func-old-addr-misaligned", fault: null });
    expect(applyIt(hv, "mis")).toBe(0);
    expect(hv.events().filter((e) => e.kind === "write")).toMatchObject([{ insn: "brk", addr: "0xa0000200152", new: BRK }]);
    expect(hv.consoleLines()).toContain(PR_ERR);
    // Bytes 0-1 and 6-7 are the old code's; 2-5 the BRK's.
    expect(hv.readMemory(OLD, 8)).toEqual(Uint8Array.of(before[0], before[1], 0x40, 0x00, 0x20, 0xd4, before[6], before[7]));
    // REVERT puts the 4 saved bytes back where they were taken.
    expect(hv.action("mis", ACTION.REVERT, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.readMemory(OLD, 8)).toEqual(before);
  });
});
