// The stand-in Xen for an audit without an image: what it invents (checked by hand against the
// payloads' symbol tables), and that every sample the real sample image accepts is accepted by
// the stand-in too, placed by the same simulator rules.
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { listSamples, readSample } from "../test-support/samples.ts";
import { buildElf } from "../livepatch/testing/elfBuilder.ts";
import { runAudit, syntheticImage, type AuditHost } from "./index.ts";
import { standInRefusal } from "./review.ts";
import type { CheckFailedEvent } from "../protocol/hypervisor.ts";

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
  it("is the machine Xen reads e_machine as: an AArch64 payload marked big-endian (EI_DATA 2) is AArch64 (QA s27-a defect 2)", () => {
    // Xen reads the header in place on a little-endian host; AArch64's arch_livepatch_verify_elf()
    // checks e_machine and EI_CLASS, never EI_DATA. The reader honours byte 5: e_machine 0xb700.
    const bytes = readSample("aarch64/xen_hello_world.livepatch").slice();
    bytes[5] = 2;
    const elf = parseElf(bytes);
    expect(elf.header.machine).toBe(0xb700);
    expect(syntheticImage([{ elf, model: analyzePayload(elf) }]).arch).toBe("aarch64");
  });

  it("carries the build-id xen_depends names and invents each undefined symbol (x86 hello world)", () => {
    const hello = input("x86_64/xen_hello_world.livepatch");
    const img = syntheticImage([hello]);
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
    const img = syntheticImage([exp]);
    const fn = exp.model.funcs[0];
    const at = img.symbols.find((s) => s.name === "xen_extra_version")!;
    const off = Number(at.addr - img.text.addr);
    expect(hex(img.text.bytes.subarray(off, off + fn.expect!.len))).toBe(hex(fn.expect!.expected.subarray(0, fn.expect!.len)));
    const both = syntheticImage([input("x86_64/xen_dup_a.livepatch"), input("x86_64/xen_dup_b.livepatch")]);
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

describe("a plan with no livepatch payload in it, and no image", () => {
  // A plain relocatable object: code, a symbol, nothing of livepatch's.
  const plain = (machine = 62, padTo = 0) =>
    buildElf({
      machine,
      sections: [
        { name: ".text", flags: 6, data: Uint8Array.of(0x31, 0xc0, 0xc3) },
        ...(padTo ? [{ name: ".data", flags: 3, data: new Uint8Array(padTo) }] : []),
      ],
      symbols: [{ name: "f", section: ".text", size: 3 }],
    }).bytes;
  const audit = (bytes: Uint8Array) => runAudit({ image: null, files: [{ file: "plain.o", bytes, role: "apply" }] }, host);

  it("still uploads it to the stand-in, which refuses it as Xen does (no .livepatch.xen_depends: -EINVAL)", async () => {
    const r = await audit(plain());
    // xen/common/livepatch.c load_payload_data(): check_xen_buildid() runs right after the ELF
    // is loaded, and a missing section is -EINVAL.
    expect(r.verdict).toBe("reject");
    expect(r.steps.map((s) => `${s.op}:${s.ret}`)).toEqual(["upload:-22"]);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["xen-depends-missing"]);
  });

  it("refuses one above 2 MiB before reading it (Xen's upload size limit)", async () => {
    const r = await audit(plain(62, 2 * 1024 * 1024));
    expect(r.verdict).toBe("reject");
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["payload-too-large"]);
  });

  it("a lone file that is not ELF at all is still uploaded, to an x86-64 stand-in, and refused as Xen refuses it", async () => {
    // xen/common/livepatch_elf.c livepatch_header_check(): "Not an ELF payload" is -EINVAL;
    // xen/common/livepatch.c verify_payload(): an upload of size 0 is -EINVAL.
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    for (const [bytes, refusal] of [[png, "elf-unparsable"], [new Uint8Array(0), "payload-empty"]] as const) {
      const r = await audit(bytes);
      expect(r.verdict).toBe("reject");
      expect(r.steps.map((s) => `${s.op}:${s.ret}`)).toEqual(["upload:-22"]);
      expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["file-unreadable", refusal]);
      expect(r.assumed).toBe(true);
      expect(r.assumptions.join(" ")).toMatch(/stand-in Xen is x86-64/);
    }
  });

  it("a lone file whose bytes could not be fetched is not uploaded, and is never passed", async () => {
    const r = await runAudit({ image: null, files: [{ file: "gone.livepatch", bytes: new Uint8Array(0), role: "apply" }] }, host, { unreadable: new Map([["gone.livepatch", "no such file"]]) });
    expect(r.verdict).toBe("reject");
    expect(r.steps).toEqual([]);
    expect(r.findings.map((f) => f.id)).toEqual(["file-unreadable"]);
  });

  it("an empty plan is not a pass", async () => {
    const r = await runAudit({ image: null, files: [] }, host);
    expect(r.verdict).toBe("reject");
    expect(r.findings.map((f) => f.id)).toEqual(["plan-invalid"]);
  });

  it("refuses an object for an architecture Xen does not livepatch, and says the stand-in's is assumed", async () => {
    const r = await audit(plain(243)); // EM_RISCV
    expect(r.verdict).toBe("reject");
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["elf-arch-unsupported"]);
    expect(r.assumptions.join(" ")).toMatch(/stand-in Xen is x86-64/);
  });
});

describe("a stand-in's refusal of a file the audit could not read", () => {
  const file = { file: "f.livepatch", fileIndex: 0 };
  const failed = (rule: string, other?: string): CheckFailedEvent => ({ t: 0, cpu: 0, payload: "f", kind: "check-failed", rule, op: "UPLOAD", rc: -22, rcKind: "hypercall", explanation: "x", ...(other ? { other } : {}) });
  it("is no finding when it rests on what the stand-in took from the files (build-id, symbols, old functions, expectations, addresses)", () => {
    expect(standInRefusal(failed("xen-depends-mismatch"), "UPLOAD", file)?.id).toBe("unchecked-xen-build-id");
    expect(standInRefusal(failed("depends-chain-mismatch", "hypervisor"), "APPLY", file)?.id).toBe("unchecked-xen-build-id");
    expect(standInRefusal(failed("symbol-unresolved"), "UPLOAD", file)?.id).toBe("unchecked-symbols");
    expect(standInRefusal(failed("expect-mismatch"), "APPLY", file)?.id).toBe("unchecked-expectations");
    expect(standInRefusal(failed("reloc-overflow"), "UPLOAD", file)?.id).toBe("unchecked-displacement");
  });
  it("stays Xen's answer when it does not: a header refusal, a missing xen_depends, a depends chain against an applied payload", () => {
    // Xen reads these from the file alone (xen/arch/x86/livepatch.c arch_livepatch_verify_elf(),
    // xen/common/livepatch.c check_xen_buildid()'s "section %s is missing", build_id_dep() against
    // the payload applied before).
    expect(standInRefusal(failed("elf-arch-unsupported"), "UPLOAD", file)).toBeNull();
    expect(standInRefusal(failed("xen-depends-missing"), "UPLOAD", file)).toBeNull();
    expect(standInRefusal(failed("depends-chain-mismatch", "xen_hello_world"), "APPLY", file)).toBeNull();
  });
});
