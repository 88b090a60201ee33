// Page permissions while x86 Xen patches (xen/arch/x86/livepatch.c arch_livepatch_quiesce() /
// arch_livepatch_revive() over xen/common/virtual_region.c relax_/tighten_virtual_region_perms()):
// between quiesce and revive every virtual region's text is RWX and its rodata RW, Xen's own and
// every uploaded payload's. apply_payload() runs the load hooks inside that window, and
// revert_payload() the unload hooks; pre-apply hooks run before it (livepatch_action()). ARM
// instead writes through a second, writable mapping of Xen's text (xen/arch/arm/livepatch.c), so
// nothing changes at the addresses a hook sees.
//
// The hooks are the samples' own (fixtures/payloads/hello_world.c, prepost_hooks.c): a counter's
// `addl $1, counter(%rip)` whose R_X86_64_PC32 is pointed at a rodata string instead of the
// counter in .bss, so the hook's store lands on "Hook executing.\n" (readelf -x) and turns its
// first byte from 'H' (0x48) to 'I' (0x49), or faults.
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { Edit, payloadBytes } from "./support/payloads.ts";
import { ACTION, MS, booted, bytesAt, eventsOf } from "./harness.ts";
import { relocSymbol } from "../../../src/elf/index.ts";

function hookEvents(hv: HypervisorApi) {
  return eventsOf(hv, "hook").map((h) => ({ hook: h.hook, outcome: h.executed ? h.outcome : "skipped", faults: h.executed ? h.faults : 0 }));
}

/** `e` with every relocation of `text` against section `counter` retargeted at section `to`. */
function retarget(e: Edit, text: string, counter: string, to: string): Edit {
  const t = e.relocs(text);
  const from = e.sectionSymbol(counter);
  let n = 0;
  for (let k = 0; k < t.count; k++) {
    if (relocSymbol(t, k) !== from) continue;
    e.relSym(text, k, e.sectionSymbol(to));
    n++;
  }
  if (n === 0) throw new Error(`${text} has no relocation against ${counter}`);
  return e;
}

function storeInto(payload: string, text: string, counter: string, to: string): Uint8Array {
  return retarget(new Edit(payloadBytes("x86_64", payload)), text, counter, to).bytes;
}

/** Where the upload put section `name` of payload `p`. */
function placedAt(hv: HypervisorApi, p: string, name: string): bigint {
  const s = hv.payload(p)?.sections.find((x) => x.name === name);
  if (!s) throw new Error(`${name} was not placed`);
  return BigInt(s.addr);
}

describe("x86: Xen's text and rodata are writable only between quiesce and revive", () => {
  it("a load hook's store into the payload's rodata goes through, and so does the unload hook's", async () => {
    const hv = await booted("x86_64");
    const bytes = storeInto("xen_hello_world", ".text.hello_world_count", ".bss.hello_world_counter", ".rodata.hello_world_load.str1.1");
    expect(hv.upload("p", bytes)).toBe(0);
    const str = placedAt(hv, "p", ".rodata.hello_world_load.str1.1");
    // "Hook executing.\n" as readelf -x prints the section
    expect(bytesAt(hv, str, 4)).toBe("486f6f6b");
    expect(hv.action("p", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.halted()).toBe(false);
    expect(hv.get("p").state).toBe(2);
    expect(hookEvents(hv)).toEqual([
      { hook: "load", outcome: "returned", faults: 0 },
      { hook: "load", outcome: "returned", faults: 0 },
    ]);
    expect(bytesAt(hv, str, 4)).toBe("496f6f6b");
    // The first hook printed the string before the count changed it; the console keeps what it printed.
    expect(hv.consoleLines()).toContain("Hook executing.");
    expect(hv.action("p", ACTION.REVERT, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    // unload hooks { unload, count, check }: check traps unless .bss's counter is 1 or 2, and the
    // count never reached it, so the check's trap is Xen's own verdict on this payload
    expect(hookEvents(hv).slice(2, 4)).toEqual([
      { hook: "unload", outcome: "returned", faults: 0 },
      { hook: "unload", outcome: "returned", faults: 0 },
    ]);
    expect(bytesAt(hv, str, 4)).toBe("4a6f6f6b");
  });

  it("a pre-apply hook's store into rodata faults: it runs before the quiesce", async () => {
    const hv = await booted("x86_64");
    const bytes = storeInto("xen_prepost_hooks", ".text.prepost_pre_apply", ".bss.pre_apply_cnt", ".rodata.str1.1");
    expect(hv.upload("p", bytes)).toBe(0);
    const str = placedAt(hv, "p", ".rodata.str1.1");
    const before = bytesAt(hv, str, 4);
    hv.action("p", ACTION.APPLY, 30 * MS, 0);
    hv.advance(60 * MS);
    const pre = eventsOf(hv, "hook").find((h) => h.hook === "preapply");
    expect(pre?.executed && pre.faults).toBe(1);
    // xen/arch/x86/traps.c do_page_fault(): error code 3 is a write (bit 1) to a present page (bit 0)
    expect(hv.consoleLines().slice(-6, -3)).toEqual(["FATAL PAGE FAULT", "[error_code=0003]", `Faulting linear address: ${str.toString(16).padStart(16, "0")}`]);
    expect(bytesAt(hv, str, 4)).toBe(before);
  });

  it("after the revive the same store faults again: the console's call of the hook crashes", async () => {
    const hv = await booted("x86_64");
    expect(hv.upload("p", storeInto("xen_hello_world", ".text.hello_world_count", ".bss.hello_world_counter", ".rodata.hello_world_load.str1.1"))).toBe(0);
    const str = placedAt(hv, "p", ".rodata.hello_world_load.str1.1");
    expect(hv.action("p", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    // Outside any action the rodata is read-only again: the console's `call` of the hook faults.
    const call = hv.call!("hello_world_count", []);
    expect(call).toMatchObject({ outcome: "crashed" });
    expect(bytesAt(hv, str, 1)).toBe("49");
  });
});

describe("ARM64: quiesce maps a writable alias, so a load hook's store into rodata faults", () => {
  it("the same retargeted counter on the aarch64 sample", async () => {
    const hv = await booted("aarch64");
    const e = new Edit(payloadBytes("aarch64", "xen_hello_world"));
    // ADRP, then the LDR and STR of the counter's low 12 bits: all three move to the string.
    retarget(e, ".text.hello_world_count", ".bss.hello_world_counter", ".rodata.hello_world_load.str1.8");
    expect(hv.upload("p", e.bytes)).toBe(0);
    hv.action("p", ACTION.APPLY, 30 * MS, 0);
    hv.advance(60 * MS);
    expect(hookEvents(hv)).toEqual([
      { hook: "load", outcome: "returned", faults: 0 },
      { hook: "load", outcome: "crashed", faults: 1 },
    ]);
    // xen/arch/arm/traps.c do_unexpected_trap()
    expect(hv.consoleLines()).toContain("CPU0: Unexpected Trap: Data Abort");
  });
});
