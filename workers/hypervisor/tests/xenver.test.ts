// `xl info`'s XENVER_version after a NOP-out of xen_minor_version: the NOPed function returns
// what its caller left in the return register, so the answer is decided by the caller.
// Xen's caller is do_xen_version() (xen/common/kernel.c): `(xen_major_version() << 16) |
// xen_minor_version()`, compiled (objdump of each image) as: call xen_major_version, keep the result,
// call xen_minor_version. The return register at the second call holds the major version.
// Expected values from objdump of the images and hand decoding, never from the simulator.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../../../src/protocol/hypervisor.ts";
import { parseElf } from "../../../src/elf/index.ts";
import { bootFromImage } from "../host/image.ts";
import { apply, booted, freshHypervisor, upload } from "./harness.ts";

const SAMPLES = "public/samples";
const DIR = process.env.XEN_TEST_PAYLOADS;

/** objdump -d of one function: [address, bytes, text] per instruction. */
function objdump(tool: string, image: string, fn: string): { addr: bigint; bytes: number[]; text: string }[] {
  const out = execFileSync(tool, ["-d", "-w", `--disassemble=${fn}`, image], { encoding: "utf8" });
  const rows: { addr: bigint; bytes: number[]; text: string }[] = [];
  for (const m of out.matchAll(/^\s*([0-9a-f]+):\t((?:[0-9a-f]{2,8} )+)\s*\t(.*)$/gm)) {
    const words = m[2].trim().split(" ");
    // aarch64 and arm objdump print one 32-bit word; x86 prints bytes
    const bytes = words.length === 1 && words[0].length === 8 ? [0, 8, 16, 24].map((s) => (parseInt(words[0], 16) >>> s) & 0xff) : words.map((b) => parseInt(b, 16));
    rows.push({ addr: BigInt(`0x${m[1]}`), bytes, text: m[3].trim() });
  }
  if (!rows.length) throw new Error(`objdump shows no ${fn} in ${image}`);
  return rows;
}

/** The constant xen_major_version() returns: its `mov $N,%eax` / `mov w0, #N` / `mov r0, #N`. */
function majorOf(tool: string, image: string): number {
  const mov = objdump(tool, image, "xen_major_version").find((i) => /^mov\s+(\$0x[0-9a-f]+,%eax|w0, #0x[0-9a-f]+|r0, #\d+)/.test(i.text));
  if (!mov) throw new Error("xen_major_version has no constant mov");
  const hex = /0x([0-9a-f]+)/.exec(mov.text);
  return hex ? parseInt(hex[1], 16) : parseInt(/#(\d+)/.exec(mov.text)![1], 10);
}

const field = (hv: HypervisorApi, key: string) => hv.xlInfo().fields.find((f) => f.key === key)!;

// The stand-in's do_xen_version (fixtures/xen/kernel.c) is shaped like Xen's: sub-op 0 returns
// (xen_major_version() << 16) | xen_minor_version(), compiled as Xen's is.
describe("XENVER_version after a NOP-out of xen_minor_version, on the samples", () => {
  for (const [arch, tool, keep] of [
    ["x86_64", "objdump", /^mov\s+%eax,%ebx$/],
    ["aarch64", "aarch64-linux-gnu-objdump", /^mov\s+w19, w0$/],
    ["arm32", "arm-linux-gnueabihf-objdump", /^mov\s+r4, r0$/],
  ] as const) {
    it(`${arch}: xl info runs the image's do_xen_version; xen_minor is what xen_major_version left in the return register`, async () => {
      const image = join(SAMPLES, arch, "xen-syms");
      const dxv = objdump(tool, image, "do_xen_version");
      const call = dxv.findIndex((i) => /^(call|bl)\s+[0-9a-f]+ <xen_major_version>/.test(i.text));
      expect(dxv[call + 1].text).toMatch(keep);
      expect(dxv[call + 2].text).toMatch(/^(call|bl)\s+[0-9a-f]+ <xen_minor_version>/);
      const major = majorOf(tool, image);
      const hv = await booted(arch);
      expect(field(hv, "xen_minor").fns).toEqual(["do_xen_version", "xen_major_version", "xen_minor_version"]);
      expect(upload(hv, arch, "xen_nop")).toBe(0);
      expect(apply(hv, "xen_nop")).toBe(0);
      expect(hv.payload("xen_nop")!.state).toBe("APPLIED");
      expect(field(hv, "xen_major").value).toBe(String(major));
      expect(field(hv, "xen_minor").value).toBe(String(major & 0xff));
      expect(field(hv, "xen_version").value).toBe(`${major}.${major & 0xff}${field(hv, "xen_extra").value}`);
      expect(major).toBe(4);
    });
  }
});

describe.skipIf(!DIR)("XENVER_version on Xen's own builds (XEN_TEST_PAYLOADS)", () => {
  const path = (arch: string, f: string) => {
    const p = join(DIR ?? "", arch, f);
    if (!existsSync(p)) throw new Error(`${p} is missing (see docs/xen-test-payloads.md)`);
    return p;
  };
  async function bootReal(arch: string): Promise<HypervisorApi> {
    const hv = await freshHypervisor();
    bootFromImage(hv, parseElf(new Uint8Array(readFileSync(path(arch, "xen-syms")))), { cpus: 4 });
    return hv;
  }
  const nop = (hv: HypervisorApi, arch: string) => {
    expect(hv.upload("xen_nop", new Uint8Array(readFileSync(path(arch, "xen_nop.livepatch"))))).toBe(0);
    expect(apply(hv, "xen_nop")).toBe(0);
  };

  it("x86_64: xl info runs do_xen_version itself, and after xen_nop faults where Xen does: %rax = 4 from xen_major_version", async () => {
    const image = path("x86_64", "xen-syms");
    // do_xen_version: call xen_major_version; mov %eax,%ebx; call xen_minor_version
    const dxv = objdump("objdump", image, "do_xen_version");
    const callMajor = dxv.findIndex((i) => /call\s+[0-9a-f]+ <xen_major_version>/.test(i.text));
    expect(dxv[callMajor + 2].text).toMatch(/call\s+[0-9a-f]+ <xen_minor_version>/);
    const hv = await bootReal("x86_64");
    expect(field(hv, "xen_minor").fns).toEqual(["do_xen_version", "xen_major_version", "xen_minor_version"]);
    expect(field(hv, "xen_minor").value).toBe("23");
    nop(hv, "x86_64");
    // xen_nop leaves the jmp's last byte (ff) at xen_minor_version+9; the next function's first two
    // bytes complete it: ff /1 with ModRM 0x48 (mod 01, reg 1 = dec, rm 0 = %rax) and disp8.
    const minor = objdump("objdump", image, "xen_minor_version");
    const end = minor[0].addr + 10n;
    const next = execFileSync("objdump", ["-d", "-w", `--start-address=0x${end.toString(16)}`, `--stop-address=0x${(end + 2n).toString(16)}`, image], { encoding: "utf8" });
    // objdump cuts the instruction into one line per byte here
    const b = [...next.matchAll(/^\s*[0-9a-f]+:\t((?:[0-9a-f]{2} )+)/gm)].flatMap((l) => l[1].trim().split(" ").map((x) => parseInt(x, 16)));
    expect(b).toHaveLength(2);
    expect(b[0]).toBe(0x48);
    const disp = BigInt((b[1] << 24) >> 24);
    const fault = BigInt.asUintN(64, BigInt(majorOf("objdump", image)) + disp);
    const f = field(hv, "xen_major");
    expect(f.outcome).toBe("crashed");
    expect(f.detail).toBe(`FATAL PAGE FAULT\n[error_code=0002]\nFaulting linear address: ${fault.toString(16).padStart(16, "0")}`);
    expect(fault).toBe(0xffffffffffffff91n);
  });

  /** The symbol's address (nm). */
  const nmAddr = (image: string, name: string): bigint => {
    const m = new RegExp(`^([0-9a-f]+) [a-zA-Z] ${name}$`, "m").exec(execFileSync("aarch64-linux-gnu-nm", [image], { encoding: "utf8" }));
    if (!m) throw new Error(`nm shows no ${name}`);
    return BigInt(`0x${m[1]}`);
  };
  /** `len` bytes of the image file at `addr` (objdump -s), as a little-endian number. */
  const fileLe = (image: string, addr: bigint, len: number): bigint => {
    const out = execFileSync("aarch64-linux-gnu-objdump", ["-s", `--start-address=0x${addr.toString(16)}`, `--stop-address=0x${(addr + BigInt(len)).toString(16)}`, image], { encoding: "utf8" });
    const hex = [...out.matchAll(/^ ([0-9a-f]+) ((?:[0-9a-f]{2,8} )+)/gm)].map((l) => l[2].replace(/ /g, "")).join("");
    if (hex.length !== len * 2) throw new Error(`objdump -s gave ${hex.length / 2} bytes at 0x${addr.toString(16)}`);
    return BigInt(`0x${(hex.match(/../g) ?? []).reverse().join("")}`);
  };
  const le = (b: Uint8Array): bigint => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
  const returned = (hv: HypervisorApi, fn: string, args: bigint[]) => {
    const r = hv.call(fn, args);
    if ("error" in r) throw new Error(r.error);
    expect(r.outcome).toBe("returned");
    return BigInt(r.value!);
  };

  it("arm64: xsm_dt_init() runs at boot, so do_xen_version's XSM hook is dummy_ops' xsm_xen_version and xl info runs do_xen_version: 4.23, then 4.4 after xen_nop", async () => {
    const image = path("arm64", "xen-syms");
    const tool = "aarch64-linux-gnu-objdump";
    // do_xen_version: adrp x1, P; ldr x1, [x1, #N]; blr x1 (xsm_xen_version through xsm_ops), then
    // bl xen_major_version; mov w19, w0; bl xen_minor_version; orr w0, w0, w19, lsl #16
    const dxv = objdump(tool, image, "do_xen_version");
    const blr = dxv.findIndex((i) => /^blr\s+x1$/.test(i.text));
    const page = /^adrp\s+x1, ([0-9a-f]+) /.exec(dxv[blr - 2].text);
    const off = /^ldr\s+x1, \[x1, #(\d+)\]$/.exec(dxv[blr - 1].text);
    expect(page && off).toBeTruthy();
    const slot = BigInt(`0x${page![1]}`) + BigInt(off![1]);
    const hook = slot - nmAddr(image, "xsm_ops");
    expect(hook >= 0n && hook < 440n).toBe(true); // sizeof(struct xsm_ops): readelf -s, 440
    const bl = dxv.findIndex((i) => /^bl\s+[0-9a-f]+ <xen_major_version>/.test(i.text));
    expect(bl).toBeGreaterThan(blr);
    expect(dxv[bl + 1].text).toBe("mov\tw19, w0");
    expect(dxv[bl + 2].text).toMatch(/^bl\s+[0-9a-f]+ <xen_minor_version>/);
    expect(dxv[bl + 3].text).toBe("orr\tw0, w0, w19, lsl #16");
    // xsm_core_init(): xsm_bootparam's build default (2 = XSM_BOOTPARAM_SILO, xsm_core.c's enum;
    // CONFIG_XSM_SILO_DEFAULT) picks silo_xsm_ops; xsm_fixup_ops() fills a NULL hook from dummy_ops
    expect(fileLe(image, nmAddr(image, "xsm_bootparam"), 4)).toBe(2n);
    const silo = fileLe(image, nmAddr(image, "silo_xsm_ops") + hook, 8);
    const want = silo !== 0n ? silo : fileLe(image, nmAddr(image, "dummy_ops") + hook, 8);
    // silo.c has no xen_version hook: it is dummy.h's xsm_xen_version
    expect(silo).toBe(0n);
    expect(want).toBe(nmAddr(image, "xsm_xen_version"));
    // before boot the slot is zero in the image (xsm_ops is filled at boot, nowhere else)
    expect(fileLe(image, slot, 8)).toBe(0n);

    const major = majorOf(tool, image);
    const minorMov = objdump(tool, image, "xen_minor_version").find((i) => /^mov\s+w0, #0x[0-9a-f]+/.test(i.text))!;
    const minor = parseInt(/#0x([0-9a-f]+)/.exec(minorMov.text)![1], 16);
    expect([major, minor]).toEqual([4, 23]);

    const hv = await bootReal("arm64");
    expect(le(hv.readMemory(slot, 8)!)).toBe(want);
    expect(field(hv, "xen_minor").fns).toEqual(["do_xen_version", "xen_major_version", "xen_minor_version"]);
    expect(field(hv, "xen_major").value).toBe(String(major));
    expect(field(hv, "xen_minor").value).toBe(String(minor));
    // XENVER_version = (major << 16) | minor
    expect(returned(hv, "do_xen_version", [0n, 0n])).toBe(BigInt((major << 16) | minor));
    expect(returned(hv, "do_xen_version", [0n, 0n])).toBe(0x40017n);

    nop(hv, "arm64");
    // xen_nop NOPs xen_minor_version's `mov w0, #0x17`: it returns the w0 do_xen_version's
    // `bl xen_major_version` left (4), so XENVER_version is 0x40004 and xl prints 4.4
    expect(field(hv, "xen_minor").fns).toEqual(["do_xen_version", "xen_major_version", "xen_minor_version"]);
    expect(field(hv, "xen_major").value).toBe(String(major));
    expect(field(hv, "xen_minor").value).toBe(String(major));
    expect(field(hv, "xen_version").value).toBe(`${major}.${major}${field(hv, "xen_extra").value}`);
    expect(returned(hv, "do_xen_version", [0n, 0n])).toBe(0x40004n);
  });

  it("arm64 with xsm_dt_init() hidden (what an image whose do_xen_version does not answer at boot gets): xl info calls the two version functions in a row, xen_minor 4 after xen_nop", async () => {
    const hv = await freshHypervisor();
    // xsm_ops stays as the image has it (zero): the hook call takes an Instruction Abort at 0
    const hiding = new Proxy(hv, {
      get(t, k) {
        if (k === "addSymbol") return (s: Parameters<HypervisorApi["addSymbol"]>[0]) => (s.name === "xsm_dt_init" ? undefined : t.addSymbol(s));
        const v = Reflect.get(t, k) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    bootFromImage(hiding, parseElf(new Uint8Array(readFileSync(path("arm64", "xen-syms")))), { cpus: 4 });
    const major = majorOf("aarch64-linux-gnu-objdump", path("arm64", "xen-syms"));
    expect(field(hv, "xen_minor").fns).toEqual(["xen_major_version", "xen_minor_version"]);
    expect(field(hv, "xen_minor").value).toBe("23");
    nop(hv, "arm64");
    // the same register state do_xen_version's calls give w0: (major << 16) | major
    expect(field(hv, "xen_minor").value).toBe(String(major));
    expect(field(hv, "xen_version").value).toBe(`${major}.${major}${field(hv, "xen_extra").value}`);
  });
});
if (!DIR) console.log("XENVER_version on Xen's own builds: XEN_TEST_PAYLOADS is not set, not run");
