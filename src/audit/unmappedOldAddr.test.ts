// An unmapped old_addr on x86: prepare_payload() -> arch_livepatch_verify_func() reads
// is_endbr64(old_addr) (xen/arch/x86/include/asm/endbr.h: *(const uint32_t *)ptr) with no fixup, so
// Xen takes a FATAL PAGE FAULT inside the UPLOAD hypercall: no rc, the host is down (README: ret null,
// halted). Sample hello world with old_addr's relocation addend 1 << 36: xen_extra_version
// (nm: ffff82d040200110) + 0x1000000000 = ffff82e040200110, nothing mapped there.
import { describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, toText } from "./index.ts";
import { Patch, sample } from "./test-support/samples.ts";

describe("an unmapped old_addr on x86", () => {
  it("panics the host in UPLOAD: no −EFAULT, ret null, halted, one story in finding and step", async () => {
    const p = new Patch(sample("x86_64/xen_hello_world.livepatch")).addend(".rela.livepatch.funcs", 2, 1n << 36n);
    const r = await runAudit({ image: { file: "xen-syms", bytes: sample("x86_64/xen-syms") }, files: [{ file: "far.livepatch", bytes: p.bytes, role: "apply" }] }, await nodeAuditHost());
    expect(r.verdict).toBe("reject");
    expect(r.halted).toBe(true);
    expect(r.steps).toEqual([{ file: "far.livepatch", name: "far", op: "upload", ret: null, console: expect.any(Array), panic: "FATAL PAGE FAULT\n[error_code=0000]\nFaulting linear address: ffff82e040200110" }]);
    const f = r.findings.find((x) => x.id === "func-old-addr-unmapped");
    expect(f?.message).toContain("old_addr 0xffff82e040200110 is not mapped; is_endbr64() in arch_livepatch_verify_func() reads its first 4 bytes and takes a fatal page fault");
    expect(f?.rc).toBeUndefined();
    expect(f?.stage).toBe("runtime");
    expect(toText(r)).toContain("UPLOAD far: hypercall never returned: the host panicked during it");
    expect(toText(r)).not.toMatch(/EFAULT/);
  });
});
