// Instruction boundaries against objdump: where the NOPs end and which instruction they cut come
// from `objdump -d` of the same image, not from the decoder the audit uses.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSyncDisassembler, decoderForMachine } from "../../disasm/index.ts";
import { nodeEngines } from "../../disasm/nodeEngines.ts";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { instructionBoundaries, runAudit, type AuditHost, type Finding } from "../index.ts";
import { sample } from "../test-support/samples.ts";

const decoder = createSyncDisassembler(nodeEngines);
let host: AuditHost;
beforeAll(async () => {
  await Promise.all([decoder.load("x86_64"), decoder.load("aarch64"), decoder.load("arm32")]);
  host = await nodeAuditHost();
});

async function auditBytes(file: string, bytes: Uint8Array, imageFile: string, image: Uint8Array): Promise<Finding[]> {
  const r = await runAudit({ image: { file: imageFile, bytes: image }, files: [{ file, bytes, role: "apply" }] }, host, { decoder: (m) => decoderForMachine(decoder, m) });
  return r.findings;
}

interface ObjdumpInsn {
  offset: number;
  bytes: string[];
}

/** `objdump -d` of one function: each instruction's offset from the function start and its bytes. */
function objdumpFunction(image: string, name: string): ObjdumpInsn[] {
  const out = execFileSync("objdump", ["-d", "-w", `--disassemble=${name}`, image], { encoding: "utf8" });
  const start = /^([0-9a-f]+) <[^>]+>:$/m.exec(out);
  if (!start) throw new Error(`objdump shows no ${name}`);
  const base = BigInt(`0x${start[1]}`);
  const insns: ObjdumpInsn[] = [];
  for (const m of out.matchAll(/^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t/gm))
    insns.push({ offset: Number(BigInt(`0x${m[1]}`) - base), bytes: m[2].trim().split(" ") });
  return insns;
}

function nmSize(image: string, name: string): number {
  const line = execFileSync("nm", ["-S", image], { encoding: "utf8" })
    .split("\n")
    .find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`nm shows no ${name}`);
  return parseInt(line.split(" ")[1], 16);
}

const audit = (payload: string, image: string) => auditBytes(payload, sample(payload), image, sample(image));

describe("instruction boundaries", () => {
  it("xen_nop_thunk: the NOPs (size - 1 bytes) end inside the return-thunk jmp, whose last byte stays live", async () => {
    const image = join("public/samples", "x86_64/xen-syms");
    const fn = "xen_thunk_minor_version";
    const end = nmSize(image, fn) - 1; // the payload's new_size, as fixtures/payloads/nop.c computes it
    const insns = objdumpFunction(image, fn);
    const cut = insns.find((i) => i.offset < end && i.offset + i.bytes.length > end)!;
    expect(cut, "objdump shows an instruction across the end of the NOPs").toBeDefined();
    const live = cut.bytes.slice(end - cut.offset);

    const hits = (await audit("x86_64/xen_nop_thunk.livepatch", "x86_64/xen-syms")).filter((f) => f.id === "func-patch-ends-inside-instruction");
    expect(hits).toHaveLength(1);
    // The NOPs never branch, so every call falls through them into the live byte: an error.
    expect(hits[0].severity).toBe("error");
    expect(hits[0].message).toContain(`(${cut.bytes.join(" ")}) at ${fn}+0x${cut.offset.toString(16)}`);
    expect(hits[0].message).toContain(`its last ${live.length === 1 ? "byte" : `${live.length} bytes`} (${live.join(" ")}) at ${fn}+0x${end.toString(16)}`);
    expect(hits[0].message).toMatch(/jmp 0x[0-9a-f]+ <__x86_return_thunk>/);
  });

  it("xen_nop on a function that ends in a 1-byte ret: the NOPs end on a boundary, nothing to say", async () => {
    const image = join("public/samples", "x86_64/xen-syms");
    const end = nmSize(image, "xen_minor_version") - 1;
    expect(objdumpFunction(image, "xen_minor_version").some((i) => i.offset === end)).toBe(true);
    const findings = await audit("x86_64/xen_nop.livepatch", "x86_64/xen-syms");
    const ids = findings.map((f) => f.id);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(ids).not.toContain("func-patch-ends-inside-instruction");
    expect(ids).not.toContain("call-after-apply-crashes");
    expect(ids).not.toContain("func-branch-into-patch");
  });

  it("ARM: whole 4-byte instructions, so neither the NOPs nor the branch cut one", async () => {
    for (const p of ["aarch64/xen_nop.livepatch", "aarch64/xen_hello_world.livepatch", "arm32/xen_nop.livepatch", "arm32/xen_hello_world.livepatch"]) {
      const ids = (await audit(p, `${p.split("/")[0]}/xen-syms`)).map((f) => f.id);
      expect(ids.filter((id) => /ends-inside|branch-into/.test(id)), p).toEqual([]);
    }
  });

  it("a trampoline cutting xen_extra_version's first instruction is reported as dead code (info), not a warning", async () => {
    const image = join("public/samples", "x86_64/xen-syms");
    const first = objdumpFunction(image, "xen_extra_version")[0];
    expect(first.bytes.length).toBeGreaterThan(5);
    const hits = (await audit("x86_64/xen_hello_world.livepatch", "x86_64/xen-syms")).filter((f) => /ends-inside/.test(f.id));
    expect(hits.map((f) => [f.id, f.severity])).toEqual([["func-jump-ends-inside-instruction", "info"]]);
    expect(hits[0].message).toContain(`(${first.bytes.join(" ")}) at xen_extra_version+0x0`);
    expect(hits[0].message).toContain(`its last ${first.bytes.length - 5} bytes (${first.bytes.slice(5).join(" ")})`);
  });

  it("names what the live tail runs as when more bytes follow, and branches back into the NOPs (hand-made bytes)", async () => {
    // mov $0x16,%eax; jne .-4 (back to +2: inside the NOP5 that covers the mov); jmp rel32; then
    // bytes that follow the function in memory.
    const code = Uint8Array.of(0xb8, 0x16, 0, 0, 0, 0x75, 0xfb, 0xe9, 0x10, 0, 0, 0, 0x00, 0xc3);
    const at = 0xffff82d040300000n;
    const nop5 = Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00);
    const branch = instructionBoundaries("x86_64", { address: at, size: 12, bytes: code }, [{ kind: "nop", start: at, bytes: nop5 }], decoder.decode);
    expect(branch).toEqual([expect.objectContaining({ kind: "branch-into-patch", target: at + 2n })]);
    // NOP-out of 11 bytes: ends 4 bytes into the 5-byte jmp at +7; 0x00 and the 0x00 after it decode as
    // `add %al,(%rax)` (00 00): hand-decoded from the opcode map (00 /r, ModRM 00 = (%rax), %al).
    const nops = Uint8Array.of(0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0, 0x66, 0x90);
    const tail = instructionBoundaries("x86_64", { address: at, size: 12, bytes: code }, [{ kind: "nop", start: at, bytes: nops }], decoder.decode);
    expect(tail).toEqual([
      expect.objectContaining({ kind: "nop-ends-inside", liveStart: at + 11n, live: Uint8Array.of(0x00), executesAs: expect.objectContaining({ bytes: "00 00", text: "add %al,(%rax)" }) }),
    ]);
  });

  it("claims nothing when the old code does not decode up to the end of the range", async () => {
    const at = 0x1000n;
    const junk = Uint8Array.of(0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0xc3); // push %es: invalid in 64-bit mode
    expect(instructionBoundaries("x86_64", { address: at, size: 7, bytes: junk }, [{ kind: "nop", start: at, bytes: Uint8Array.of(0x0f, 0x1f, 0x00) }], decoder.decode)).toEqual([]);
  });
});

const REAL = process.env.XEN_TEST_PAYLOADS;
describe.runIf(REAL)("instruction boundaries on Xen's own build (XEN_TEST_PAYLOADS)", () => {
  it("Xen's xen_nop on a return-thunk xen-syms ends inside the jmp to __x86_return_thunk", async () => {
    const dir = join(REAL!, "x86_64");
    const image = join(dir, "xen-syms");
    for (const f of [image, join(dir, "xen_nop.livepatch")]) if (!existsSync(f)) throw new Error(`XEN_TEST_PAYLOADS is set but ${f} is missing`);
    const insns = objdumpFunction(image, "xen_minor_version");
    const last = insns[insns.length - 1];
    const findings = await auditBytes("xen_nop.livepatch", readFileSync(join(dir, "xen_nop.livepatch")), "xen-syms", readFileSync(image));
    const hit = findings.find((f) => f.id === "func-patch-ends-inside-instruction");
    const call = findings.find((f) => f.id === "call-after-apply-crashes");
    if (last.bytes.length === 1) {
      expect(hit, "a build with a 1-byte ret").toBeUndefined();
      expect(call).toBeUndefined();
    } else {
      expect(hit?.severity).toBe("error");
      expect(hit?.message).toContain(`(${last.bytes.join(" ")}) at xen_minor_version+0x${last.offset.toString(16)}`);
      expect(hit?.message).toContain("<__x86_return_thunk>");
      // xl info's XENVER_version then runs the live byte (ff) and what follows as one instruction,
      // which writes through %rax: a fatal page fault, as on a real host after APPLY.
      expect(call?.severity).toBe("error");
      expect(call?.message).toContain("called the patched xen_minor_version as xl info does");
      // do_xen_version leaves xen_major_version's 4 in %rax (objdump: mov $0x4,%eax), and the disp8
      // is -0x73: 4 - 0x73 = 0xffffffffffffff91 (xenver.test.ts derives both from objdump).
      expect(call?.message).toContain("XENVER_version runs do_xen_version, xen_major_version, xen_minor_version");
      expect(call?.message).toContain('the host crashes with "FATAL PAGE FAULT / [error_code=0002] / Faulting linear address: ffffffffffffff91"');
    }
  });

  it("arm64: Xen's xen_nop NOPs whole instructions, and the calls after APPLY return", async () => {
    const dir = join(REAL!, "arm64");
    const findings = await auditBytes("xen_nop.livepatch", readFileSync(join(dir, "xen_nop.livepatch")), "xen-syms", readFileSync(join(dir, "xen-syms")));
    expect(findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});
if (!REAL) console.log("instruction boundaries on Xen's own build: XEN_TEST_PAYLOADS is not set, not run");
