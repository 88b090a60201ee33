// The demo scenarios on the ARM sample images: AArch64 `B` and NOPs, ARM32 `B` with its +8 bias.
import { describe, expect, it } from "vitest";
import { APPLIED, CHECKED, EBUSY, EINVAL, ACTION, addr, apply, booted, bytesAt, eventsOf, funcs, lines, replace, revert, upload } from "./harness.ts";

function le32(v: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.toString("hex");
}

describe("aarch64", () => {
  it("hello world writes B new_addr and reverts the original word", async () => {
    const hv = await booted("aarch64", 4);
    expect(upload(hv, "aarch64", "xen_hello_world")).toBe(0);
    const [f] = funcs(hv, "xen_hello_world");
    const old = addr(f.oldAddr);
    const before = bytesAt(hv, old, 8);
    expect(apply(hv, "xen_hello_world")).toBe(0);
    const off = addr(f.newAddr) - old;
    const insn = 0x14000000 | Number((off >> 2n) & 0x03ffffffn);
    expect(bytesAt(hv, old, 8)).toBe(le32(insn) + before.slice(8));
    expect(revert(hv, "xen_hello_world")).toBe(0);
    expect(bytesAt(hv, old, 8)).toBe(before);
    // xen/arch/arm/livepatch.c: arch_livepatch_quiesce() maps a writable alias (vmap_of_xen_text).
    const how = eventsOf(hv, "rendezvous").flatMap((e) => (e.phase === "quiesce" || e.phase === "revive" ? [`${e.phase}:${e.how}`] : []));
    expect(how).toEqual(["quiesce:alias", "revive:alias", "quiesce:alias", "revive:alias"]);
  });

  it("NOP-out writes d503201f words", async () => {
    const hv = await booted("aarch64", 2);
    upload(hv, "aarch64", "xen_nop");
    const [f] = funcs(hv, "xen_nop");
    const old = addr(f.oldAddr);
    const before = bytesAt(hv, old, f.oldSize);
    apply(hv, "xen_nop");
    expect(bytesAt(hv, old, f.oldSize)).toBe("1f2003d5".repeat(f.newSize / 4) + before.slice(f.newSize * 2));
  });

  it("stack, -EBUSY under bye, replace, and a timeout", async () => {
    const hv = await booted("aarch64", 4);
    for (const n of ["xen_hello_world", "xen_bye_world", "xen_replace_world"]) expect(upload(hv, "aarch64", n)).toBe(0);
    expect(apply(hv, "xen_bye_world")).toBe(-EINVAL);
    apply(hv, "xen_hello_world");
    apply(hv, "xen_bye_world");
    expect(hv.action("xen_hello_world", ACTION.REVERT, 0, 0)).toBe(-EBUSY);
    expect(replace(hv, "xen_replace_world")).toBe(0);
    expect(hv.list().map((e) => e.state)).toEqual([CHECKED, CHECKED, APPLIED]);
    hv.setCpuDelay(1, 40_000_000);
    revert(hv, "xen_replace_world");
    expect(hv.get("xen_replace_world")).toEqual({ ret: 0, state: APPLIED, rc: -EBUSY });
    expect(lines(hv)).toContain("livepatch: xen_replace_world: Timed out on semaphore in CPU quiesce phase 2/3");
  });

  it("an NMI on ARM is reported as not applicable", async () => {
    const hv = await booted("aarch64", 2);
    hv.injectNmi(1);
    expect(hv.events().find((e) => e.kind === "nmi")).toMatchObject({ cpu: 1, phase: "arm" });
  });
});

describe("arm32", () => {
  it("hello world writes B (cond AL) with the +8 PC bias and reverts", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_hello_world")).toBe(0);
    const [f] = funcs(hv, "xen_hello_world");
    const old = addr(f.oldAddr);
    const before = bytesAt(hv, old, 4);
    expect(apply(hv, "xen_hello_world")).toBe(0);
    const insn = 0xea000000 | Number(((addr(f.newAddr) - (old + 8n)) >> 2n) & 0x00ffffffn);
    expect(bytesAt(hv, old, 4)).toBe(le32(insn));
    expect(revert(hv, "xen_hello_world")).toBe(0);
    expect(bytesAt(hv, old, 4)).toBe(before);
  });

  it("NOP-out writes mov r0, r0", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_nop")).toBe(0);
    const [f] = funcs(hv, "xen_nop");
    apply(hv, "xen_nop");
    expect(bytesAt(hv, addr(f.oldAddr), f.newSize)).toBe("0000a0e1".repeat(f.newSize / 4));
  });
});
