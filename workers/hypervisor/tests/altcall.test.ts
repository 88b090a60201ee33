// Altcall sites at upload: xen/arch/x86/alternative.c apply_alt_calls(), run by prepare_payload()
// in xen/common/livepatch.c. Expected bytes are written from Xen's rules by hand: a site
// `ff 15 disp32` becomes `2e e8 rel32` with rel32 = dest - (site + 6), dest skipping the target's
// endbr64 (the simulated Xen is a CONFIG_XEN_IBT build), or `0f 0b` three times for a NULL pointer.
// Addresses come from the sample's layout as readelf shows it: text sections of 16-byte alignment
// in file order from the payload's text base (altcall_scale +0x0, altcall_via_site +0x10,
// altcall_via_pointer +0x20, altcall_unset +0x30, altcall_minor_version +0x40); sites at the
// .alt_call_sites addends (+4, +4, +9 into their functions).
import { describe, expect, it } from "vitest";
import { bootArch, Edit, firstPayloadBase, payloadBytes } from "./support/payloads.ts";

const hex = (b: Uint8Array | null) => (b ? Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ") : "unmapped");
const h16 = (v: bigint) => v.toString(16).padStart(16, "0");
const rel32 = (from: bigint, to: bigint) => {
  const d = BigInt.asUintN(32, to - from);
  return [0, 8, 16, 24].map((s) => Number((d >> BigInt(s)) & 0xffn).toString(16).padStart(2, "0")).join(" ");
};

async function uploadEdited(name: string, edit: (e: Edit) => unknown = () => 0) {
  const hv = await bootArch("x86_64");
  const e = new Edit(payloadBytes("x86_64", name));
  edit(e);
  const before = hv.consoleLines().length;
  const rc = hv.upload("p", e.bytes);
  return { hv, rc, lines: hv.consoleLines().slice(before), base: firstPayloadBase(hv, "x86_64") };
}

describe("apply_alt_calls() at upload (xen_altcall)", () => {
  it("turns each listed site into a CS-prefixed direct call past the target's endbr64, seals the NULL one, leaves the unlisted twin, prints nothing", async () => {
    const { hv, rc, lines, base } = await uploadEdited("xen_altcall");
    expect(rc).toBe(0);
    expect(lines).toEqual([]);
    const scale = base;
    // altcall_via_site: endbr64, then the site at +0x14.
    expect(hex(hv.readMemory(base + 0x10n, 11))).toBe(`f3 0f 1e fa 2e e8 ${rel32(base + 0x1an, scale + 4n)} c3`);
    expect(rel32(base + 0x1an, scale + 4n)).toBe("ea ff ff ff");
    // altcall_via_pointer: not listed, so relocated only: disp32 = altcall_ops - (site + 6).
    const ops = hv.payloadSymbol("altcall_ops")!.addr;
    expect(hex(hv.readMemory(base + 0x20n, 11))).toBe(`f3 0f 1e fa ff 15 ${rel32(base + 0x2an, ops)} c3`);
    // altcall_unset: NULL pointer.
    expect(hex(hv.readMemory(base + 0x30n, 11))).toBe("f3 0f 1e fa 0f 0b 0f 0b 0f 0b c3");
    // altcall_minor_version: mov $8,%edi, then the site at +0x49.
    expect(hex(hv.readMemory(base + 0x40n, 16))).toBe(`f3 0f 1e fa bf 08 00 00 00 2e e8 ${rel32(base + 0x4fn, scale + 4n)} c3`);
    // The pointers the sites read: altcall_scale, then NULL.
    expect(hex(hv.readMemory(ops, 16))).toBe(`${hex(new Uint8Array(new BigUint64Array([scale]).buffer))} 00 00 00 00 00 00 00 00`);
  });

  it("calls the target itself and warns when it has no endbr64: \"Altcall %ps dest %ps has no endbr64\"", async () => {
    const { hv, rc, lines, base } = await uploadEdited("xen_altcall", (e) => e.u32(e.dataAt(".text.altcall_scale", 0), 0x90909090));
    expect(rc).toBe(0);
    // Both listed sites with a pointer name altcall_scale; the payload is not registered yet, so %ps prints addresses.
    expect(lines).toEqual([`Altcall ${h16(base + 0x14n)} dest ${h16(base)} has no endbr64`, `Altcall ${h16(base + 0x49n)} dest ${h16(base)} has no endbr64`]);
    expect(hex(hv.readMemory(base + 0x14n, 6))).toBe(`2e e8 ${rel32(base + 0x1an, base)}`);
  });

  it("names a Xen function as %ps of the destination", async () => {
    const { hv, lines, base } = await uploadEdited("xen_altcall", (e) => {
      // altcall_ops.scale's R_X86_64_64 addend stays; its symbol becomes xen_minor_version (6 bytes, no endbr64).
      e.u32(e.section(".rela.data.rel.ro.local.altcall_ops").dataOffset + 12, e.symIndex("xen_minor_version"));
    });
    const minor = hv.symbol("xen_minor_version")!.addr;
    expect(lines[0]).toBe(`Altcall ${h16(base + 0x14n)} dest xen_minor_version has no endbr64`);
    expect(hex(hv.readMemory(base + 0x14n, 6))).toBe(`2e e8 ${rel32(base + 0x1an, minor)}`);
  });
});

describe("apply_alt_calls() refusing a site (xen_altcall_bad)", () => {
  it("refuses call *%rax with Xen's two lines and -EINVAL", async () => {
    const { rc, lines, base, hv } = await uploadEdited("xen_altcall_bad");
    expect(rc).toBe(-22);
    // "Altcall for %ps [%6ph] not CALL *RIPREL" (xen/arch/x86/alternative.c apply_alt_calls()), then
    // "%s: Applying alternative calls failed: %d" (xen/common/livepatch.c prepare_payload()).
    // The site: .text.altcall_bad_minor_version + 0xb: endbr64, xor %eax,%eax, mov $7,%edi, then ff d0.
    expect(lines).toEqual([`Altcall for ${h16(base + 0xbn)} [ff d0 83 c0 01 c3] not CALL *RIPREL`, "livepatch: p: Applying alternative calls failed: -22"]);
    expect(hv.list()).toEqual([]);
  });
});
