// Exports: JSON keeps the contract keys; Markdown and text lead with the verdict and its reason,
// show the plan as the simulator ran it, and group findings by file, then severity.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, toJson, toMarkdown, toText, type AuditResult } from "./index.ts";
import { Patch, sample } from "./test-support/samples.ts";

let result: AuditResult;
beforeAll(async () => {
  const files = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_expectations_fail.livepatch"].map((file) => ({ file, bytes: sample(file), role: "apply" as const }));
  result = await runAudit({ image: { file: "x86_64/xen-syms", bytes: sample("x86_64/xen-syms") }, files }, await nodeAuditHost());
});

describe("audit reports", () => {
  it("JSON round-trips with verdict, reason, steps and findings carrying id/severity/message/why", () => {
    const j = JSON.parse(toJson(result));
    expect(j.verdict).toBe("reject");
    expect(j.reason).toMatch(/^x86_64\/xen_expectations_fail\.livepatch: /);
    expect(j.findings.length).toBe(result.findings.length);
    for (const f of j.findings) for (const k of ["id", "severity", "message", "why"]) expect(typeof f[k]).toBe("string");
    // hello: upload 0, apply 0 then APPLIED; expectations_fail: upload 0, then APPLY refused.
    expect(j.steps.map((s: { op: string; ret: number }) => `${s.op}:${s.ret}`)).toEqual(["upload:0", "apply:0", "upload:0", "apply:-22"]);
    // The placed code (the page's disassembly) stays out: the report keeps the placement's keys.
    expect(result.files[0].placement?.code.length).toBeGreaterThan(0);
    expect(Object.keys(j.files[0].placement)).toEqual(["payload", "patches"]);
  });

  it("Markdown has the verdict, the plan table and findings under their file, errors first", () => {
    const md = toMarkdown(result);
    expect(md.split("\n")[0]).toBe("# Livepatch audit: REJECT");
    expect(md).toContain("| 2 | `x86_64/xen_expectations_fail.livepatch` | apply |");
    const section = md.slice(md.indexOf("## x86_64/xen_expectations_fail.livepatch"));
    expect(section.indexOf("### Errors")).toBeLessThan(section.indexOf("### Info"));
    // Applied after hello, the chain check fails before the expectation is looked at.
    expect(section).toMatch(/- \*\*`depends-chain-mismatch`\*\* \(\.livepatch\.depends @0x[0-9a-f]+\) → −EINVAL/);
  });

  it("Markdown keeps a hostile file name inert: backticks cannot close its code span, no raw HTML", () => {
    const evil = "a`b<script>x</script>|c.livepatch";
    const renamed: AuditResult = { ...result, files: result.files.map((f, i) => (i === 1 ? { ...f, file: evil } : f)), findings: result.findings.map((f) => (f.fileIndex === 1 ? { ...f, file: evil } : f)) };
    const md = toMarkdown(renamed);
    // A two-backtick fence, padded, around the name (CommonMark code spans); the table's pipe escaped.
    expect(md).toContain("| 2 | `` a`b<script>x</script>\\|c.livepatch `` | apply |");
    expect(md).toContain("## a`b&lt;script&gt;x&lt;/script&gt;\\|c.livepatch");
    expect(md).not.toMatch(/^[^`]*<script>/m);
  });

  it("text starts with the verdict line, then the reason and the plan, and lists each file once", () => {
    const lines = toText(result).split("\n");
    expect(lines[0]).toMatch(/^verdict: REJECT against x86_64\/xen-syms/);
    // The counts agree with their nouns, checked against the findings themselves.
    const n = (sev: string) => result.findings.filter((f) => f.severity === sev).length;
    const word = (k: number, noun: string) => `${k} ${k === 1 ? noun : `${noun}s`}`;
    expect(lines[0]).toMatch(new RegExp(`: ${word(n("error"), "error")}, ${word(n("warning"), "warning")}, ${n("info")} info$`));
    expect(lines[1]).toMatch(/^reason: x86_64\/xen_expectations_fail\.livepatch: /);
    expect(lines[2]).toBe("plan: xen_hello_world (apply), xen_expectations_fail (apply)");
    expect(toText(result).match(/^x86_64\/xen_hello_world\.livepatch:$/gm)).toHaveLength(1);
  });
});

describe("the image's machine in the reports", () => {
  it("is named as the page names it: x86_64, or e_machine N for a machine Xen does not livepatch", async () => {
    expect(toText(result).split("\n")[0]).toContain(" against x86_64/xen-syms (x86_64, build-id ");
    // e_machine is the ELF header's u16 at offset 18 (ELF spec); 3 is EM_386, which Xen does not livepatch.
    const bytes = sample("x86_64/xen-syms").slice();
    bytes[18] = 3;
    bytes[19] = 0;
    const files = [{ file: "x86_64/xen_nop.livepatch", bytes: sample("x86_64/xen_nop.livepatch"), role: "apply" as const }];
    const other = await runAudit({ image: { file: "i386-xen-syms", bytes }, files }, await nodeAuditHost());
    // The simulated hypervisor cannot boot it: the image is refused with its header field, not an internal error.
    expect(other.verdict).toBe("reject");
    expect(other.findings).toContainEqual(expect.objectContaining({ id: "file-unreadable", file: "i386-xen-syms", offset: 18 }));
    // The build-id is the one readelf -n prints for public/samples/x86_64/xen-syms.
    const id = "edb3406f68fc5942d2ae9b0188056f8b25bc2910";
    expect(toText(other).split("\n")[0]).toContain(` against i386-xen-syms (e_machine 3, build-id ${id})`);
    expect(toMarkdown(other)).toContain(`- Hypervisor image: \`i386-xen-syms\` (e_machine 3, build-id \`${id}\`)`);
  });
});

// `.rela.livepatch.funcs` with sh_info 5000 (past the section table): Xen skips it
// (livepatch_elf.c: sh_info >= e_shnum, continue), so funcs[0]'s old_addr and name stay 0 and
// resolve_old_address() calls symbols_lookup_by_name(NULL), which reads through the NULL name:
// a fatal page fault inside the UPLOAD hypercall, which never returns.
describe("audit reports: the host panics during UPLOAD", () => {
  let down: AuditResult;
  beforeAll(async () => {
    const hello = new Patch(sample("x86_64/xen_hello_world.livepatch")).shdr(".rela.livepatch.funcs", "info", 5000).bytes;
    const files = [
      { file: "x86_64/xen_hello_world.livepatch", bytes: hello, role: "apply" as const },
      { file: "x86_64/xen_bye_world.livepatch", bytes: sample("x86_64/xen_bye_world.livepatch"), role: "apply" as const },
    ];
    down = await runAudit({ image: { file: "x86_64/xen-syms", bytes: sample("x86_64/xen-syms") }, files }, await nodeAuditHost());
  });

  it("JSON: the step has ret null (no return) and the panic's message; no later step is run on the dead host", () => {
    const j = JSON.parse(toJson(down));
    expect(j.halted).toBe(true);
    expect(j.steps).toHaveLength(1);
    expect(j.steps[0]).toMatchObject({ op: "upload", name: "xen_hello_world", ret: null });
    expect(j.steps[0].panic).toMatch(/^FATAL PAGE FAULT\n/);
    expect(Object.keys(j.steps[0])).not.toContain("state");
    // The two `halted` keys (README): the host is down, but no rollback REVERT crashed it; none ran.
    expect(j.rollback).toMatchObject({ exercised: false, halted: false, skipped: "the host panicked during the plan" });
  });

  it("text and Markdown: the UPLOAD line says it never returned, with no errno", () => {
    const text = toText(down);
    expect(text).toContain("\n  UPLOAD xen_hello_world: hypercall never returned: the host panicked during it\n  rollback: not exercised: the host panicked during the plan\n  the simulated host halted (panic)\n");
    expect(toMarkdown(down)).toContain("\n- UPLOAD xen_hello_world: hypercall never returned: the host panicked during it\n");
    for (const out of [text, toMarkdown(down), toJson(down)]) expect(out).not.toMatch(/ENOSYS|-38\b/);
    expect(text).not.toContain("xen_bye_world:");
  });
});
