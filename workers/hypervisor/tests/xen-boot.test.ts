// The end of boot on Xen's real builds (XEN_TEST_PAYLOADS, like xen-payloads.test.ts): what Xen
// does once before any hypercall, and what later answers read. Expected values come from binutils
// on the same files (readelf -n for the build-id), never from the simulator.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { createConsole } from "../../../src/console/index.ts";
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
  }
});
