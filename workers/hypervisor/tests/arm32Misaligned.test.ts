// ARM32 APPLY with an old_addr that is not 4-byte aligned (QA s30 #2). Xen's arm32
// arch_livepatch_apply() (xen/arch/arm/arm32/livepatch.c) saves the old bytes with memcpy(), then
// stores the B (`0xea000000 | delta`) or `mov r0, r0` (0xe1a00000) with `*(new_ptr + i) = insn`,
// new_ptr a uint32_t * at old_addr's place in vmap_of_xen_text; nothing checks the alignment.
// Xen runs with HSCTLR.A set (HSCTLR_SET, asm/processor.h; written by arm32/head.S cpu_init), so the
// misaligned word store takes an alignment fault: do_trap_data_abort() -> do_trap_hyp_sync() ->
// do_unexpected_trap("Data Abort"), which panics with "CPU%d: Unexpected Trap: Data Abort".
// The payloads are the committed arm32 samples with the in-place old_addr word of funcs[0] changed
// (REL: the word at .livepatch.funcs + 8 is the addend; readelf -S: .livepatch.funcs at 0x170 in
// hello, 0xb4 in nop, whose old_addr is the absolute 0x20011c, xen_minor_version).
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { bootFromImage } from "../host/image.ts";
import { runAudit } from "../../../src/audit/index.ts";
import { nodeAuditHost } from "../../../src/cli/auditHost.ts";
import { ACTION, APPLIED, MS, freshHypervisor, sample } from "./harness.ts";
import type { HypervisorApi } from "../host/api.ts";

// llvm-objdump -d --triple=armv7 public/samples/arm32/xen-syms: xen_extra_version at 0x200108 is
// movw r0, #8212 / movt r0, #33 / bx lr; xen_minor_version at 0x20011c is mov r0, #23 / bx lr.
const EXTRA = 0x200108n;
const EXTRA_BYTES = [0x14, 0x00, 0x02, 0xe3, 0x21, 0x00, 0x40, 0xe3];
const DATA_ABORT = "CPU0: Unexpected Trap: Data Abort";

// The hello sample (built with -mlong-calls, so its load hooks return: scenarios.arm.test.ts).
const HELLO = "arm32/xen_hello_world.livepatch";
const HELLO_FUNCS = 0x170;

function withOldAddr(path: string, funcsOffset: number, value: number): Uint8Array {
  const b = sample(path).slice();
  new DataView(b.buffer).setUint32(funcsOffset + 8, value, true);
  return b;
}

async function host(): Promise<HypervisorApi> {
  const hv = await freshHypervisor();
  bootFromImage(hv, parseElf(sample("arm32/xen-syms")), { cpus: 2 });
  return hv;
}

function applyIt(hv: HypervisorApi, name: string): number {
  const rc = hv.action(name, ACTION.APPLY, 30 * MS, 0);
  hv.advance(60 * MS);
  return rc;
}

describe("ARM32: a word store at a misaligned old_addr faults during APPLY", () => {
  it("the sample's own hello is a B at xen_extra_version (the control)", async () => {
    const hv = await host();
    expect(hv.upload("hello", sample(HELLO))).toBe(0);
    const [pv] = hv.previewPatch("hello")!;
    expect(pv).toMatchObject({ addr: "0x200108", trap: null, fault: null });
    // B: cond 1110, 101, L 0; imm24 = (new_addr - (old_addr + 8)) >> 2 (arm32/livepatch.c).
    const word = parseInt(pv.bytes.match(/../g)!.reverse().join(""), 16);
    expect(word >>> 24).toBe(0xea);
    expect(word & 0xffffff).toBe(Number(((BigInt(pv.target!) - (EXTRA + 8n)) >> 2n) & 0xffffffn));
    expect(applyIt(hv, "hello")).toBe(0);
    expect(hv.get("hello").state).toBe(APPLIED);
  });

  it("old_addr xen_extra_version + 2: UPLOAD accepts it, APPLY panics with a Data Abort and writes nothing", async () => {
    const hv = await host();
    expect(hv.upload("mis", withOldAddr(HELLO, HELLO_FUNCS, 2))).toBe(0);
    const [pv] = hv.previewPatch("mis")!;
    expect(pv).toMatchObject({ oldAddr: "0x20010a", addr: "0x20010a", insn: "branch", trap: "func-old-addr-misaligned", fault: "func-old-addr-misaligned", faultMessage: DATA_ABORT });
    expect(pv.trapMessage).toContain("old_addr 0x20010a is not 4-byte aligned");
    expect(pv.trapMessage).toContain("stores the B word through a uint32_t *");
    expect(pv.trapMessage).toContain("HSCTLR.A");
    applyIt(hv, "mis");
    expect(hv.halted()).toBe(true);
    const panic = hv.events().find((e) => e.kind === "panic");
    expect(panic).toMatchObject({ message: DATA_ABORT, rule: "func-old-addr-misaligned" });
    expect(hv.consoleLines()).toContain(DATA_ABORT);
    // No write event, and xen_extra_version's bytes are Xen's own.
    expect(hv.events().filter((e) => e.kind === "write")).toEqual([]);
    expect([...hv.readMemory(EXTRA, 8)!]).toEqual(EXTRA_BYTES);
    // AArch64's words stay AArch64's: no pr_err of branch_imm_common() on ARM32.
    expect(hv.consoleLines().some((l) => l.includes("branch_imm_common"))).toBe(false);
  });

  it("a NOP-out at xen_minor_version + 2 stores mov r0, r0 there: the same fault", async () => {
    const hv = await host();
    expect(hv.upload("nopmis", withOldAddr("arm32/xen_nop.livepatch", 0xb4, 0x20011e))).toBe(0);
    const [pv] = hv.previewPatch("nopmis")!;
    expect(pv).toMatchObject({ addr: "0x20011e", insn: "nop", bytes: "0000a0e1", trap: "func-old-addr-misaligned", fault: "func-old-addr-misaligned" });
    expect(pv.trapMessage).toContain("the first `mov r0, r0` NOP word");
    applyIt(hv, "nopmis");
    expect(hv.halted()).toBe(true);
  });

  it("old_addr xen_extra_version + 4 is aligned: no fault (alignment alone decides)", async () => {
    const hv = await host();
    expect(hv.upload("mid", withOldAddr(HELLO, HELLO_FUNCS, 4))).toBe(0);
    const [pv] = hv.previewPatch("mid")!;
    expect(pv).toMatchObject({ addr: "0x20010c", trap: null, fault: null });
  });

  it("the audit rejects it with one error at the old_addr field (file offset 0x170 + 8), quoting Xen's panic", async () => {
    const image = { file: "arm32/xen-syms", bytes: sample("arm32/xen-syms") };
    const bytes = withOldAddr(HELLO, HELLO_FUNCS, 2);
    const r = await runAudit({ image, files: [{ file: "a32_old_mis.livepatch", bytes, role: "apply" }] }, await nodeAuditHost());
    expect(r.verdict).toBe("reject");
    const hits = r.findings.filter((f) => f.id === "func-old-addr-misaligned");
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: "error", section: ".livepatch.funcs", offset: 0x178, length: 4, func: { index: 0 } });
    expect(hits[0].message).toContain(`the host panics during APPLY: "${DATA_ABORT}"`);
    expect(hits[0].message).toContain("xen/arch/arm/arm32/livepatch.c");
    expect(hits[0].why).toContain("On ARM32 arch_livepatch_apply()");
  });
});
