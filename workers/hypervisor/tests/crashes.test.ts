// Where Xen 4.23 itself crashes or keeps dangling pointers, the simulator does the same: a
// symbol table with sh_link 0 or a relocation section with sh_info 0 makes Xen dereference
// section 0's NULL header; a .livepatch.funcs that is not SHF_ALLOC is never relocated, so a name
// lookup reads through a NULL name pointer; other non-ALLOC sections are accepted but Xen keeps
// pointers into the upload buffer it frees, and the first read through one faults.
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { bootArch, Edit, payloadBytes, type SampleArch } from "./support/payloads.ts";
import { ACTION, MS, booted, eventsOf, upload } from "./harness.ts";

const X = "x86_64";
const SHF_ALLOC = 2n;

function notAlloc(e: Edit, name: string): Edit {
  return e.sh(name, "flags", e.section(name).flags & ~SHF_ALLOC);
}

/** xen/drivers/char/console.c panic() around xen/arch/x86/traps.c do_page_fault()'s
 * panic("FATAL PAGE FAULT\n[error_code=%04x]\nFaulting linear address: %p\n"). */
function x86Fault(addr: bigint): string[] {
  return ["", "****************************************", "Panic on CPU 0:", "FATAL PAGE FAULT", "[error_code=0000]", `Faulting linear address: ${addr.toString(16).padStart(16, "0")}`, "****************************************", "", "Reboot in five seconds..."];
}

async function uploadBroken(arch: SampleArch, base: string, edit: (e: Edit) => unknown): Promise<{ hv: HypervisorApi; rc: number; from: number }> {
  const hv = await bootArch(arch);
  const e = new Edit(payloadBytes(arch, base));
  edit(e);
  const from = hv.consoleLines().length;
  return { hv, rc: hv.upload("p", e.bytes), from };
}

function lastPanic(hv: HypervisorApi) {
  return eventsOf(hv, "panic").at(-1) ?? null;
}

describe("Xen 4.23 crashes on these uploads", () => {
  it("a symbol table whose sh_link is 0: elf_verify_strtab() reads sh_type (offset 4) of a NULL header", async () => {
    const { hv, from } = await uploadBroken(X, "xen_nop", (e) => e.sh(".symtab", "link", 0));
    expect(hv.halted()).toBe(true);
    expect(hv.consoleLines().slice(from)).toEqual(x86Fault(4n));
    expect(lastPanic(hv)).toMatchObject({ rule: "symtab-link-zero" });
    // The hypercall never returns.
    expect(eventsOf(hv, "hypercall-return")).toEqual([]);
  });

  it("the same on ARM64: do_trap_hyp_sync() reaches do_unexpected_trap(\"Data Abort\")", async () => {
    const { hv, from } = await uploadBroken("aarch64", "xen_nop", (e) => e.sh(".symtab", "link", 0));
    // xen/arch/arm/traps.c do_unexpected_trap(): panic("CPU%d: Unexpected Trap: %s\n", ...)
    expect(hv.consoleLines().slice(from)).toEqual(["", "****************************************", "Panic on CPU 0:", "CPU0: Unexpected Trap: Data Abort", "****************************************", "", "Reboot in five seconds..."]);
  });

  it("a relocation section whose sh_info is 0: livepatch_elf_perform_relocs() reads sh_flags (offset 8) of a NULL header", async () => {
    const { hv, from } = await uploadBroken(X, "xen_hello_world", (e) => e.sh(".rela.livepatch.funcs", "info", 0));
    expect(hv.consoleLines().slice(from)).toEqual(x86Fault(8n));
    expect(lastPanic(hv)).toMatchObject({ rule: "reloc-info-zero" });
  });

  it("a .livepatch.funcs without SHF_ALLOC: resolve_old_address() looks up a NULL name", async () => {
    // xen_replace_world has old_addr 0, so Xen looks its function up by name; the name pointer
    // is filled by a relocation, which Xen skips for a section that is not allocated.
    const { hv, from } = await uploadBroken(X, "xen_replace_world", (e) => notAlloc(e, ".livepatch.funcs"));
    expect(hv.consoleLines().slice(from)).toEqual(x86Fault(0n));
    expect(lastPanic(hv)).toMatchObject({ rule: "funcs-not-allocated" });
  });
});

describe("Xen 4.23 keeps pointers into the freed upload buffer", () => {
  it("a .modinfo without SHF_ALLOC is accepted; APPLY then faults displaying it", async () => {
    const hv = await booted();
    const e = notAlloc(new Edit(payloadBytes(X, "xen_hello_world")), ".modinfo");
    expect(hv.upload("p", e.bytes)).toBe(0);
    const d = eventsOf(hv, "dangling");
    expect(d).toMatchObject([{ rule: "dangling-pointer", what: "modinfo", section: ".modinfo", sectionIndex: e.section(".modinfo").index }]);
    expect(hv.payload("p")!.dangling).toEqual([{ what: "modinfo", addr: d[0].addr }]);
    expect(hv.action("p", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.halted()).toBe(true);
    // apply_payload() patched the function, then livepatch_display_metadata() read the freed buffer.
    expect(hv.consoleLines()).toContain("livepatch: p: Applying 1 functions");
    expect(hv.consoleLines()).toContain(`Faulting linear address: ${BigInt(d[0].addr).toString(16).padStart(16, "0")}`);
    expect(lastPanic(hv)).toMatchObject({ rule: "dangling-pointer-use", payload: "p" });
  });

  it("a .livepatch.depends without SHF_ALLOC: APPLY faults in build_id_dep(); --nodeps does not read it", async () => {
    const e = notAlloc(new Edit(payloadBytes(X, "xen_nop")), ".livepatch.depends");
    const hv = await booted();
    expect(hv.upload("p", e.bytes)).toBe(0);
    expect(eventsOf(hv, "dangling").map((x) => x.what)).toEqual(["depends"]);
    expect(hv.action("p", ACTION.APPLY, 30 * MS, 0)).toBe(-38);
    expect(hv.halted()).toBe(true);
    expect(lastPanic(hv)).toMatchObject({ rule: "dangling-pointer-use" });

    const hv2 = await booted();
    expect(hv2.upload("p", e.bytes)).toBe(0);
    expect(hv2.action("p", ACTION.APPLY, 30 * MS, 1)).toBe(0);
    hv2.advance(60 * MS);
    expect(hv2.halted()).toBe(false);
    expect(hv2.get("p")).toMatchObject({ state: 2, rc: 0 });
  });

  it("a .note.gnu.build-id without SHF_ALLOC: the next upload's duplicate check reads it", async () => {
    const hv = await booted();
    const e = notAlloc(new Edit(payloadBytes(X, "xen_nop")), ".note.gnu.build-id");
    expect(hv.upload("p", e.bytes)).toBe(0);
    expect(eventsOf(hv, "dangling").map((x) => x.what)).toEqual(["build-id"]);
    upload(hv, X, "xen_hello_world");
    expect(hv.halted()).toBe(true);
    expect(lastPanic(hv)).toMatchObject({ rule: "dangling-pointer-use", payload: "p" });
  });

  it("load hooks without SHF_ALLOC: apply_payload() faults calling them", async () => {
    const hv = await booted();
    const e = notAlloc(new Edit(payloadBytes(X, "xen_hello_world")), ".livepatch.hooks.load");
    expect(hv.upload("p", e.bytes)).toBe(0);
    expect(eventsOf(hv, "dangling").map((x) => x.what)).toEqual(["hook-load"]);
    expect(hv.action("p", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.halted()).toBe(true);
    expect(lastPanic(hv)).toMatchObject({ rule: "dangling-pointer-use" });
  });
});
