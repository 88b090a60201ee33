// A .livepatch.funcs record without a name (name pointer NULL, or pointing at an empty string) is
// called by every finding, those the wasm words and those the review adds, what every view calls
// it: "funcs[<index>] (<name>)" with the image's name for the address it patches, else the symbol
// its old_addr is relocated against, "funcs[<index>] (unnamed)" when nothing names it; never an
// empty name, "()" or "noname". The payload is the project's generated one (fixtures/gen-large.ts,
// one function; readelf -r: old_addr is R_X86_64_64 against xen_stub_0000 + 0) with its relocations
// edited; nm -S on the sample xen-syms: xen_stub_0000 is 0xffff82d0402001b0, 0x13 bytes. Expected
// text by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { buildLargePayload } from "../../fixtures/gen-large.ts";
import { parseElf } from "../elf/index.ts";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { readSample } from "../test-support/samples.ts";
import { runAudit, type AuditHost } from "./index.ts";
import type { AuditResult } from "./types.ts";

const IMAGE = "x86_64/xen-syms";
const FILE = "unnamed.livepatch";
// struct livepatch_func (x86_64): name @0, new_addr @8, old_addr @16, new_size @24, old_size @28.
// buildLargePayload() relocates them with .rela.livepatch.funcs entries 0 (name, against
// .livepatch.strings + the name's offset), 1 (new_addr) and 2 (old_addr).
const R_NAME = 0;
const R_NEW = 1;
const R_OLD = 2;

interface Edits {
  /** "null": drop the name's relocation, so the pointer stays 0; "empty": point it at offset 0 of .livepatch.strings, its NUL. */
  name: "null" | "empty";
  newSize: number;
  oldSize: number;
  /** An absolute old_addr written into the record, its relocation dropped. */
  oldAddr?: bigint;
}

function payload(e: Edits): Uint8Array {
  const image = readSample(IMAGE);
  const file = Buffer.from(buildLargePayload(image, 1));
  const elf = parseElf(file);
  const relaSec = elf.sections.find((s) => s.name === ".rela.livepatch.funcs")!;
  const funcs = Number(elf.sections.find((s) => s.name === ".livepatch.funcs")!.offset);
  const rela = Number(relaSec.offset);
  const entries = [R_NAME, R_NEW, R_OLD].map((i) => Buffer.from(file.subarray(rela + i * 24, rela + (i + 1) * 24)));
  // A dropped relocation leaves its field as the file has it (0): the entries kept are packed
  // and the section's sh_size (Elf64_Shdr @32) shrunk to them.
  const drop = new Set<number>([R_NEW]); // new_addr 0: a NOP-out
  if (e.name === "null") drop.add(R_NAME);
  else entries[R_NAME].writeBigInt64LE(0n, 16); // r_addend 0: offset 0 of .livepatch.strings, its NUL
  if (e.oldAddr !== undefined) {
    drop.add(R_OLD);
    file.writeBigUInt64LE(e.oldAddr, funcs + 16);
  }
  const kept = entries.filter((_, i) => !drop.has(i));
  kept.forEach((r, i) => r.copy(file, rela + i * 24));
  file.writeBigUInt64LE(BigInt(kept.length * 24), relaSec.header.offset + 32);
  file.writeUInt32LE(e.newSize, funcs + 24);
  file.writeUInt32LE(e.oldSize, funcs + 28);
  return new Uint8Array(file);
}

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

const audit = (bytes: Uint8Array): Promise<AuditResult> =>
  runAudit({ image: { file: IMAGE, bytes: readSample(IMAGE) }, files: [{ file: FILE, bytes, role: "apply" }] }, host);
const messages = (r: AuditResult) => r.findings.map((f) => [f.id, f.message]);

describe("a funcs record without a name is named the same in every finding", () => {
  it("NULL name, NOP of 32 bytes: Xen's x86 arch_livepatch_verify_func() refuses it silently (-EOPNOTSUPP)", async () => {
    const r = await audit(payload({ name: "null", newSize: 32, oldSize: 32 }));
    expect(r.verdict).toBe("reject");
    // Refused before anything is placed: old_addr's relocation names it, in the wasm's words too.
    expect(r.reason).toBe(`${FILE}: funcs[0] (xen_stub_0000): NOP size 32 exceeds 31 bytes; Xen returns this without a message`);
    expect(messages(r)).toContainEqual(["func-nop-too-long", "funcs[0] (xen_stub_0000): NOP size 32 exceeds 31 bytes; Xen returns this without a message"]);
    expect(messages(r)).toContainEqual(["func-no-expectation", "funcs[0] (xen_stub_0000): no expectation guards the bytes at old_addr"]);
  });

  it("empty name, NOP of 9 bytes over an 8-byte old function: refused silently (-EINVAL)", async () => {
    const r = await audit(payload({ name: "empty", newSize: 9, oldSize: 8 }));
    expect(r.reason).toBe(`${FILE}: funcs[0] (xen_stub_0000): old_size 8 < new_size 9; Xen returns this without a message`);
    expect(messages(r)).toContainEqual(["func-nop-exceeds-old-size", "funcs[0] (xen_stub_0000): old_size 8 < new_size 9; Xen returns this without a message"]);
    expect(messages(r)).toContainEqual(["func-no-expectation", "funcs[0] (xen_stub_0000): no expectation guards the bytes at old_addr"]);
  });

  it("NULL name, old_addr held outright (as Xen's xen_nop): named by the image's function there, xen_stub_0000, as the views name it", async () => {
    const r = await audit(payload({ name: "null", newSize: 5, oldSize: 0x13, oldAddr: 0xffff82d0402001b0n }));
    expect(r.verdict).toBe("accept");
    expect(messages(r)).toContainEqual(["func-no-expectation", "funcs[0] (xen_stub_0000): no expectation guards the bytes at old_addr"]);
    for (const f of r.findings.filter((x) => x.func)) expect(f.message).not.toMatch(/unnamed/);
  });

  it("NULL name, old_addr inside a function: the image's name with the offset, beside the finding that says so", async () => {
    const r = await audit(payload({ name: "null", newSize: 5, oldSize: 0x12, oldAddr: 0xffff82d0402001b1n }));
    expect(messages(r)).toContainEqual(["func-old-addr-not-function-start", "funcs[0] (xen_stub_0000+0x1): old_addr 0xffff82d0402001b1 is xen_stub_0000+0x1, not the start of a function"]);
  });

  it("NULL name, old_addr far past Xen's text: the review and the APPLY fault name the same record the same way", async () => {
    const r = await audit(payload({ name: "null", newSize: 5, oldSize: 8, oldAddr: 0xffff82d050000000n }));
    expect(messages(r)).toContainEqual(["func-old-addr-not-function-start", `funcs[0] (unnamed): old_addr 0xffff82d050000000 is not inside any function of ${IMAGE}`]);
    const fault = r.findings.find((f) => f.id === "patch-write-fault");
    expect(fault?.message).toMatch(/\(the old function of funcs\[0\] \(unnamed\) at 0xffff82d050000000 is not mapped\)$/);
    for (const f of r.findings) {
      expect(f.message).not.toMatch(/\(\)|noname|^: |: : /);
    }
  });
});
