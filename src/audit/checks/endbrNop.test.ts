// NOP-outs of an old function that starts with ENDBR64 (the sample image's xen_changeset), against
// Xen's arch_livepatch_apply(): patch_offset = ENDBR64_LEN = 4, livepatch_insn_len() = new_size - 4
// (unsigned), `if ( !len ) return;`. new_size 4 writes nothing; 2 wraps to 4294967294 and overruns
// the 31-byte buffers (func-nop-overrun); 8 writes 4 bytes of NOPs after the ENDBR64.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { runAudit, toText, type AuditHost, type AuditResult } from "../index.ts";
import { Patch, sample } from "../test-support/samples.ts";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function nopOut(newSize: number): Promise<AuditResult> {
  // xen_endbr with its new_addr relocation dropped (new_addr 0: a NOP-out) and new_size set.
  const p = new Patch(sample("x86_64/xen_endbr.livepatch"));
  p.reloc(".rela.livepatch.funcs", 1, { type: 0 }).u32(p.func(0, "new_size"), newSize);
  return runAudit({ image: { file: "xen-syms", bytes: sample("x86_64/xen-syms") }, files: [{ file: `endbr_nop${newSize}.livepatch`, bytes: p.bytes, role: "apply" }] }, host);
}

describe("NOP-out on an ENDBR64 function", () => {
  it("new_size 4 covers only the ENDBR64: APPLY writes nothing, and a warning says so", async () => {
    const r = await nopOut(4);
    expect(r.verdict).toBe("accept");
    expect(r.files[0].placement?.patches[0]).toMatchObject({ patchOffset: 4, insn: "nop", bytes: "" });
    const w = r.findings.filter((f) => f.id === "func-nop-endbr-only");
    expect(w).toHaveLength(1);
    expect(w[0].severity).toBe("warning");
    expect(w[0].message).toContain("the NOP-out covers only the ENDBR64 at 0xffff82d0402001a0, which Xen skips (new_size 4 = ENDBR64's length, so livepatch_insn_len() is 0): APPLY writes nothing");
    expect(r.findings.some((f) => f.id === "func-endbr-skip")).toBe(false);
  });

  it("new_size 8 writes 4 NOP bytes after the ENDBR64: no such warning", async () => {
    const r = await nopOut(8);
    expect(r.findings.some((f) => f.id === "func-nop-endbr-only")).toBe(false);
    expect(r.files[0].placement?.patches[0]).toMatchObject({ patchOffset: 4, addr: "0xffff82d0402001a4" });
    expect(r.files[0].placement?.patches[0].bytes.length).toBe(8);
  });

  it("new_size 2 wraps and overruns Xen's buffers: the reason quotes no empty panic message", async () => {
    const r = await nopOut(2);
    expect(r.verdict).toBe("reject");
    expect(r.reason).toContain("the host goes down during APPLY, with no message from Xen (a NOP-out of 4294967294 bytes");
    expect(r.reason).not.toContain('""');
    expect(toText(r)).toContain("APPLY endbr_nop2: hypercall 0; the host panicked");
  });
});
