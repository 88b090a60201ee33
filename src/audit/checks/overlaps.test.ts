// Two records of one payload writing the same bytes of Xen's code. Expected values by hand and from
// the committed samples: `nm public/samples/x86_64/xen-syms` has xen_extra_version at
// 0xffff82d040200110 (objdump: `48 8d 05 fa 0e 01 00 lea`, no ENDBR64), `nm
// public/samples/aarch64/xen-syms` at 0xa0000200150; hello world's .livepatch.funcs is one
// 0x68-byte record and .rela.livepatch.funcs three relocations (name, new_addr, old_addr, readelf -rW);
// the x86 jmp is 5 bytes, the arm64 b 4 (xen/arch/*/livepatch.c). withFuncsDoubled() appends the
// doubled funcs section at the end of the file, 8-aligned: record 1's old_addr field is at
// align8(file size) + 0x68 + 16.
import { beforeAll, describe, expect, it } from "vitest";
import type { PatchPreview } from "../../protocol/hypervisor.ts";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { runAudit, type AuditHost } from "../index.ts";
import { sample, withFuncsDoubled } from "../test-support/samples.ts";
import { writeOverlaps } from "./overlaps.ts";

const pp = (index: number, addr: bigint, bytes: number, insn: PatchPreview["insn"] = "branch"): PatchPreview => ({
  index,
  name: "f",
  oldAddr: `0x${addr.toString(16)}`,
  addr: `0x${addr.toString(16)}`,
  patchOffset: 0,
  insn,
  target: null,
  bytes: "90".repeat(bytes),
  old: null,
  applied: false,
  viaHook: false,
  fault: null,
  faultMessage: null,
  trap: null,
  trapMessage: null,
});

describe("writeOverlaps", () => {
  it("pairs a record with the nearest earlier record whose bytes it overwrites", () => {
    expect(writeOverlaps([pp(0, 0x1000n, 5), pp(1, 0x1000n, 5)])).toEqual([{ earlier: 0, later: 1, earlierInsn: "branch", from: 0x1000n, to: 0x1005n, coversEarlier: true }]);
    // 0x1001..0x1006 over 0x1000..0x1005: 4 bytes shared, the earlier write's first byte not covered.
    expect(writeOverlaps([pp(0, 0x1000n, 5), pp(1, 0x1001n, 5)])).toEqual([{ earlier: 0, later: 1, earlierInsn: "branch", from: 0x1001n, to: 0x1005n, coversEarlier: false }]);
    // Three on one site: funcs[2] finds funcs[1]'s bytes there, funcs[1] funcs[0]'s.
    expect(writeOverlaps([pp(0, 0x1000n, 5), pp(1, 0x1000n, 5), pp(2, 0x1000n, 5)]).map((o) => [o.earlier, o.later])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it("ignores adjacent writes, other functions and records that write nothing", () => {
    expect(writeOverlaps([pp(0, 0x1000n, 5), pp(1, 0x1005n, 5)])).toEqual([]);
    expect(writeOverlaps([pp(0, 0x1000n, 5), pp(1, 0x2000n, 5)])).toEqual([]);
    expect(writeOverlaps([pp(0, 0x1000n, 0), pp(1, 0x1000n, 5)])).toEqual([]);
    expect(writeOverlaps([pp(0, 0x1000n, 6, "nop"), pp(1, 0x1002n, 1)])[0]).toMatchObject({ earlierInsn: "nop", from: 0x1002n, to: 0x1003n });
  });
});

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

const audit = (file: string, bytes: Uint8Array, image: string) => runAudit({ image: { file: image, bytes: sample(image) }, files: [{ file, bytes, role: "apply" }] }, host);
const align8 = (n: number) => (n + 7) & ~7;

describe("func-writes-overlap", () => {
  it("x86_64: hello world's record twice is an error at funcs[1]'s old_addr, saying the revert puts funcs[0]'s jmp back", async () => {
    const src = sample("x86_64/xen_hello_world.livepatch");
    const r = await audit("dup.livepatch", withFuncsDoubled(src).bytes, "x86_64/xen-syms");
    expect(r.verdict).toBe("reject");
    const f = r.findings.filter((x) => x.id === "func-writes-overlap");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: "error", section: ".livepatch.funcs", offset: align8(src.length) + 0x68 + 16, length: 8, func: { index: 1, name: "xen_extra_version" } });
    expect(f[0].message).toBe(
      "funcs[1] (xen_extra_version): its 5-byte write at 0xffff82d040200110 overlaps funcs[0] (xen_extra_version)'s at 0xffff82d040200110..0xffff82d040200115: APPLY (records in order) saves funcs[0]'s branch there instead of Xen's bytes, and REVERT restores funcs[1] after funcs[0], so it puts funcs[0]'s branch back: Xen keeps running the payload's code there, and after UNLOAD branches into freed memory",
    );
    expect(f[0].why).toMatch(/two records of one payload/);
    expect(r.findings.filter((x) => x.id === "func-patched-twice")).toEqual([]);
  });

  it("x86_64: funcs[1] one byte into the function overlaps 4 bytes of funcs[0]'s jmp, which the revert leaves", async () => {
    const src = sample("x86_64/xen_hello_world.livepatch");
    const r = await audit("dup_mid.livepatch", withFuncsDoubled(src).addend(".rela.livepatch.funcs", 5, 1n).bytes, "x86_64/xen-syms");
    const f = r.findings.filter((x) => x.id === "func-writes-overlap");
    expect(f.map((x) => x.message)).toEqual([
      "funcs[1] (xen_extra_version): its 5-byte write at 0xffff82d040200111 overlaps funcs[0] (xen_extra_version)'s at 0xffff82d040200111..0xffff82d040200115: APPLY (records in order) saves funcs[0]'s branch there instead of Xen's bytes, and REVERT restores funcs[1] after funcs[0], so it leaves 4 bytes of funcs[0]'s branch in Xen's code at 0xffff82d040200111, not Xen's own bytes",
    ]);
    expect(r.verdict).toBe("reject");
  });

  it("aarch64: the same on arm64 (a 4-byte b)", async () => {
    const src = sample("aarch64/xen_hello_world.livepatch");
    const r = await audit("dup.livepatch", withFuncsDoubled(src).bytes, "aarch64/xen-syms");
    const f = r.findings.filter((x) => x.id === "func-writes-overlap");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ offset: align8(src.length) + 0x68 + 16, func: { index: 1 } });
    expect(f[0].message).toContain("its 4-byte write at 0xa0000200150 overlaps funcs[0] (xen_extra_version)'s at 0xa0000200150..0xa0000200154");
    expect(r.verdict).toBe("reject");
  });

  it("a payload whose records patch different functions has none", async () => {
    const r = await audit("hello.livepatch", sample("x86_64/xen_hello_world.livepatch"), "x86_64/xen-syms");
    expect(r.findings.filter((x) => x.id === "func-writes-overlap")).toEqual([]);
  });
});
