// Failure events say where: the rule, the rc and whether it is the hypercall's return or the
// status rc, and the record in the uploaded file (offsets from an independent parse, src/elf).
import { describe, expect, it } from "vitest";
import { parseElf, relocSymbol } from "../../../src/elf/index.ts";
import { bootArch, Edit, payloadBytes } from "./support/payloads.ts";
import { ACTION, EBUSY, EINVAL, MS, apply, booted, failures, revert, sample, upload } from "./harness.ts";

const EOPNOTSUPP = 95;
const ENOENT = 2;

async function refused(edit: (e: Edit) => unknown, base = "xen_expectations") {
  const hv = await bootArch("x86_64");
  const e = new Edit(payloadBytes("x86_64", base));
  edit(e);
  expect(hv.upload("p", e.bytes)).toBeLessThan(0);
  const f = failures(hv);
  expect(f).toHaveLength(1);
  return { e, f: f[0] };
}


/** xen_nop's APPLY with CPU 2 arriving 45 ms late at a 30 ms rendezvous: it times out. */
async function timedOutApply() {
  const hv = await booted();
  upload(hv, "x86_64", "xen_nop");
  hv.setCpuDelay(2, 45 * MS);
  expect(hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0)).toBe(0);
  hv.advance(60 * MS);
  return hv;
}

describe("upload failures locate their record", () => {
  it("a section header check points at the section header", async () => {
    const { e, f } = await refused((x) => x.sh(".rodata.str1.1", "addralign", 3n), "xen_nop");
    const s = e.section(".rodata.str1.1");
    expect(f).toMatchObject({ rule: "section-align-not-power-of-two", rc: -EOPNOTSUPP, sectionIndex: s.index, offset: s.header.offset, length: 64 });
  });

  it("a relocation check names the relocation section, the entry and its symbol", async () => {
    const { e, f } = await refused((x) => x.relType(".livepatch.funcs", 1, 10));
    const t = e.relocs(".livepatch.funcs");
    const rs = e.elf.sections[t.sectionIndex];
    expect(f).toMatchObject({
      rule: "reloc-type-unsupported",
      section: rs.name,
      sectionIndex: rs.index,
      offset: t.recordOffset + 24,
      length: 24,
      reloc: { section: rs.name, sectionIndex: rs.index, index: 1 },
    });
    expect(f.symbol?.index).toBe(relocSymbol(t, 1));
  });

  it("a symbol check names the symbol and its table entry", async () => {
    const { e, f } = await refused((x) => x.renameSymbol("xen_extra_version", "xen_extra_versiom"));
    const i = e.symIndex("xen_extra_version");
    const symtab = e.section(".symtab");
    expect(f).toMatchObject({ rule: "symbol-unresolved", rc: -ENOENT, symbol: { index: i, name: "xen_extra_versiom" }, offset: symtab.dataOffset + i * 24, length: 24 });
  });

  it("a function check names the record in .livepatch.funcs", async () => {
    const { e, f } = await refused((x) => x.u8(x.dataAt(".livepatch.funcs", 32), 1));
    const s = e.section(".livepatch.funcs");
    expect(f).toMatchObject({ rule: "func-version-mismatch", section: ".livepatch.funcs", sectionIndex: s.index, offset: s.dataOffset, length: 104, func: { index: 0, name: "xen_extra_version" } });
  });

  it("the xen_depends check carries both build-ids", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("w", payloadBytes("x86_64", "xen_wrong_xen_buildid"))).toBe(-EINVAL);
    const f = failures(hv)[0];
    const e = new Edit(payloadBytes("x86_64", "xen_wrong_xen_buildid"));
    const note = e.dataAt(".livepatch.xen_depends");
    const descsz = e.readU32(note + 4);
    expect(f).toMatchObject({ rule: "xen-depends-mismatch", section: ".livepatch.xen_depends", offset: note });
    expect(f.actual).toBe(Buffer.from(hv.bootSpec!.buildId!).toString("hex"));
    expect(f.expected).toBe(Buffer.from(e.bytes.subarray(note + 16, note + 16 + descsz)).toString("hex"));
    expect(f.expected).not.toBe(f.actual);
    // xen/common/livepatch.c check_xen_buildid(): LIVEPATCH "%s: build-id mismatch:\n" (LIVEPATCH is
    // "livepatch: "), then the two %*phN lines; the finding leads with the first line.
    expect(f.explanation).toBe(`livepatch: w: build-id mismatch: (the payload was built for Xen ${f.expected}; this one is ${f.actual})`);
  });
});

describe("action failures", () => {
  it("an expectation mismatch at APPLY: hypercall rc, the record, expected and actual bytes", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_expectations_fail");
    expect(apply(hv, "xen_expectations_fail")).toBe(-EINVAL);
    const old = hv.symbol("xen_extra_version")!.addr;
    const [f] = failures(hv);
    expect(f).toMatchObject({ op: "APPLY", rule: "expect-mismatch", rc: -EINVAL, rcKind: "hypercall", section: ".livepatch.funcs", func: { index: 0 }, expected: "deadc0debabe" });
    expect(f.actual).toBe(Buffer.from(hv.readMemory(old, 6)!).toString("hex"));
    // The expectation block of record 0: struct livepatch_func (xen/include/public/sysctl.h) puts
    // it after name, new_addr, old_addr (8 each), new_size, old_size (4 each), version and _pad[39].
    const funcs = parseElf(sample("x86_64/xen_expectations_fail.livepatch")).sections.find((s) => s.name === ".livepatch.funcs")!;
    expect(f).toMatchObject({ offset: Number(funcs.offset) + 8 * 3 + 4 * 2 + 1 + 39, length: 32 });
  });

  it("a re-apply after revert of a payload with data: status rc, hypercall 0, its data section", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_data_bss");
    apply(hv, "xen_data_bss");
    revert(hv, "xen_data_bss");
    expect(apply(hv, "xen_data_bss")).toBe(0);
    expect(failures(hv)).toMatchObject([{ op: "APPLY", rule: "reapply-refused", rc: -EINVAL, rcKind: "status" }]);
    expect([".data", ".bss"]).toContain(failures(hv)[0].section);
  });

  it("a depends mismatch names what it was compared with; revert out of order names the top", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_bye_world");
    expect(apply(hv, "xen_bye_world")).toBe(-EINVAL);
    expect(failures(hv).at(-1)).toMatchObject({ rule: "depends-chain-mismatch", other: "hypervisor", section: ".livepatch.depends", rcKind: "hypercall" });
    // xen/common/livepatch.c build_id_dep(): LIVEPATCH "%s: check against %s build-id failed\n" with
    // the payload's name and "hypervisor" when nothing is applied.
    expect(failures(hv).at(-1)!.explanation).toMatch(/^livepatch: xen_bye_world: check against hypervisor build-id failed \(/);
    upload(hv, "x86_64", "xen_hello_world");
    apply(hv, "xen_hello_world");
    apply(hv, "xen_bye_world");
    expect(revert(hv, "xen_hello_world")).toBe(-EBUSY);
    expect(failures(hv).at(-1)).toMatchObject({ op: "REVERT", rule: "revert-not-top", rc: -EBUSY, rcKind: "hypercall", other: "xen_bye_world" });
  });

  it("a rendezvous timeout is a status rc failure of the action", async () => {
    const hv = await timedOutApply();
    expect(failures(hv)).toMatchObject([{ op: "APPLY", rule: "rendezvous-timeout", rc: -EBUSY, rcKind: "status" }]);
  });

  it("a pre-revert hook overridden by a knob: the code runs, the event says the knob's value won", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_prepost_hooks");
    apply(hv, "xen_prepost_hooks");
    // fixtures/payloads/prepost_hooks.c prepost_pre_revert() returns -1 on its first call: the
    // knob's -22 is what Xen goes on with, the code's own -1 is kept as `returned`
    hv.setHookResult("xen_prepost_hooks", "prerevert", -22);
    expect(revert(hv, "xen_prepost_hooks")).toBe(-22);
    const hook = hv.events().filter((e) => e.kind === "hook" && e.hook === "prerevert");
    expect(hook).toMatchObject([{ rc: -22, overridden: true, executed: true, outcome: "returned", returned: -1 }]);
    expect(failures(hv)).toMatchObject([{ op: "REVERT", rule: "hook-prerevert-failed", rc: -22, rcKind: "hypercall" }]);
  });
});

// An action-time refusal Xen prints a line for leads its explanation (the console's check-failed
// line and the audit's finding) with that line; one Xen refuses silently says so. The expected
// fragments are copied from xen/common/livepatch.c (LIVEPATCH is "livepatch: ").
describe("action refusals lead with the line Xen prints", () => {
  const last = (hv: Awaited<ReturnType<typeof booted>>) => failures(hv).at(-1)!.explanation;

  it("REVERT out of order: \"%s: can't unload. Top is %s\"", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_hello_world");
    upload(hv, "x86_64", "xen_bye_world");
    apply(hv, "xen_hello_world");
    apply(hv, "xen_bye_world");
    expect(revert(hv, "xen_hello_world")).toBe(-EBUSY);
    expect(last(hv)).toBe("livepatch: xen_hello_world: can't unload. Top is xen_bye_world (only the last applied payload can be reverted)");
  });

  it("re-APPLY with .data: \"%s: can't revert as payload has .data. Please unload\"", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_data_bss");
    apply(hv, "xen_data_bss");
    revert(hv, "xen_data_bss");
    apply(hv, "xen_data_bss");
    expect(last(hv)).toMatch(/^livepatch: xen_data_bss: can't revert as payload has \.data\. Please unload \(/);
  });

  it("pre-apply and pre-revert vetoes: \"%s: pre-apply hook failed (rc=%d), aborting!\"", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_prepost_hooks");
    hv.setHookResult("xen_prepost_hooks", "preapply", -EINVAL);
    expect(apply(hv, "xen_prepost_hooks")).toBe(-EINVAL);
    expect(last(hv)).toMatch(/^livepatch: xen_prepost_hooks: pre-apply hook failed \(rc=-22\), aborting! \(/);
    hv.setHookResult("xen_prepost_hooks", "preapply", 0);
    expect(apply(hv, "xen_prepost_hooks")).toBe(0);
    hv.setHookResult("xen_prepost_hooks", "prerevert", -1);
    expect(revert(hv, "xen_prepost_hooks")).toBe(-1);
    expect(last(hv)).toMatch(/^livepatch: xen_prepost_hooks: pre-revert hook failed \(rc=-1\), aborting! \(/);
    // The line is printed once, where Xen prints it.
    expect(hv.consoleLines().filter((l) => l.includes("pre-revert hook failed"))).toHaveLength(1);
  });

  it("REPLACE with vetoing hooks: \"%s: REPLACE action is not supported on livepatches with vetoing hooks!\"", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_prepost_hooks");
    expect(hv.action("xen_prepost_hooks", ACTION.REPLACE, 0, 0)).toBe(-EOPNOTSUPP);
    expect(last(hv)).toBe("livepatch: xen_prepost_hooks: REPLACE action is not supported on livepatches with vetoing hooks! (xen_prepost_hooks has a pre/post apply/revert hook)");
  });

  it("an expectation mismatch: \"%s: expectation failed: expected:%*phN, actual:%*phN\" (the function's name)", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_expectations_fail");
    expect(apply(hv, "xen_expectations_fail")).toBe(-EINVAL);
    const actual = Buffer.from(hv.readMemory(hv.symbol("xen_extra_version")!.addr, 6)!).toString("hex");
    expect(last(hv)).toBe(`livepatch: xen_extra_version: expectation failed: expected:deadc0debabe, actual:${actual}`);
  });

  it("a rendezvous timeout: \"%s: Timed out on semaphore in %s quiesce phase %u/%u\"", async () => {
    const hv = await timedOutApply();
    expect(last(hv)).toMatch(/^livepatch: xen_nop: Timed out on semaphore in CPU quiesce phase \d+\/\d+ \(CPU2 missed the deadline\)$/);
  });

  it("a failing action hook: Xen's only line is \"%s finished %s with rc=%d\" (check_for_livepatch_work())", async () => {
    // livepatch_do_action() stores the hook's rc in data->rc with no printk of its own; the one line
    // is the XENLOG_INFO "finished" line printed after the rendezvous.
    const hv = await booted();
    upload(hv, "x86_64", "xen_action_hooks");
    hv.setHookResult("xen_action_hooks", "apply", -EINVAL);
    expect(apply(hv, "xen_action_hooks")).toBe(0);
    expect(hv.consoleLines()).toContain("livepatch: xen_action_hooks finished APPLY with rc=-22");
    expect(last(hv)).toMatch(/^livepatch: xen_action_hooks finished APPLY with rc=-22 \(the apply action hook returned -22; Xen prints no error line for it/);
    hv.setHookResult("xen_action_hooks", "apply", 0);
    expect(apply(hv, "xen_action_hooks")).toBe(0);
    hv.setHookResult("xen_action_hooks", "revert", -1);
    expect(revert(hv, "xen_action_hooks")).toBe(0);
    expect(hv.consoleLines()).toContain("livepatch: xen_action_hooks finished REVERT with rc=-1");
    expect(last(hv)).toMatch(/^livepatch: xen_action_hooks finished REVERT with rc=-1 \(the revert action hook returned -1; Xen prints no error line for it/);
  });

  it("a refusal Xen prints nothing for says so: -EBUSY when scheduled, -ENOENT for an unknown name", async () => {
    const hv = await booted();
    upload(hv, "x86_64", "xen_nop");
    // livepatch_action(): is_work_scheduled() -> rc = -EBUSY, no printk.
    expect(hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    expect(hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0)).toBe(-EBUSY);
    expect(last(hv)).toMatch(/Xen returns -EBUSY without a message$/);
    // find_payload() finds nothing -> -ENOENT, no printk.
    expect(hv.action("nope", ACTION.APPLY, 0, 0)).toBe(-ENOENT);
    expect(last(hv)).toMatch(/Xen returns this without a message$/);
  });
});
