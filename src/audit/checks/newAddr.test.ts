// Where new_addr leads, on hello world (committed sample) with its new_addr relocation edited.
// Expected values from readelf/nm on the samples: funcs[0] is the one record of .livepatch.funcs at
// file offset 0x160, its new_addr field at +8 (0x168); `readelf -sW` of the payload: xen_hello_world
// FUNC size 8 in [12] .text.xen_hello_world, hello_world_modinfo OBJECT in [17] .modinfo (A, no X:
// Xen's ro region), hello_world_counter OBJECT in [29] .bss.hello_world_counter (WA); `nm` of
// x86_64/xen-syms: xen_extra_version T 0xffff82d040200110, xen_major_version T 0xffff82d040200120,
// compile_by r 0xffff82d040211080 in [2] .rodata (A, no X); nothing is mapped at 0xffff82d050000000
// (the last section below it ends well before, readelf -SW). Relocation 1 of .rela.livepatch.funcs
// is new_addr's (offset 8, readelf -rW).
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { runAudit, type AuditHost, type Finding } from "../index.ts";
import { Patch, sample } from "../test-support/samples.ts";

const HELLO = "x86_64/xen_hello_world.livepatch";
const X = "x86_64/xen-syms";
let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function findings(edit: (p: Patch) => void, path = HELLO, image = X): Promise<{ verdict: string; found: Finding[]; errors: string[]; all: Finding[] }> {
  const p = new Patch(sample(path));
  edit(p);
  const r = await runAudit({ image: { file: "xen-syms", bytes: sample(image) }, files: [{ file: "p.livepatch", bytes: p.bytes, role: "apply" }] }, host);
  return { verdict: r.verdict, found: r.findings.filter((f) => f.id.startsWith("func-new-addr")), errors: r.findings.filter((f) => f.severity === "error").map((f) => f.id), all: r.findings };
}
const absolute = (v: bigint) => (p: Patch) => p.reloc(".rela.livepatch.funcs", 1, { type: 0 }).word(p.func(0, "new_addr"), v);

describe("new_addr review", () => {
  it("hello world as built: new_addr is xen_hello_world, the start of a payload function", async () => {
    expect((await findings(() => {})).found).toEqual([]);
  });

  it("xen_hello_world+3: a warning naming it, at the new_addr field", async () => {
    const r = await findings((p) => p.addend(".rela.livepatch.funcs", 1, 3n));
    // +3 is inside the 7-byte lea (objdump): what runs there crashes xl info's first call, the error.
    expect(r.errors).toEqual(["call-after-apply-crashes"]);
    expect(r.found).toHaveLength(1);
    expect(r.found[0]).toMatchObject({ id: "func-new-addr-not-function-start", severity: "warning", section: ".livepatch.funcs", offset: 0x168, func: { index: 0 } });
    expect(r.found[0].message).toMatch(/^funcs\[0\] \(xen_extra_version\): new_addr 0x[0-9a-f]+ is xen_hello_world\+0x3 in \.text\.xen_hello_world, the payload's text, not the start of a function/);
  });

  it("the payload's .modinfo (read-only data) and .bss (writable data): errors, not code", async () => {
    const ro = await findings((p) => p.reloc(".rela.livepatch.funcs", 1, { sym: p.symbol("hello_world_modinfo").index }));
    expect(ro.verdict).toBe("reject");
    expect(ro.found.map((f) => [f.id, f.severity])).toEqual([["func-new-addr-not-code", "error"]]);
    expect(ro.found[0].message).toContain("is hello_world_modinfo in .modinfo, the payload's read-only data, not code: the first call");
    const rw = await findings((p) => p.reloc(".rela.livepatch.funcs", 1, { sym: p.symbol("hello_world_counter").index }));
    expect(rw.found[0]?.message).toContain("is hello_world_counter in .bss.hello_world_counter, the payload's writable data, not code");
  });

  it("absolute values in Xen: its own function is a warning, the middle of one too, its .rodata and nothing an error", async () => {
    const fn = await findings(absolute(0xffff82d040200120n));
    // The new_addr review warns; the call after APPLY rejects: xen_extra_version now returns
    // xen_major_version's 4 (objdump: mov $0x4,%eax), which Xen copies as a string from address 4.
    expect(fn.errors).toEqual(["call-after-apply-crashes"]);
    expect(fn.all.find((f) => f.id === "call-after-apply-crashes")?.message).toContain("XENVER_extraversion2 runs xen_extra_version, and the host crashes with \"FATAL PAGE FAULT / [error_code=0000] / Faulting linear address: 0000000000000004\"");
    expect(fn.found.map((f) => f.message)).toEqual([
      "funcs[0] (xen_extra_version): new_addr 0xffff82d040200120 is xen_major_version in xen-syms's .text, Xen's own function, not a function of this payload: the patched function runs Xen's code from there",
    ]);
    const mid = await findings(absolute(0xffff82d040200121n));
    expect(mid.found[0].message).toContain("new_addr 0xffff82d040200121 is xen_major_version+0x1 in xen-syms's .text, the middle of Xen's own code");
    const data = await findings(absolute(0xffff82d040211080n));
    expect(data.verdict).toBe("reject");
    expect(data.found.map((f) => f.id)).toEqual(["func-new-addr-not-code"]);
    expect(data.found[0].message).toContain("funcs[0] (xen_extra_version): new_addr 0xffff82d040211080 is compile_by in xen-syms's .rodata, not code");
    const none = await findings(absolute(0xffff82d050000000n));
    expect(none.found[0]).toMatchObject({ id: "func-new-addr-not-code", message: expect.stringContaining("is outside the payload and every section of xen-syms") });
  });

  it("a NOP-out (new_addr 0) is not judged", async () => {
    expect((await findings(absolute(0n))).found).toEqual([]);
  });

  it("aarch64: xen_hello_world+4 is mid-function too", async () => {
    const r = await findings((p) => p.addend(".rela.livepatch.funcs", 1, 4n), "aarch64/xen_hello_world.livepatch", "aarch64/xen-syms");
    expect(r.found.map((f) => f.id)).toEqual(["func-new-addr-not-function-start"]);
    expect(r.found[0].message).toContain("is xen_hello_world+0x4 in .text.xen_hello_world");
  });
});
