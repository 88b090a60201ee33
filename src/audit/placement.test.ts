// What the simulated hypervisor says about each sample once uploaded (the placement every view and
// `inspect` show): re-apply safety and REPLACE as the fixture sources make them, and the bytes
// APPLY would write, checked against the architecture's branch formulas from the addresses it
// reports (x86 rel32 from old + 4 after ENDBR64; ARM B from old, +8 on ARM32).
import { beforeAll, describe, expect, it } from "vitest";
import { findSymbol, parseElf } from "../elf/index.ts";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { readSample } from "../test-support/samples.ts";
import { runAudit, type AuditHost, type Placement } from "./index.ts";

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function placed(path: string, image: string | null = `${path.split("/")[0]}/xen-syms`): Promise<Placement> {
  const r = await runAudit({ image: image ? { file: image, bytes: readSample(image) } : null, files: [{ file: path, bytes: readSample(path), role: "upload" }] }, host);
  const p = r.files[0].placement;
  if (!p) throw new Error(`${path} was not placed: ${r.reason}`);
  return p;
}

const hexBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

// From fixtures/payloads/*.c: writable data (a .bss counter, writable hook sections gcc emits as
// WA) makes re-apply unsafe; a pre/post apply/revert hook makes REPLACE refuse the payload.
const FACTS: [path: string, safeToReapply: boolean, replacePossible: boolean][] = [
  ["x86_64/xen_hello_world.livepatch", false, true],
  ["arm32/xen_hello_world.livepatch", false, true],
  ["aarch64/xen_bye_world.livepatch", true, true],
  ["x86_64/xen_replace_world.livepatch", true, true],
  ["x86_64/xen_prepost_hooks.livepatch", false, false],
  ["aarch64/xen_action_hooks_nofunc.livepatch", false, true],
  ["x86_64/xen_data_bss.livepatch", false, true],
  ["x86_64/xen_expectations_fail.livepatch", true, true],
];

describe("the simulator's placement of the samples", () => {
  it.each(FACTS)("%s: safe to re-apply %s, REPLACE possible %s", async (path, safe, replace) => {
    const p = await placed(path);
    expect(p.payload.safeToReapply).toBe(safe);
    expect(!p.payload.vetoing).toBe(replace);
  });

  it.each(["x86_64", "aarch64", "arm32"])("%s NOP-out: NOPs over all but the last instruction of xen_minor_version", async (arch) => {
    const p = await placed(`${arch}/xen_nop.livepatch`);
    const sym = findSymbol(parseElf(readSample(`${arch}/xen-syms`)), "xen_minor_version")!;
    const t = p.patches[0];
    expect(t.insn).toBe("nop");
    expect(BigInt(t.oldAddr)).toBe(sym.value);
    // x86: new_size = size - 1 bytes of NOPs; ARM: whole 4-byte NOP words over size - 4 bytes.
    expect(t.bytes.length / 2).toBe(Number(sym.size) - (arch === "x86_64" ? 1 : 4));
  });

  it("x86 ENDBR64 target: the jmp is written 4 bytes in, its rel32 counted from there", async () => {
    const p = await placed("x86_64/xen_endbr.livepatch");
    const old = findSymbol(parseElf(readSample("x86_64/xen-syms")), "xen_changeset")!.value;
    const t = p.patches[0];
    expect(t.patchOffset).toBe(4);
    expect(BigInt(t.addr)).toBe(old + 4n);
    const b = hexBytes(t.bytes);
    expect(b[0]).toBe(0xe9);
    expect(BigInt(new DataView(b.buffer).getInt32(1, true))).toBe(BigInt(t.target!) - (old + 4n + 5n));
    // The new function is where the simulator placed its section.
    const text = p.payload.sections.find((s) => s.name === ".text.xen_changeset_patched")!;
    expect(t.target).toBe(text.addr);
  });

  it.each(["aarch64", "arm32"])("%s trampoline is a B to the placed new function", async (arch) => {
    const t = (await placed(`${arch}/xen_hello_world.livepatch`)).patches[0];
    const word = new DataView(hexBytes(t.bytes).buffer).getUint32(0, true);
    const delta = BigInt(t.target!) - BigInt(t.oldAddr) - (arch === "arm32" ? 8n : 0n);
    expect(word >>> 24).toBe(arch === "arm32" ? 0xea : 0x14 | Number((delta >> 2n >> 24n) & 3n));
    const bits = arch === "arm32" ? 24 : 26;
    expect(BigInt(word & ((1 << bits) - 1))).toBe(BigInt.asUintN(bits, delta >> 2n));
  });

  it("without an image: the stand-in Xen places it too, and says REPLACE and re-apply the same way", async () => {
    const p = await placed("x86_64/xen_hello_world.livepatch", null);
    expect(p.payload.safeToReapply).toBe(false);
    expect(p.payload.vetoing).toBe(false);
    expect(p.patches[0].insn).toBe("branch");
  });
});

describe("payload names in a plan", () => {
  it("two versions of one fix, fix.v1 and fix.v2, are two payloads as xen-livepatch load names them", async () => {
    // Cut at the first dot both were named `fix`, and the second upload was refused (-EEXIST).
    const image = "x86_64/xen-syms";
    const r = await runAudit(
      {
        image: { file: image, bytes: readSample(image) },
        files: [
          { file: "fix.v1.livepatch", bytes: readSample("x86_64/xen_hello_world.livepatch"), role: "apply" },
          { file: "fix.v2.livepatch", bytes: readSample("x86_64/xen_bye_world.livepatch"), role: "apply" },
        ],
      },
      host,
    );
    expect(r.files.map((f) => f.name)).toEqual(["fix.v1", "fix.v2"]);
    expect(r.steps.map((s) => `${s.op} ${s.name}: ${s.ret}`)).toEqual(["upload fix.v1: 0", "apply fix.v1: 0", "upload fix.v2: 0", "apply fix.v2: 0"]);
    expect(r.verdict).toBe("accept");
  });
});

describe("the image given", () => {
  it("a payload given as the image is refused as one, not taken for a Xen with another build-id", async () => {
    const image = "x86_64/xen_hello_world.livepatch";
    const r = await runAudit({ image: { file: image, bytes: readSample(image) }, files: [{ file: "x86_64/xen_nop.livepatch", bytes: readSample("x86_64/xen_nop.livepatch"), role: "apply" }] }, host);
    expect(r.verdict).toBe("reject");
    // readelf -h: Type REL (Relocatable file); a linked xen-syms is EXEC.
    expect(r.findings.filter((f) => f.severity === "error").map((f) => [f.id, f.message])).toEqual([
      ["file-unreadable", `${image} cannot be read as a hypervisor image: it is a relocatable object (ET_REL), not a linked executable (ET_EXEC) as xen-syms is`],
    ]);
    expect(r.steps).toEqual([]);
  });
});

// readelf -rW / -sW of the x86_64 hello world sample: [13] .rela.text.xen_hello_world has one
// R_X86_64_PC32 at offset 3 against .LC0 (value 0 in [18] .rodata.xen_hello_world.str1.1), addend
// −4; objdump -d: 48 8d 05 00 00 00 00 c3 in the file.
describe("the placed code is the simulator's memory after UPLOAD", () => {
  it("x86_64 hello world: the lea's field holds S + A − P, the other bytes are the file's", async () => {
    const p = await placed("x86_64/xen_hello_world.livepatch");
    const addr = (i: number) => BigInt(p.payload.sections.find((s) => s.index === i)!.addr);
    const code = p.code.find((c) => c.index === 12)!;
    const field = BigInt.asUintN(32, addr(18) + 0n - 4n - (addr(12) + 3n));
    expect([...code.bytes]).toEqual([0x48, 0x8d, 0x05, ...[0n, 8n, 16n, 24n].map((s) => Number((field >> s) & 0xffn)), 0xc3]);
    expect(field).not.toBe(0n);
  });

  it("only the text region's sections are read", async () => {
    const p = await placed("x86_64/xen_hello_world.livepatch");
    const text = p.payload.sections.filter((s) => s.region === "text" && s.size > 0).map((s) => s.index);
    expect(p.code.map((c) => c.index)).toEqual(text);
    expect(text).toEqual([3, 5, 7, 9, 10, 12]);
  });
});
