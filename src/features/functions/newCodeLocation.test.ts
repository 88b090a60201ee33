// Where the new code's bytes come from. Expected values from `readelf -SsW` of the x86_64 hello
// world sample: xen_hello_world is 8 bytes at offset 0 of [12] .text.xen_hello_world, whose bytes
// start at file offset 0xc0 (48 8d 05 00 00 00 00 c3, objdump -d).
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { analyzePayload } from "../../livepatch/index.ts";
import { sample } from "../../audit/test-support/samples.ts";
import { runAudit, type AuditHost } from "../../audit/index.ts";
import { nodeAuditHost } from "../../cli/auditHost.ts";
import { bytesOrigin, newCodeLocation } from "./newCodeLocation.ts";
import type { PlacedSection } from "../../protocol/hypervisor.ts";

const elf = parseElf(sample("x86_64/xen_hello_world.livepatch"));
const fn = analyzePayload(elf)!.funcs[0];
const placed: PlacedSection[] = [{ index: 12, name: ".text.xen_hello_world", region: "text", addr: "0xffff82d040400050", size: 8, offset: 0xc0, nobits: false }];
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

describe("new code location", () => {
  it("without a placement: the file's bytes, section-relative", () => {
    const loc = newCodeLocation(fn, [], elf)!;
    expect({ section: loc.section.index, start: loc.start, size: loc.size, base: loc.base, placed: loc.placed, relocated: loc.relocated }).toEqual({ section: 12, start: 0, size: 8, base: 0n, placed: false, relocated: false });
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
  });

  it("placed, without the simulator's bytes: the file's bytes at the placed address", () => {
    const loc = newCodeLocation(fn, placed, elf)!;
    expect({ base: loc.base, placed: loc.placed, relocated: loc.relocated }).toEqual({ base: 0xffff82d040400050n, placed: true, relocated: false });
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
  });

  it("placed, with the simulator's section bytes: those, relocated", () => {
    const run = Uint8Array.from([0x48, 0x8d, 0x05, 0xa9, 0x1f, 0x00, 0x00, 0xc3]);
    const loc = newCodeLocation(fn, placed, elf, [{ index: 12, bytes: run }])!;
    expect(loc.relocated).toBe(true);
    expect(hex(loc.bytes)).toBe("48 8d 05 a9 1f 00 00 c3");
  });

  it("simulator bytes for another section, or too short, are not used", () => {
    expect(newCodeLocation(fn, placed, elf, [{ index: 11, bytes: new Uint8Array(8) }])!.relocated).toBe(false);
    expect(newCodeLocation(fn, placed, elf, [{ index: 12, bytes: new Uint8Array(7) }])!.relocated).toBe(false);
  });
});

// readelf -hSW: section headers at 2688, 64 bytes each; [11] .rela.text.hello_world_check (sh_info
// 10) and [13] .rela.text.xen_hello_world (sh_info 12, one R_X86_64_PC32 at +3). A header's sh_type
// is at +4, its sh_info at +44: 0xdc4 and 0xdec for [13], 0xd6c for [11].
describe("the new code's label after Xen passed over a relocation section (from the audit's findings)", () => {
  let host: AuditHost;
  beforeAll(async () => {
    host = await nodeAuditHost();
  });

  async function listed(edit: (b: Uint8Array) => void, standIn = false) {
    const bytes = sample("x86_64/xen_hello_world.livepatch");
    edit(bytes);
    const image = standIn ? null : { file: "xen-syms", bytes: sample("x86_64/xen-syms") };
    const r = await runAudit({ image, files: [{ file: "hello.livepatch", bytes, role: "apply" }] }, host);
    const e = parseElf(bytes);
    const p = r.files[0].placement!;
    const loc = newCodeLocation(analyzePayload(e)!.funcs[0], p.payload.sections, e, p.code, r.findings.filter((f) => f.fileIndex === 0))!;
    return { loc, ids: r.findings.map((f) => f.id) };
  }
  const word = (at: number, v: number) => (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

  it("sh_info 0xffffffff on .rela.text.xen_hello_world: the bytes that run keep the placeholder, and the label says which section Xen skipped and the finding", async () => {
    const { loc, ids } = await listed(word(0xdec, 0xffffffff));
    expect(ids).toContain("reloc-section-skipped");
    expect(loc.relocated).toBe(true);
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
    expect(loc.unapplied).toEqual([{ relocSection: ".rela.text.xen_hello_world", id: "reloc-section-skipped" }]);
    expect(bytesOrigin(loc, false)).toBe("placed by its UPLOAD: the bytes that run, with the relocations Xen skipped left unapplied (.rela.text.xen_hello_world: reloc-section-skipped)");
    expect(bytesOrigin(loc, true)).toBe("placed by its UPLOAD on a stand-in Xen (addresses assumed): the bytes that run, with the relocations Xen skipped left unapplied (.rela.text.xen_hello_world: reloc-section-skipped)");
  });

  it("the same section typed PROGBITS (sh_type 1): reloc-section-untyped names it", async () => {
    const { loc } = await listed(word(0xdc4, 1));
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
    expect(bytesOrigin(loc, false)).toBe("placed by its UPLOAD: the bytes that run, with the relocations Xen skipped left unapplied (.rela.text.xen_hello_world: reloc-section-untyped)");
  });

  it("a skipped relocation section for another text section leaves this listing relocated, and its label as it was", async () => {
    const { loc, ids } = await listed(word(0xd6c, 0xffffffff));
    expect(ids).toContain("reloc-section-skipped");
    expect(loc.unapplied).toEqual([]);
    expect(hex(loc.bytes)).not.toBe("48 8d 05 00 00 00 00 c3");
    expect(bytesOrigin(loc, false)).toBe("relocated by its UPLOAD: the bytes that run");
  });
});
