// The stand-in Xen for an audit without an image: what it invents (checked by hand against the
// payloads' symbol tables), and that every sample the real sample image accepts is accepted by
// the stand-in too, placed by the same simulator rules.
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { listSamples, readSample } from "../test-support/samples.ts";
import { runAudit, syntheticImage, type AuditHost } from "./index.ts";

const input = (rel: string) => {
  const elf = parseElf(readSample(rel));
  return { elf, model: analyzePayload(elf)! };
};
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

describe("the stand-in Xen", () => {
  it("carries the build-id xen_depends names and invents each undefined symbol (x86 hello world)", () => {
    const hello = input("x86_64/xen_hello_world.livepatch");
    const img = syntheticImage([hello])!;
    expect(img.arch).toBe("x86_64");
    expect(hex(img.buildId)).toBe(hello.model.xenDepends!.buildId);
    // readelf -s: the undefined names are printk and xen_extra_version; sorted, 32-byte slots
    // from 0x100 past the text base (old_size 8 is below the 32-byte minimum).
    const names = img.symbols.map((s) => `${s.name}@${s.addr.toString(16)}/${s.size}`);
    expect(names).toEqual(["printk@ffff82d040200100/32", "xen_extra_version@ffff82d040200120/32", "_start@ffff82d040200000/0", "_end@ffff82d040200240/0"]);
    // xor %eax,%eax; ret at each invented function.
    expect(hex(img.text.bytes.subarray(0x100, 0x103))).toBe("31c0c3");
    expect(img.assumptions.join(" ")).toMatch(/made-up addresses/);
  });

  it("writes an expectation's bytes where it looks, and keeps names a payload of the plan defines out of Xen", () => {
    const exp = input("x86_64/xen_expectations.livepatch");
    const img = syntheticImage([exp])!;
    const fn = exp.model.funcs[0];
    const at = img.symbols.find((s) => s.name === "xen_extra_version")!;
    const off = Number(at.addr - img.text.addr);
    expect(hex(img.text.bytes.subarray(off, off + fn.expect!.len))).toBe(hex(fn.expect!.expected.subarray(0, fn.expect!.len)));
    const both = syntheticImage([input("x86_64/xen_dup_a.livepatch"), input("x86_64/xen_dup_b.livepatch")])!;
    // Both define shared_counter (readelf -s) and both use xen_stub_0000: only the latter is Xen's.
    expect(both.symbols.some((s) => s.name === "shared_counter")).toBe(false);
    expect(both.symbols.some((s) => s.name === "xen_stub_0000")).toBe(true);
  });

  it("accepts (upload and apply) every sample its real image accepts, one by one", async () => {
    for (const arch of ["x86_64", "aarch64", "arm32"]) {
      for (const rel of listSamples((r) => r.startsWith(`${arch}/`) && r.endsWith(".livepatch"))) {
        const files = [{ file: rel, bytes: readSample(rel), role: "apply" as const }];
        const real = await runAudit({ image: { file: `${arch}/xen-syms`, bytes: readSample(`${arch}/xen-syms`) }, files }, host);
        const standIn = await runAudit({ image: null, files }, host);
        const ok = (r: typeof real) => r.steps.map((s) => `${s.op}:${s.ret}:${s.state ?? ""}`).join(" ");
        if (real.steps.every((s) => s.ret === 0 && (s.op === "upload" || s.state === 2))) expect(ok(standIn), rel).toBe(ok(real));
      }
    }
  });
});
