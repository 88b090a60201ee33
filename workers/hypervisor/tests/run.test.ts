// Code run on the simulated CPUs, on the project's own samples (fixtures/): payload hooks at Xen's
// moments with Xen's arguments, `xl info` from the image's version functions, the console's
// `call`, and how a run ends when it cannot return (a crash through the panic path, an
// instruction the interpreter lacks, the step budget). Expected values come from the fixtures' C
// sources (fixtures/xen/version.c, fixtures/payloads/*.c) and Xen's sources where named.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { HypervisorApi, LoggedEvent } from "../../../src/protocol/hypervisor.ts";
import { apply, booted, bytesAt, EPERM, eventsOf, revert, sample, upload, APPLIED, CHECKED } from "./harness.ts";
import { newBox, load, CODE, bytesOf } from "./cpu/harness.ts";
import { describeEvent } from "../../../src/simulator/describe.ts";

type Arch = "x86_64" | "aarch64";
const ARCHES: Arch[] = ["x86_64", "aarch64"];

const hooks = (hv: HypervisorApi, from = 0) => hv.events().slice(from).filter((e): e is Extract<LoggedEvent, { kind: "hook" }> => e.kind === "hook");
const xl = (hv: HypervisorApi, key: string) => {
  const info = hv.xlInfo!();
  return info.fields.find((f) => f.key === key)?.value;
};

for (const arch of ARCHES) {
  describe(`${arch}: hooks run as code`, () => {
    let hv: HypervisorApi;
    beforeEach(async () => {
      hv = await booted(arch);
    });

    it("hello world: load and unload hooks print and count; xl info says Hello World while it is applied", () => {
      // fixtures/xen/version.c: xen_extra_version() returns "-unstable", major 4, minor 23 (4.23, Xen's XEN_SUBVERSION)
      expect(xl(hv, "xen_extra")).toBe("-unstable");
      expect(xl(hv, "xen_major")).toBe("4");
      expect(xl(hv, "xen_minor")).toBe("23");
      upload(hv, arch, "xen_hello_world");
      let from = hv.consoleLines().length;
      expect(apply(hv, "xen_hello_world")).toBe(0);
      // fixtures/payloads/hello_world.c: load hooks { hello_world_load, hello_world_count }
      expect(hv.consoleLines().slice(from)).toContain("Hook executing.");
      expect(hooks(hv).map((h) => [h.hook, h.executed, h.executed && h.outcome])).toEqual([
        ["load", true, "returned"],
        ["load", true, "returned"],
      ]);
      // fixtures/payloads/hello_world_func.c: xen_hello_world() returns "Hello World"
      expect(xl(hv, "xen_extra")).toBe("Hello World");
      expect(xl(hv, "xen_version")).toBe("4.23Hello World");
      const call = hv.call!("xen_extra_version", []);
      expect(call).toMatchObject({ outcome: "returned", string: "Hello World" });
      from = hv.consoleLines().length;
      const ev = hv.events().length;
      expect(revert(hv, "xen_hello_world")).toBe(0);
      expect(hv.consoleLines().slice(from)).toContain("Hook unloaded.");
      // unload hooks { hello_world_unload, hello_world_count, hello_world_check }: the check traps
      // unless the counter is 1 or 2, so the host staying up proves the count ran twice in order
      expect(hooks(hv, ev).map((h) => h.hook)).toEqual(["unload", "unload", "unload"]);
      expect(hv.halted()).toBe(false);
      expect(xl(hv, "xen_extra")).toBe("-unstable");
    });

    it("pre/post hooks: the pre-revert hook's own -1 refuses the first REVERT with -EPERM, the second goes through", () => {
      upload(hv, arch, "xen_prepost_hooks");
      expect(apply(hv, "xen_prepost_hooks")).toBe(0);
      // fixtures/payloads/prepost_hooks.c prepost_pre_apply() prints, then returns 0
      expect(hv.consoleLines()).toContain("pre-apply hook");
      // prepost_pre_revert(): ++pre_revert_cnt == 1 ? -1 : 0 (-1 is -EPERM)
      let ev = hv.events().length;
      expect(revert(hv, "xen_prepost_hooks")).toBe(-EPERM);
      expect(hooks(hv, ev)).toMatchObject([{ hook: "prerevert", rc: -1, overridden: false, executed: true, returned: -1 }]);
      // what the timeline says of that run
      expect(describeEvent(hooks(hv, ev)[0])).toMatch(/^prerevert hook #0 prepost_pre_revert \[xen_prepost_hooks\] ran \(\d+ instructions, 0 calls, 0 faults, 0 fixups\): returned −EPERM \(1\)$/);
      expect(hv.get("xen_prepost_hooks")).toMatchObject({ state: APPLIED, rc: -EPERM });
      ev = hv.events().length;
      expect(revert(hv, "xen_prepost_hooks")).toBe(0);
      expect(hooks(hv, ev)).toMatchObject([
        { hook: "prerevert", rc: 0, executed: true, returned: 0 },
        { hook: "postrevert", executed: true, outcome: "returned" },
      ]);
      // prepost_post_revert() traps unless the counts are 1/1/2/1
      expect(hv.halted()).toBe(false);
      expect(hv.get("xen_prepost_hooks")).toMatchObject({ state: CHECKED, rc: 0 });
    });

    it("action hooks: the code marks fstate itself, Xen's consistency check accepts it, nothing is written at the old function", () => {
      upload(hv, arch, "xen_action_hooks");
      const old = hv.symbol("xen_extra_version")!.addr;
      const before = bytesAt(hv, old, 16);
      expect(apply(hv, "xen_action_hooks")).toBe(0);
      // fixtures/payloads/action_hooks.c action_apply()
      expect(hv.consoleLines()).toContain("action_apply: xen_extra_version marked applied");
      expect(hooks(hv)).toMatchObject([{ hook: "apply", rc: 0, executed: true, returned: 0, overridden: false }]);
      expect(hv.get("xen_action_hooks")).toMatchObject({ state: APPLIED, rc: 0 });
      expect(bytesAt(hv, old, 16)).toBe(before);
      expect(eventsOf(hv, "write")).toHaveLength(0);
      expect(xl(hv, "xen_extra")).toBe("-unstable");
      expect(revert(hv, "xen_action_hooks")).toBe(0);
      expect(hv.consoleLines()).toContain("action_revert: xen_extra_version marked reverted");
      expect(hv.get("xen_action_hooks")).toMatchObject({ state: CHECKED, rc: 0 });
    });

    it("an action hook with no functions reads nfuncs 0 from the struct payload", () => {
      upload(hv, arch, "xen_action_hooks_nofunc");
      expect(apply(hv, "xen_action_hooks_nofunc")).toBe(0);
      // fixtures/payloads/action_hooks_nofunc.c: printk("nofunc_apply: %u functions\n", p->nfuncs)
      expect(hv.consoleLines()).toContain("nofunc_apply: 0 functions");
    });

    it("xl info: once a field's code would crash Xen, no later field is answered, the build-id included", () => {
      // xen_extra_version made to read address 0: x86 `mov 0x0,%rax` (48 8b 04 25 00 00 00 00),
      // A64 `ldr x0, [xzr... ]` is not encodable, so `movz x0, #0; ldr x0, [x0]` (d2800000 f9400000).
      const code = arch === "x86_64" ? Uint8Array.of(0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0xc3) : Uint8Array.of(0x00, 0x00, 0x80, 0xd2, 0x00, 0x00, 0x40, 0xf9);
      hv.mapMemory(hv.symbol("xen_extra_version")!.addr, code, 1);
      const info = hv.xlInfo!({ quiet: true });
      const outcome = Object.fromEntries(info.fields.map((f) => [f.key, f.outcome]));
      // xl's order (libxl_get_version_info()): version, extraversion, changeset, compile info, build-id.
      expect(outcome).toEqual({
        xen_major: "returned",
        xen_minor: "returned",
        xen_extra: "crashed",
        xen_version: "crashed",
        xen_changeset: "not-reached",
        cc_compiler: "not-reached",
        cc_compile_by: "not-reached",
        cc_compile_domain: "not-reached",
        cc_compile_date: "not-reached",
        build_id: "not-reached",
      });
      expect(info.fields.find((f) => f.key === "build_id")!.value).toBeNull();
    });

    it("xl info: all ten fields come from the image's own functions", () => {
      const info = hv.xlInfo!();
      const byKey = Object.fromEntries(info.fields.map((f) => [f.key, f]));
      // fixtures/xen/compile.c's fixed strings; the build-id from `readelf -n` (the golden)
      const golden = readFileSync(new URL(`../../../fixtures/goldens/${arch}/xen-syms.readelf`, import.meta.url), "utf8");
      const buildId = /Build ID: ([0-9a-f]{40})/.exec(golden)![1];
      expect(Object.fromEntries(info.fields.map((f) => [f.key, f.value]))).toMatchObject({
        cc_compiler: "gcc (Debian 12.2.0-14) 12.2.0",
        cc_compile_by: "lens",
        cc_compile_domain: "samples.invalid",
        cc_compile_date: "Thu Jan  1 00:00:00 UTC 1970",
        build_id: buildId,
      });
      expect(info.fields).toHaveLength(10);
      for (const f of info.fields) expect(byKey[f.key], f.key).toMatchObject({ outcome: "returned" });
    });

    it("call: a version function's value and the string it points at", () => {
      expect(hv.call!("xen_major_version", [])).toMatchObject({ outcome: "returned", value: "0x4" });
      expect(hv.call!("xen_minor_version", [])).toMatchObject({ outcome: "returned", value: "0x17" });
      expect(hv.call!("xen_extra_version", [])).toMatchObject({ outcome: "returned", string: "-unstable" });
      expect(hv.call!("no_such_function", [])).toMatchObject({ error: expect.stringContaining("no_such_function") });
    });

    it("a fault no exception table fixes up crashes Xen through the panic path", () => {
      // fixtures/xen/version.c xen_build_id(p, len) stores through p: NULL faults
      const r = hv.call!("xen_build_id", [0n, 0n]);
      expect(r).toMatchObject({ outcome: "crashed" });
      expect(hv.halted()).toBe(true);
      expect(eventsOf(hv, "panic")).toMatchObject([{ rule: "code-crash" }]);
      const msg = (eventsOf(hv, "panic")[0] as { message: string }).message;
      // Xen's fatal-fault banners: x86 do_page_fault() "FATAL PAGE FAULT", arm do_trap_data_abort()
      expect(msg).toMatch(arch === "x86_64" ? /^FATAL PAGE FAULT/ : /Data Abort/);
    });
  });
}

describe("a run that cannot return ends in an event, never a wasm trap", () => {
  // The bare CPU box of the interpreter tests: code mapped at CODE, called through `call 0x...`.
  const cases: [Arch | "arm32", string, string, RegExp][] = [
    // x86 `in al, dx` (ec): port I/O, not an instruction Xen's C code uses
    ["x86_64", "ec c3", "unsupported", /^unsupported instruction 'in' \(ec\) at 0x400000$/],
    // x86 `jmp $` (eb fe): runs until the step budget ends it
    ["x86_64", "eb fe", "budget", /budget/],
    // A64 `b .` (0x14000000)
    ["aarch64", "00 00 00 14", "budget", /budget/],
    // A64 `mrs x1, par_el1` (d5387401): a system register the interpreter does not model (Xen's
    // arm64 revert_payload() reaches it through its address-translation helpers)
    ["aarch64", "01 74 38 d5 c0 03 5f d6", "unsupported", /^unsupported instruction 'mrs' \(01 74 38 d5\) at 0x400000$/],
    // A32 `b .` (0xeafffffe)
    ["arm32", "fe ff ff ea", "budget", /budget/],
    // A32 `ldrex r0, [r1]` (0xe1910f9f): exclusives are not modelled (Xen's own locks run natively)
    ["arm32", "9f 0f 91 e1 1e ff 2f e1", "unsupported", /^unsupported instruction 'ldrex' \(9f 0f 91 e1\) at 0x400000$/],
  ];
  for (const [arch, code, why, detail] of cases) {
    it(`${arch} ${code}: outcome unknown (${why})`, async () => {
      const box = await newBox();
      load(box, arch, bytesOf(code));
      const r = JSON.parse(box.w.xenCall(`0x${CODE.toString(16)}`)) as { outcome: string; detail: string };
      expect(r.outcome).toBe("unknown");
      expect(r.detail).toMatch(detail);
    });
  }
});

describe("console: xl info, call, dmesg", () => {
  it("xl info in xl's layout, call with its string, hook printk lines in dmesg with (XEN) in order", async () => {
    const { createConsole } = await import("../../../src/console/index.ts");
    const hv = await booted("x86_64");
    const con = createConsole({ hv, resolveFile: (f) => sample(`x86_64/${f}`) });
    // tools/xl/xl_info.c: "%-23s: %s" style key column
    expect(con.run("xl info").output).toMatch(/^xen_major {14}: 4\nxen_minor {14}: 23\nxen_extra {14}: -unstable\nxen_version {12}: 4\.23-unstable\n/);
    expect(con.run("call xen_major_version").output).toBe("xen_major_version() = 0x4\n");
    expect(con.run("call xen_extra_version").output).toMatch(/^xen_extra_version\(\) = 0x[0-9a-f]+ "-unstable"\n$/);
    expect(con.run("load xen_hello_world.livepatch").status).toBe(0);
    expect(con.run("xl info").output).toMatch(/^xen_extra {14}: Hello World$/m);
    const dmesg = con.run("dmesg").output.split("\n");
    const at = (l: string) => dmesg.indexOf(`(XEN) ${l}`);
    expect(at("livepatch: xen_hello_world: Applying 1 functions")).toBeGreaterThanOrEqual(0);
    expect(at("Hook executing.")).toBe(at("livepatch: xen_hello_world: Applying 1 functions") + 1);
  });
});

describe("random bytes run as Xen code through the runner", () => {
  // The runner on top of the CPU (services, traps, bug frames, fixups, the panic path): whatever
  // the bytes, `call` answers with one of the three outcomes and the wasm never traps.
  for (const arch of ARCHES) {
    it(`${arch}: returned, crashed or unknown, never a trap`, async () => {
      const box = await newBox();
      await fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.array(fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), { maxLength: 4 }), (code, args) => {
          load(box, arch, code);
          for (const a of args) box.w.xenCallArg(a);
          const r = JSON.parse(box.w.xenCall(`0x${CODE.toString(16)}`)) as { outcome: string; detail?: string; value?: string };
          expect(["returned", "crashed", "unknown"]).toContain(r.outcome);
          if (r.outcome === "returned") expect(r.value).toMatch(/^0x[0-9a-f]+$/);
          else expect(r.detail?.length ?? 0).toBeGreaterThan(0);
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
      );
    });
  }
});
