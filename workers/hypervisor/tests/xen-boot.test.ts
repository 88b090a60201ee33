// The end of boot on Xen's real builds (XEN_TEST_PAYLOADS, like xen-payloads.test.ts): what Xen
// does once before any hypercall, and what later answers read. Expected values come from binutils
// on the same files (readelf -n for the build-id, nm for addresses), never from the simulator.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf, relocAddend, relocOffset } from "../../../src/elf/index.ts";
import { createConsole } from "../../../src/console/index.ts";
import { runAudit } from "../../../src/audit/index.ts";
import { Patch } from "../../../src/audit/test-support/samples.ts";
import { nodeAuditHost } from "../../../src/cli/auditHost.ts";
import { bootFromImage } from "../host/image.ts";
import { freshHypervisor } from "./harness.ts";

const DIR = process.env.XEN_TEST_PAYLOADS;
const ARCHES = ["x86_64", "arm64"] as const;

if (!DIR) console.log("xen-boot: XEN_TEST_PAYLOADS is not set; the end-of-boot checks on Xen's real builds were not run");

function path(arch: string, name: string): string {
  const p = join(DIR ?? "", arch, name);
  if (!existsSync(p)) throw new Error(`${p} is missing (see docs/xen-test-payloads.md)`);
  return p;
}

/** `readelf -n`'s "Build ID: <hex>" of the image. */
function readelfBuildId(file: string): string {
  const m = /Build ID: ([0-9a-f]+)/.exec(execFileSync("readelf", ["-n", file], { encoding: "utf8" }));
  if (!m) throw new Error(`readelf -n ${file}: no build-id note`);
  return m[1];
}

async function bootReal(arch: string) {
  const hv = await freshHypervisor();
  bootFromImage(hv, parseElf(new Uint8Array(readFileSync(path(arch, "xen-syms")))), { cpus: 4 });
  const con = createConsole({ hv, resolveFile: (f) => new Uint8Array(readFileSync(path(arch, f.replace(/^.*\//, "")))) });
  return { hv, con };
}

/** `nm`'s address of `name` in the image. */
function nmAddr(file: string, name: string): bigint {
  const line = execFileSync("nm", [file], { encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\n")
    .find((l) => l.split(" ")[2] === name);
  if (!line) throw new Error(`nm ${file}: no ${name}`);
  return BigInt("0x" + line.split(" ")[0]);
}

/**
 * Xen's xen_hello_world with funcs[0].old_addr moved from xen_extra_version to xen_build_init:
 * the RELA addend of the relocation that fills old_addr grows by their distance (nm).
 */
function helloPatchingBuildInit(arch: string): Uint8Array {
  const image = path(arch, "xen-syms");
  const p = new Patch(new Uint8Array(readFileSync(path(arch, "xen_hello_world.livepatch"))));
  const funcs = p.section(".livepatch.funcs");
  const t = p.elf.relocationTables.find((r) => p.elf.sections[r.sectionIndex].name === ".rela.livepatch.funcs")!;
  const oldAddrField = BigInt(p.func(0, "old_addr") - funcs.dataOffset);
  const k = Array.from({ length: t.count }, (_, i) => relocOffset(t, i)).indexOf(oldAddrField);
  if (k < 0) throw new Error("no relocation fills funcs[0].old_addr");
  return p.addend(".rela.livepatch.funcs", k, relocAddend(t, k) + nmAddr(image, "xen_build_init") - nmAddr(image, "xen_extra_version")).bytes;
}

/** The offset in `fn` of the first instruction `objdump -d` prints as `want` (e.g. "(bad)"). */
function objdumpOffset(file: string, fn: string, want: string): number {
  const out = execFileSync("objdump", ["-d", "--no-show-raw-insn", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const body = out.split(`<${fn}>:\n`)[1]?.split("\n\n")[0] ?? "";
  const line = body.split("\n").find((l) => l.split("\t")[1]?.trim() === want);
  if (!line) throw new Error(`objdump ${file}: no ${want} in ${fn}`);
  return parseInt(line.trim().split(":")[0], 16);
}

const buildIdLine = (out: string) => /^build_id {15}: (.*)$/m.exec(out)?.[1];

describe.skipIf(!DIR)("the end of boot on Xen's real builds (XEN_TEST_PAYLOADS)", () => {
  for (const arch of ARCHES) {
    // xen/common/version.c xen_build_init() is an __initcall: it runs once at boot and
    // XENVER_build_id only reads xen_build_id / xen_build_id_len. An APPLY's revive() leaves
    // .rodata (ro_after_init) read-only, which must not matter to a value found at boot.
    it(`${arch}: xl info's build_id is the image's note after load and after revert, asked first after the APPLY`, async () => {
      const want = readelfBuildId(path(arch, "xen-syms"));
      const { hv, con } = await bootReal(arch);
      expect(con.run("load xen_hello_world.livepatch").status).toBe(0);
      const applied = con.run("xl info").output;
      expect(applied).toMatch(/^xen_extra {14}: Hello World$/m);
      expect(buildIdLine(applied)).toBe(want);
      expect(con.run("revert xen_hello_world").status).toBe(0);
      expect(buildIdLine(con.run("xl info").output)).toBe(want);
      expect(hv.halted()).toBe(false);
    });

    // init_done() (x86 setup.c; Arm setup.c free_init_memory()) clears and unmaps
    // __init_begin..__init_end after boot.
    it(`${arch}: .init is unmapped after boot, the page before it is not`, async () => {
      const image = path(arch, "xen-syms");
      const { hv, con } = await bootReal(arch);
      const begin = nmAddr(image, "__init_begin");
      const end = nmAddr(image, "__init_end");
      expect(hv.readMemory(begin, 1)).toBeNull();
      expect(hv.readMemory(nmAddr(image, "xen_build_init"), 1)).toBeNull();
      expect(hv.readMemory(end - 1n, 1)).toBeNull();
      expect(hv.readMemory(begin - 1n, 1)).not.toBeNull();
      expect(con.run("mem xen_build_init 8").output).toMatch(/is not mapped/);
    });

    // Xen 4.23's do_invalid_op() takes only UDB (0xd6) for a bug frame (commit 1f3dd605ea); a ud2
    // is a plain #UD. xen_action_hooks.c:78's BUG_ON in post_revert_hook is a UDB (objdump prints
    // it "(bad)"); called as xen-payloads.test.ts does it (a struct payload whose nfuncs is the
    // still-0 apply_cnt), it fires. With ud2 (0f 0b) written over it, Xen dies with fatal_trap().
    if (arch === "x86_64")
      it("x86_64: on the 4.23 build a ud2 where a BUG frame points is a fatal #UD, not Xen's BUG line", async () => {
        const file = path(arch, "xen_action_hooks.livepatch");
        const p = new Patch(new Uint8Array(readFileSync(file)));
        const sym = p.elf.symbolTables.find((t) => t.sectionType === 2)!;
        const i = sym.name.indexOf("post_revert_hook");
        const at = p.elf.sections[sym.shndx[i]].dataOffset + Number(sym.value[i]) + objdumpOffset(file, "post_revert_hook", "(bad)");
        expect(p.bytes[at]).toBe(0xd6);
        p.u8(at, 0x0f).u8(at + 1, 0x0b);
        const { hv } = await bootReal(arch);
        expect(hv.upload("xen_action_hooks", p.bytes)).toBe(0);
        const applyCnt = BigInt(hv.payload("xen_action_hooks")!.symbols.find((s) => s.name === "apply_cnt")!.addr);
        const from = hv.consoleLines().length;
        const r = hv.call!("post_revert_hook", [applyCnt - 120n]);
        expect(r).toMatchObject({ outcome: "crashed", detail: expect.stringMatching(/^FATAL TRAP: vec 6, #UD\[0000\]/) });
        expect(hv.halted()).toBe(true);
        expect(hv.consoleLines().slice(from).some((l) => l.startsWith("Xen BUG at"))).toBe(false);
      });

    // A payload patching xen_build_init: x86 arch_livepatch_verify_func() reads is_endbr64(old_addr)
    // at UPLOAD; Arm's UPLOAD does not read it, and arch_livepatch_apply() memcpy()s from it at APPLY.
    it(`${arch}: a payload patching __init code is rejected at ${arch === "x86_64" ? "UPLOAD" : "APPLY"}, naming the freed .init`, async () => {
      const result = await runAudit(
        { image: { file: "xen-syms", bytes: new Uint8Array(readFileSync(path(arch, "xen-syms"))) }, files: [{ file: "init.livepatch", bytes: helloPatchingBuildInit(arch), role: "apply" }] },
        await nodeAuditHost(),
      );
      expect(result.verdict).toBe("reject");
      const errors = result.findings.filter((f) => f.severity === "error");
      expect(errors.map((f) => f.id)).toEqual([arch === "x86_64" ? "func-old-addr-unmapped" : "patch-write-fault"]);
      // Both fault with no fixup: a panic, no rc (x86's is_endbr64() is a plain 32-bit read).
      if (arch === "x86_64") expect(errors[0].message).toMatch(/^the host panics during UPLOAD: "FATAL PAGE FAULT\n\[error_code=0000\]\nFaulting linear address: /);
      else expect(errors[0].message).toMatch(/^the host panics during APPLY: "CPU0: Unexpected Trap: Data Abort"/);
      expect(errors[0].message).toMatch(/__init code or data, which Xen freed and unmapped after boot/);
      expect(result.halted).toBe(true);
      if (arch === "x86_64") expect(result.steps).toMatchObject([{ op: "upload", ret: null }]);
    });
  }
});
