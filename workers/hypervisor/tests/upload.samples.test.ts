// UPLOAD of every sample payload on its own image: Xen's rc, where sections land, and the
// relocated bytes in simulated memory checked against an independent parse (src/elf).
import { describe, expect, it } from "vitest";
import { type ElfFile, parseElf, relocAddend, relocOffset, relocSymbol, relocType } from "../../../src/elf/index.ts";
import type { HypervisorApi, PayloadDetails as Details } from "../host/api.ts";
import { bootArch, payloadBytes, sampleBytes, type SampleArch } from "./support/payloads.ts";
import { eventsOf, failures } from "./harness.ts";

const index = JSON.parse(new TextDecoder().decode(sampleBytes("index.json"))) as { path: string; kind: string; arch: string }[];

/** Samples whose upload Xen refuses on a freshly booted matching image. */
const REFUSED: Record<string, number> = {
  xen_no_xen_buildid: -22,
  xen_wrong_xen_buildid: -22,
  xen_too_small: -22,
  xen_altcall_bad: -22,
};

/** The rule each refusal reports (the samples README says why each is refused). */
const REFUSED_RULE: Record<string, string> = {
  xen_no_xen_buildid: "xen-depends-missing",
  xen_wrong_xen_buildid: "xen-depends-mismatch",
  xen_too_small: "func-old-size-too-small",
  xen_altcall_bad: "alt-call-sites-bad",
};

function details(hv: HypervisorApi, name: string): Details {
  const d = hv.payload(name);
  if (!d) throw new Error(`no payload ${name}`);
  return d;
}

const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function readLe(hv: HypervisorApi, addr: bigint, size: number): bigint {
  const b = hv.readMemory(addr, size);
  if (!b) throw new Error(`unmapped ${addr.toString(16)}`);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** S for symbol i of the payload, from the placement the simulator reports and the image. */
function symbolValue(hv: HypervisorApi, elf: ElfFile, d: Details, i: number): bigint {
  const t = elf.symbolTables.find((x) => x.sectionType === 2)!;
  const shndx = t.shndx[i];
  if (shndx === 0) {
    const s = hv.symbol(t.name[i]);
    if (s) return s.addr;
    throw new Error(`undefined ${t.name[i]}`);
  }
  if (shndx === 0xfff1) return t.value[i];
  const placed = d.sections.find((p) => p.index === shndx);
  if (!placed) throw new Error(`symbol ${t.name[i]} in unplaced section ${shndx}`);
  return BigInt(placed.addr) + t.value[i];
}

const signed = (v: bigint, bits: number) => BigInt.asIntN(bits, v);

/** Checks every relocation the simulator applied; returns how many were verified. */
function verifyRelocations(hv: HypervisorApi, elf: ElfFile, d: Details, arch: SampleArch): number {
  let checked = 0;
  const mask64 = (v: bigint) => BigInt.asUintN(64, v);
  // Listed altcall sites (S + A of each .alt_call_sites PC32 entry) are rewritten after
  // relocation too: their 6 bytes are checked in altcall.test.ts.
  const sites: bigint[] = [];
  for (const rt of elf.relocationTables) {
    if (elf.sections[rt.targetSection].name !== ".alt_call_sites") continue;
    for (let k = 0; k < rt.count; k++) sites.push(symbolValue(hv, elf, d, relocSymbol(rt, k)) + relocAddend(rt, k));
  }
  const inSite = (P: bigint) => sites.some((a) => P >= a && P < a + 6n);
  for (const rt of elf.relocationTables) {
    const base = d.sections.find((p) => p.index === rt.targetSection);
    if (!base) continue;
    // Alternatives and ex_table entries are rewritten after relocation; verify them elsewhere.
    if (base.name === ".altinstructions" || base.name === ".ex_table") continue;
    for (let k = 0; k < rt.count; k++) {
      const S = symbolValue(hv, elf, d, relocSymbol(rt, k));
      const P = BigInt(base.addr) + relocOffset(rt, k);
      if (inSite(P)) continue;
      const type = relocType(rt, k);
      if (arch === "x86_64") {
        const A = relocAddend(rt, k);
        if (type === 1) expect(readLe(hv, P, 8)).toBe(mask64(S + A));
        else if (type === 2 || type === 4) expect(signed(readLe(hv, P, 4), 32)).toBe(signed(mask64(S + A - P), 32));
        else continue;
      } else if (arch === "aarch64") {
        const A = relocAddend(rt, k);
        const insn = Number(readLe(hv, P, 4));
        if (type === 257) expect(readLe(hv, P, 8)).toBe(mask64(S + A));
        else if (type === 282 || type === 283) {
          const imm = BigInt(insn & 0x3ffffff);
          expect(imm).toBe(BigInt.asUintN(26, (S + A - P) >> 2n));
        } else if (type === 275) {
          const immlo = BigInt((insn >>> 29) & 3);
          const immhi = BigInt((insn >>> 5) & 0x7ffff);
          const page = ((S + A) & ~0xfffn) - (P & ~0xfffn);
          expect((immhi << 2n) | immlo).toBe(BigInt.asUintN(21, page >> 12n));
        } else if (type === 277) expect(BigInt((insn >>> 10) & 0xfff)).toBe((S + A) & 0xfffn);
        else continue;
      } else {
        // ARM32 REL: the addend was in the file's bytes.
        const orig = new DataView(elf.bytes.buffer, elf.bytes.byteOffset).getUint32(
          elf.sections[rt.targetSection].dataOffset + Number(relocOffset(rt, k)),
          true,
        );
        const word = Number(readLe(hv, P, 4));
        if (type === 2) expect(word >>> 0).toBe(Number(BigInt.asUintN(32, S + BigInt(orig))));
        else if (type === 43 || type === 44) {
          const a = ((orig >>> 4) & 0xf000) | (orig & 0xfff);
          const v = Number(BigInt.asUintN(32, S + BigInt((a << 16) >> 16)));
          const want = type === 44 ? v >>> 16 : v & 0xffff;
          expect(((word >>> 4) & 0xf000) | (word & 0xfff)).toBe(want);
        } else continue;
      }
      checked++;
    }
  }
  return checked;
}

const ARCHES: SampleArch[] = ["x86_64", "aarch64", "arm32"];

describe("upload of each sample payload", () => {
  for (const arch of ARCHES) {
    const payloads = index.filter((s) => s.kind === "payload" && s.arch === arch && s.path.startsWith(arch + "/"));
    for (const s of payloads) {
      const name = s.path.split("/")[1].replace(/\.livepatch$/, "");
      it(`${arch}/${name}: rc ${REFUSED[name] ?? 0}, relocations land where an independent parse says`, async () => {
        const hv = await bootArch(arch);
        const bytes = sampleBytes(s.path);
        const rc = hv.upload(name, bytes);
        expect(rc).toBe(REFUSED[name] ?? 0);
        if (rc !== 0) {
          expect(hv.payload(name)).toBeNull();
          expect(failures(hv)).toMatchObject([{ payload: name, op: "UPLOAD", rc, rcKind: "hypercall", rule: REFUSED_RULE[name] }]);
          return;
        }
        const d = details(hv, name);
        expect(d.state).toBe("CHECKED");
        const elf = parseElf(bytes);
        // Every SHF_ALLOC section is placed, in its region, with its file bytes (or zeros).
        const alloc = elf.sections.filter((x) => x.flags & 2n);
        expect(d.sections.map((p) => p.index)).toEqual(alloc.map((x) => x.index));
        for (const p of d.sections) {
          const sec = elf.sections[p.index];
          const region = sec.flags & 4n ? "text" : sec.flags & 1n ? "rw" : "ro";
          expect(p.region).toBe(region);
          const r = d.regions[region as "text"];
          expect(BigInt(p.addr) >= BigInt(r.addr) && BigInt(p.addr) + BigInt(p.size) <= BigInt(r.addr) + BigInt(r.size)).toBe(true);
          if (sec.addralign > 1n) expect(BigInt(p.addr) % sec.addralign).toBe(0n);
        }
        expect(verifyRelocations(hv, elf, d, arch)).toBeGreaterThan(0);
        expect(d.xenDepends).toBe(toHex(hv.bootSpec!.buildId!));
      });
    }
  }
});

describe("placement at Xen-like addresses", () => {
  it("x86: the first payload's text starts at the first 2 MiB boundary after _end", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("xen_hello_world", payloadBytes("x86_64", "xen_hello_world"))).toBe(0);
    const end = hv.symbol("_end")!.addr;
    const d = details(hv, "xen_hello_world");
    const want = (end + 0x1fffffn) & ~0x1fffffn;
    expect(BigInt(d.regions.text.addr)).toBe(want);
    const pageUp = (n: number) => BigInt(Math.ceil(n / 4096) * 4096);
    expect(BigInt(d.regions.rw.addr)).toBe(want + pageUp(d.regions.text.size));
    expect(BigInt(d.regions.ro.addr)).toBe(BigInt(d.regions.rw.addr) + pageUp(d.regions.rw.size));
    // A second payload goes after the first one plus an unmapped guard page.
    expect(hv.upload("xen_nop", payloadBytes("x86_64", "xen_nop"))).toBe(0);
    const second = BigInt(details(hv, "xen_nop").regions.text.addr);
    expect(second).toBe(want + BigInt(d.pages) * 4096n + 4096n);
    expect(hv.readMemory(second - 4096n, 1)).toBeNull();
  });

  it("aarch64: payloads live in the 2 MiB window 16 MiB above the Xen mapping base", async () => {
    const hv = await bootArch("aarch64");
    expect(hv.upload("xen_hello_world", payloadBytes("aarch64", "xen_hello_world"))).toBe(0);
    expect(BigInt(details(hv, "xen_hello_world").regions.text.addr)).toBe(0x00000a0000000000n + 0x1000000n);
  });

  it("arm32: the same window from address 0", async () => {
    const hv = await bootArch("arm32");
    expect(hv.upload("xen_hello_world", payloadBytes("arm32", "xen_hello_world"))).toBe(0);
    expect(BigInt(details(hv, "xen_hello_world").regions.text.addr)).toBe(0x1000000n);
  });
});

describe("functions, hooks and notes after upload", () => {
  it("hello world: old_addr comes from Xen's symbol, new_addr from the payload's", async () => {
    const hv = await bootArch("x86_64");
    const bytes = payloadBytes("x86_64", "xen_hello_world");
    expect(hv.upload("xen_hello_world", bytes)).toBe(0);
    const d = details(hv, "xen_hello_world");
    expect(d.funcs).toHaveLength(1);
    const f = d.funcs[0];
    const old = hv.symbol("xen_extra_version")!;
    expect(BigInt(f.oldAddr)).toBe(old.addr);
    expect(readLe(hv, BigInt(f.struct) + 16n, 8)).toBe(old.addr);
    const text = d.sections.find((p) => p.name === ".text.xen_hello_world")!;
    expect(BigInt(f.newAddr)).toBe(BigInt(text.addr));
    expect(f.name).toBe("xen_extra_version");
    // The override is not exported; the payload's other named symbols are.
    expect(d.symbols.find((y) => y.name === "xen_hello_world")?.exported).toBe(false);
    expect(d.symbols.some((y) => y.exported)).toBe(true);
    expect(d.hooks.map((h) => [h.kind, h.pointers.length])).toEqual([
      ["load", 2],
      ["unload", 3],
    ]);
    expect(Buffer.from(d.modinfo!, "hex").toString("latin1")).toBe("LIVEPATCH_RULEZ\0");
    // .bss and the writable hook arrays make it unsafe to re-apply after a revert.
    expect(d.safeToReapply).toBe(false);
    const elf = parseElf(bytes);
    const own = elf.notes.find((n) => n.name === "GNU" && elf.sections[n.sectionIndex].name === ".note.gnu.build-id")!;
    expect(d.buildId).toBe(toHex(bytes.subarray(own.desc.offset, own.desc.offset + own.desc.size)));
    expect(d.depends).toBe(toHex(hv.bootSpec!.buildId!));
  });

  it("replace world: old_addr 0 is resolved through the function's name", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("xen_replace_world", payloadBytes("x86_64", "xen_replace_world"))).toBe(0);
    const f = details(hv, "xen_replace_world").funcs[0];
    expect(BigInt(f.oldAddr)).toBe(hv.symbol("xen_extra_version")!.addr);
    expect(readLe(hv, BigInt(f.struct) + 16n, 8)).toBe(hv.symbol("xen_extra_version")!.addr);
  });

  it("endbr: a function starting with ENDBR64 accepts old_size 12 (needs 9)", async () => {
    const hv = await bootArch("x86_64");
    const f = hv.symbol("xen_changeset")!;
    expect(toHex(hv.readMemory(f.addr, 4)!)).toBe("f30f1efa");
    expect(hv.upload("xen_endbr", payloadBytes("x86_64", "xen_endbr"))).toBe(0);
    expect(details(hv, "xen_endbr").funcs[0].oldSize).toBe(12);
  });

  it("alternatives: nop + 2 padding bytes become lfence; ex_table and bug frame are registered", async () => {
    const hv = await bootArch("x86_64");
    const bytes = payloadBytes("x86_64", "xen_alternatives");
    expect(hv.upload("xen_alternatives", bytes)).toBe(0);
    const d = details(hv, "xen_alternatives");
    expect(d.alternatives).toBe(1);
    expect(d.exTable).toBe(1);
    expect(d.bugFrames).toEqual([0, 1, 0, 0]);
    const alt = d.sections.find((p) => p.name === ".altinstructions")!;
    const entry = hv.readMemory(BigInt(alt.addr), 14)!;
    const orig = BigInt(alt.addr) + BigInt(new DataView(entry.buffer, entry.byteOffset).getInt32(0, true));
    expect(toHex(hv.readMemory(orig, 3)!)).toBe("0faee8");
    expect(entry[13]).toBe(1); // priv: the site has been handled
    const fn = d.sections.find((p) => p.name === ".text.xen_alt_major_version")!;
    expect(orig >= BigInt(fn.addr) && orig < BigInt(fn.addr) + BigInt(fn.size)).toBe(true);
  });
});

describe("upload sequences", () => {
  it("dup_b after dup_a: -EEXIST for the duplicate new symbol, and nothing is left behind", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("xen_dup_a", payloadBytes("x86_64", "xen_dup_a"))).toBe(0);
    const a = details(hv, "xen_dup_a");
    expect(a.symbols.find((y) => y.name === "shared_counter")?.exported).toBe(true);
    const next = BigInt(a.regions.text.addr) + BigInt(a.pages) * 4096n + 4096n;
    expect(hv.upload("xen_dup_b", payloadBytes("x86_64", "xen_dup_b"))).toBe(-17);
    expect(hv.consoleLines().at(-1)).toBe("livepatch: xen_dup_b: duplicate new symbol: shared_counter");
    expect(hv.payload("xen_dup_b")).toBeNull();
    expect(hv.readMemory(next, 1)).toBeNull();
    expect(hv.list().map((e) => e.name)).toEqual(["xen_dup_a"]);
  });

  it("the same name twice: -EEXIST; the same build-id under another name: -EEXIST", async () => {
    const hv = await bootArch("aarch64");
    const bytes = payloadBytes("aarch64", "xen_nop");
    expect(hv.upload("xen_nop", bytes)).toBe(0);
    expect(hv.upload("xen_nop", bytes)).toBe(-17);
    expect(hv.upload("xen_nop_again", bytes)).toBe(-17);
    expect(hv.list().map((e) => e.name)).toEqual(["xen_nop"]);
  });

  it("the tests' failure lines name the reason like Xen's console", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("xen_no_xen_buildid", payloadBytes("x86_64", "xen_no_xen_buildid"))).toBe(-22);
    // xen/common/livepatch.c check_xen_buildid(): "%s: section %s is missing"
    expect(hv.consoleLines().at(-1)).toBe("livepatch: xen_no_xen_buildid: section .livepatch.xen_depends is missing");
    expect(hv.upload("xen_wrong_xen_buildid", payloadBytes("x86_64", "xen_wrong_xen_buildid"))).toBe(-22);
    // check_xen_buildid(): "%s: build-id mismatch:\n  livepatch: %*phN\n        xen: %*phN\n"
    const xen = Buffer.from(hv.bootSpec!.buildId!).toString("hex");
    expect(hv.consoleLines().slice(-3)).toEqual([
      "livepatch: xen_wrong_xen_buildid: build-id mismatch:",
      `  livepatch: ${xen.slice(0, -2)}${(parseInt(xen.slice(-2), 16) ^ 0xff).toString(16).padStart(2, "0")}`,
      `        xen: ${xen}`,
    ]);
    expect(eventsOf(hv, "hypercall-return").map((e) => e.ret)).toEqual([-22, -22]);
    expect(failures(hv).map((e) => [e.rule, e.rc, e.rcKind])).toEqual([
      ["xen-depends-missing", -22, "hypercall"],
      ["xen-depends-mismatch", -22, "hypercall"],
    ]);
  });

  it("legacy layouts are refused by a 4.23 hypervisor with -EINVAL", async () => {
    const hv = await bootArch("x86_64");
    for (const f of ["legacy/xen_hello_world_v1.livepatch", "legacy/xsplice_hello_world.xsplice"]) {
      expect(hv.upload(f.split("/")[1].split(".")[0], sampleBytes(f))).toBe(-22);
    }
    expect(hv.list()).toEqual([]);
  });
});
