// The demo scenarios on the ARM sample images: AArch64 `B` and NOPs, ARM32 `B` with its +8 bias,
// and ARM32 code (Xen's version functions, the hello payload's hooks) run on the A32 interpreter.
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { APPLIED, CHECKED, EBUSY, EINVAL, ACTION, addr, apply, booted, bytesAt, eventsOf, funcs, lines, replace, revert, sample, upload } from "./harness.ts";
import { Edit, payloadBytes } from "./support/payloads.ts";
import { symbolAddress } from "./cpu/harness.ts";

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
  const image = parseElf(sample("arm32/xen-syms"));

  it("xl info runs the image's version functions on the A32 interpreter (the samples README's values)", async () => {
    const hv = await booted("arm32", 2);
    const info = hv.xlInfo();
    const value = (k: string) => info.fields.find((f) => f.key === k)!;
    expect(value("xen_major")).toMatchObject({ value: "4", outcome: "returned" });
    expect(value("xen_minor")).toMatchObject({ value: "23", outcome: "returned" });
    expect(value("xen_extra")).toMatchObject({ value: "-unstable", outcome: "returned" });
    // public/samples/README.md's build-id table (readelf -n of the image)
    expect(value("build_id")).toMatchObject({ value: "1d3a5e99c5b652fc5267af9993202982c39963b5", outcome: "returned" });
  });

  it("hello world (-mlong-calls) reaches printk by movw/movt and bx r3: Xen's MOVW_ABS_NC/MOVT_ABS put printk's address in r3", async () => {
    // objdump -dr of the payload: hello_world_load is movw r0/movt r0 (.LC0), movw r3 (R_ARM_MOVW_ABS_NC
    // printk) e3003000, movt r3 (R_ARM_MOVT_ABS printk) e3403000, bx r3 e12fff13; no CALL/JUMP24.
    // perform_rel(): [11:0] = val & 0xFFF, [19:16] = (val >> 12) & 0xF of S & 0xFFFF (MOVW) or S >> 16 (MOVT).
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_hello_world")).toBe(0);
    const printk = Number(symbolAddress(image, "printk"));
    const imm = (base: number, v: number) => base | ((v >> 12) << 16) | (v & 0xfff);
    const load = hv.payloadSymbol("hello_world_load")!.addr;
    expect(bytesAt(hv, load + 8n, 12)).toBe(le32(imm(0xe3003000, printk & 0xffff)) + le32(imm(0xe3403000, printk >>> 16)) + le32(0xe12fff13));
  });

  it("a MOVW_ABS_NC addend is not added: perform_rel() writes S & 0xFFFF whatever the REL addend", async () => {
    // xen/arch/arm/arm32/livepatch.c: get_addend() reads the MOVW's imm4:imm12 (4 here); perform_rel()
    // clears the immediate when the addend is non-zero, then ORs in `val & 0xFFFF` with val = st_value.
    // So `movw r3, #4` against printk still loads printk's low half (an ELF linker would add the 4).
    const hv = await booted("arm32", 2);
    const e = new Edit(payloadBytes("arm32", "xen_hello_world"));
    e.u32(e.dataAt(".text.hello_world_load", 8), 0xe3003004);
    expect(hv.upload("movw", e.bytes)).toBe(0);
    const printk = Number(symbolAddress(image, "printk"));
    const load = hv.payloadSymbol("hello_world_load")!.addr;
    expect(bytesAt(hv, load + 8n, 4)).toBe(le32(0xe3003000 | ((printk & 0xf000) << 4) | (printk & 0xfff)));
    expect(apply(hv, "movw")).toBe(0);
    expect(lines(hv)).toContain("Hook executing.");
  });

  it("hello world writes B (cond AL) with the +8 PC bias, its load hook prints, xl info says Hello World, and the unload hooks run at REVERT", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_hello_world")).toBe(0);
    const [f] = funcs(hv, "xen_hello_world");
    const old = addr(f.oldAddr);
    const before = bytesAt(hv, old, 4);
    expect(apply(hv, "xen_hello_world")).toBe(0);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    // hello_world_load (printk "Hook executing.\n"), hello_world_count
    expect(lines(hv)).toContain("Hook executing.");
    expect(eventsOf(hv, "hook").filter((e) => e.hook === "load").map((e) => (e.executed ? e.outcome : "not executed"))).toEqual(["returned", "returned"]);
    const insn = 0xea000000 | Number(((addr(f.newAddr) - (old + 8n)) >> 2n) & 0x00ffffffn);
    expect(bytesAt(hv, old, 4)).toBe(le32(insn));
    expect(hv.xlInfo().fields.find((x) => x.key === "xen_extra")).toMatchObject({ value: "Hello World", outcome: "returned" });
    expect(revert(hv, "xen_hello_world")).toBe(0);
    expect(bytesAt(hv, old, 4)).toBe(before);
    // hello_world_unload (printk), hello_world_count, hello_world_check (counter 2: no trap)
    expect(lines(hv)).toContain("Hook unloaded.");
    expect(eventsOf(hv, "hook").filter((e) => e.hook === "unload").map((e) => (e.executed ? e.outcome : "not executed"))).toEqual(["returned", "returned", "returned"]);
    expect(hv.payload("xen_hello_world")!.state).toBe("CHECKED");
    // .bss.hello_world_counter is writable data: APPLY after the revert sets status rc -EINVAL.
    apply(hv, "xen_hello_world");
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: -EINVAL });
  });

  it("Xen's R_ARM_JUMP24 clears bit 0 of imm24, so the odd-branch hello's load hook `b printk` lands 4 bytes early and never returns", async () => {
    // xen/arch/arm/arm32/livepatch.c perform_rel(): val = (S + A - P) >> 2; val &= 0x00FFFFFE
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_hello_world_oddbranch")).toBe(0);
    const printk = symbolAddress(image, "printk");
    apply(hv, "xen_hello_world_oddbranch");
    const [load] = eventsOf(hv, "hook").filter((e) => e.hook === "load");
    // hello_world_load: movw r0; movt r0; b printk (objdump of the payload); A = -8 from the word eafffffe
    const p = addr(load.fn) + 8n;
    const exact = Number(BigInt.asUintN(32, printk - 8n - p) >> 2n) & 0x00ffffff;
    expect(exact & 1, "the distance is an odd number of words").toBe(1);
    const val = exact & 0x00fffffe;
    expect(bytesAt(hv, p, 4)).toBe(le32(0xea000000 | val));
    const target = p + 8n + (BigInt.asIntN(24, BigInt(val)) << 2n);
    expect(target).toBe(printk - 4n);
    // printk - 4 is start_xen's last word, `b` back to its `bl idle_loop_hook` loop (objdump of xen-syms)
    const startXen = symbolAddress(image, "start_xen");
    expect(target >= startXen && target < printk).toBe(true);
    expect(load.executed && load.outcome).toBe("unknown");
    expect(eventsOf(hv, "run-stop")[0]).toMatchObject({ reason: "budget" });
    expect(lines(hv)).not.toContain("Hook executing.");
  });

  it("the odd-branch hello without its load hooks applies: its unload hook's `b printk` is an even number of words away", async () => {
    const hv = await booted("arm32", 2);
    const noLoadHooks = new Edit(payloadBytes("arm32", "xen_hello_world_oddbranch")).rename(".livepatch.hooks.load", ".data.hooks_off").bytes;
    expect(hv.upload("odd", noLoadHooks)).toBe(0);
    expect(apply(hv, "odd")).toBe(0);
    expect(hv.xlInfo().fields.find((x) => x.key === "xen_extra")).toMatchObject({ value: "Hello World", outcome: "returned" });
    expect(revert(hv, "odd")).toBe(0);
    expect(lines(hv)).toContain("Hook unloaded.");
    expect(eventsOf(hv, "hook").filter((e) => e.hook === "unload").map((e) => (e.executed ? e.outcome : "not executed"))).toEqual(["returned", "returned", "returned"]);
  });

  it("NOP-out writes mov r0, r0", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", "xen_nop")).toBe(0);
    const [f] = funcs(hv, "xen_nop");
    apply(hv, "xen_nop");
    expect(bytesAt(hv, addr(f.oldAddr), f.newSize)).toBe("0000a0e1".repeat(f.newSize / 4));
  });
});
