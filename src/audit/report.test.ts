// Exports: JSON keeps the contract keys; Markdown and text group findings by file, then severity.
import { describe, expect, it } from "vitest";
import { auditPayloads, toJson, toMarkdown, toText } from "./index.ts";
import { imageFor, sample } from "./test-support/samples.ts";

const files = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_expectations_fail.livepatch"].map((file) => ({ file, bytes: sample(file) }));
const result = auditPayloads(files, imageFor("x86_64/xen-syms"));

describe("audit reports", () => {
  it("JSON round-trips with verdict and findings carrying id/severity/message/why", () => {
    const j = JSON.parse(toJson(result));
    expect(j.verdict).toBe("reject");
    expect(j.findings.length).toBe(result.findings.length);
    for (const f of j.findings) for (const k of ["id", "severity", "message", "why"]) expect(typeof f[k]).toBe("string");
    expect(j.predictions.map((p: { apply: number }) => p.apply)).toEqual([0, -22]);
  });

  it("Markdown has the verdict, a payload table and findings under their file, errors first", () => {
    const md = toMarkdown(result);
    expect(md.split("\n")[0]).toBe("# Livepatch audit: REJECT");
    expect(md).toContain("| 2 | `x86_64/xen_expectations_fail.livepatch` |");
    const section = md.slice(md.indexOf("## x86_64/xen_expectations_fail.livepatch"));
    expect(section.indexOf("### Errors")).toBeLessThan(section.indexOf("### Warnings"));
    // Applied after hello, the chain check fails before the expectation is looked at.
    expect(section).toMatch(/- \*\*`depends-chain-mismatch`\*\* \(\.livepatch\.depends @0x[0-9a-f]+\) → −EINVAL/);
    expect(section).toContain("### Info");
  });

  it("text starts with the verdict line and lists each file once", () => {
    const text = toText(result);
    expect(text.split("\n")[0]).toMatch(/^verdict: REJECT against x86_64\/xen-syms/);
    expect(text.match(/^x86_64\/xen_hello_world\.livepatch:$/gm)).toHaveLength(1);
  });
});
