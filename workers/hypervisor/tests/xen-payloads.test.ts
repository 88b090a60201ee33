// `npm run test:xen`: Xen's own test payloads (xen/test/livepatch) and the xen-syms they were
// built against, from a local Xen build (never committed; docs/xen-test-payloads.md says how to
// make the directory). A catalogue of console scenarios runs on x86_64 and arm64, and every line
// the simulated Xen prints is held to the messages Xen 4.23's sources print: the ordinary lines
// in order, word for word (expected lines written here from Xen's format strings, with the
// values read from the payload files by an independent parser), and every debug-build dprintk
// line against the dprintk calls in Xen's sources (file, line and format).
//
// Not compared: the lines the test payloads' own hook functions print (the simulator does not run
// payload code; each hook's return value is set by a knob, as the payload's C source returns it).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf, type ElfFile } from "../../../src/elf/index.ts";
import { createConsole } from "../../../src/console/index.ts";
import { bootFromImage } from "../host/image.ts";
import { freshHypervisor } from "./harness.ts";

const DIR = process.env.XEN_TEST_PAYLOADS;
const ARCHES = ["x86_64", "arm64"] as const;
type XenArch = (typeof ARCHES)[number];

if (!DIR) console.log("test:xen: XEN_TEST_PAYLOADS is not set; Xen's own test payloads were not run (see docs/xen-test-payloads.md)");

/** Xen's printk/dprintk messages these flows can print, as patterns (PAYLOAD and hex fields open). */
const N = "[A-Za-z0-9_.$-]+";
const H = "[0-9a-f]+";
const P16 = "[0-9a-f]{16}";
const XEN_MESSAGES: RegExp[] = [
  // xen/common/livepatch.c
  new RegExp(`^livepatch: ${N}: Verifying enabled expectations for all functions$`), // livepatch_check_expectations()
  new RegExp(`^livepatch: ${N}: Applying \\d+ functions$`), // apply_payload()
  new RegExp(`^livepatch: ${N}: Reverting$`), // revert_payload()
  /^livepatch: module metadata:$/, // livepatch_display_metadata()
  /^livepatch: {3}.*$/, // livepatch_display_metadata()
  new RegExp(`^livepatch: ${N} finished (APPLY|REVERT|REPLACE) with rc=-?\\d+$`), // do_livepatch_work()
  new RegExp(`^livepatch: ${N}: can't unload\\. Top is ${N}$`), // livepatch_action()
  new RegExp(`^livepatch: ${N}: can't revert as payload has \\.data\\. Please unload$`), // livepatch_action()
  new RegExp(`^livepatch: ${N}: check against ${N} build-id failed$`), // build_id_dep()
  new RegExp(`^livepatch: ${N}: Calling (pre-apply|pre-revert|apply action|revert action) hook function$`), // livepatch_action(), livepatch_do_action()
  new RegExp(`^livepatch: ${N}: Calling (post-apply|post-revert) hook function with rc=-?\\d+$`), // do_livepatch_work()
  new RegExp(`^livepatch: ${N}: (pre-apply|pre-revert) hook failed \\(rc=-?\\d+\\), aborting!$`), // livepatch_action()
  new RegExp(`^livepatch: ${N}: REPLACE action is not supported on livepatches with vetoing hooks!$`), // livepatch_action()
  new RegExp(`^livepatch: ${N}: expectation failed: expected:${H}, actual:${H}$`), // livepatch_verify_expectation_fn()
  new RegExp(`^livepatch: ${N}: expectations of ${N} failed \\(rc=-?\\d+\\), aborting!$`), // livepatch_check_expectations()
  new RegExp(`^livepatch: ${N}: section \\.livepatch\\.xen_depends is missing$`), // check_xen_buildid()
  new RegExp(`^livepatch: ${N}: SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!$`), // livepatch_do_action()
  /^'x' pressed - Dumping all livepatch patches$/, // livepatch_printall()
  new RegExp(`^build-id: ${H}$`),
  new RegExp(`^ name=${N} state=(CHECKED|APPLIED)\\(\\d\\) ${P16} \\(\\.data=${P16}, \\.rodata=${P16}\\) using \\d+ pages\\.$`),
  new RegExp(`^ {4}${N} patch ${P16}\\(\\d+\\) with ${P16} \\(\\d+\\)$`),
  new RegExp(`^build-id=${H}$`),
  new RegExp(`^depend-on=${H}$`),
  // xen/arch/x86/alternative.c _apply_alternatives(), xen/arch/arm/alternative.c __apply_alternatives()
  new RegExp(`^alt table ${P16} -> ${P16}$`),
  new RegExp(`^alternatives: Patching with alt table ${P16} -> ${P16}$`),
];

/** Every dprintk() in the livepatch code (xen/include/xen/lib.h prefixes "%s:%d: " __FILE__, __LINE__). */
const XEN_DPRINTKS: RegExp[] = [
  new RegExp(`^common/livepatch\\.c:219: livepatch: ${N}: Resolved old address ${N} => ${P16}$`), // resolve_old_address()
  new RegExp(`^common/livepatch\\.c:381: livepatch: ${N}: Loaded ${N} at ${P16}$`), // move_payload()
  new RegExp(`^common/livepatch\\.c:577: livepatch: ${N}: ${N} is missing$`), // check_patching_sections()
  new RegExp(`^common/livepatch\\.c:1114: livepatch: ${N}: new symbol ${N}$`), // build_symbol_table()
  new RegExp(`^common/livepatch\\.c:1120: livepatch: ${N}: overriding symbol ${N}$`), // build_symbol_table()
  new RegExp(`^common/livepatch\\.c:1747: livepatch: ${N}: timeout is \\d+ns$`), // schedule_work()
  new RegExp(`^common/livepatch\\.c:1855: livepatch: ${N}: CPU\\d+ - IPIing the other \\d+ CPUs$`), // do_livepatch_work()
  new RegExp(`^common/livepatch_elf\\.c:313: livepatch: ${N}: Undefined symbol resolved: ${N} => 0x${H}$`), // livepatch_elf_resolve_symbols()
  new RegExp(`^common/livepatch_elf\\.c:318: livepatch: ${N}: Absolute symbol: \\S* => (0x${H}|0)$`),
  new RegExp(`^common/livepatch_elf\\.c:338: livepatch: ${N}: Symbol \\S* from section ${N} ignored$`),
  new RegExp(`^common/livepatch_elf\\.c:347: livepatch: ${N}: Symbol resolved: \\S* => 0x${H} \\(${N}\\)$`),
];

const DPRINTK = /^[a-z0-9_/]+\.c:\d+: /;

/** The build's CONFIG_DEBUG, from xen_build_info()'s string (xen/common/version.c build_info). */
function isDebugBuild(image: ElfFile): boolean {
  const t = image.symbolTables.find((x) => x.sectionType === 2)!;
  const i = t.name.findIndex((n) => n === "build_info" || n.endsWith("#build_info"));
  if (i < 0) throw new Error("xen-syms has no build_info symbol");
  const s = image.sections[t.shndx[i]];
  const off = s.dataOffset + Number(t.value[i] - s.addr);
  return new TextDecoder().decode(image.bytes.subarray(off, off + 7)) === "debug=y";
}

interface Facts {
  funcs: number;
  modinfo: string[];
  alt: boolean;
}

/** What a payload file says, from src/elf (independent of the simulator). */
function facts(file: Uint8Array): Facts {
  const elf = parseElf(file);
  const sec = (n: string) => elf.sections.find((s) => s.name === n);
  const funcs = sec(".livepatch.funcs");
  const mi = sec(".modinfo");
  const modinfo = mi ? new TextDecoder().decode(file.subarray(mi.dataOffset, mi.dataOffset + mi.dataSize)).split("\0").filter((x) => x !== "") : [];
  const alt = sec(".altinstructions");
  return { funcs: funcs ? Number(funcs.size) / 104 : 0, modinfo, alt: !!alt && alt.size > 0n };
}

type Expect = string | RegExp;

interface Step {
  cmd: string;
  status: number;
  /** The ordinary (non-dprintk) console lines the command makes Xen print, in order. */
  dmesg: (f: (name: string) => Facts, arch: XenArch) => Expect[];
}

const v = "livepatch: ";
const uploadLines = (f: Facts, arch: XenArch): Expect[] => (f.alt ? [arch === "x86_64" ? new RegExp(`^alt table ${P16} -> ${P16}$`) : new RegExp(`^alternatives: Patching with alt table ${P16} -> ${P16}$`)] : []);
const applyLines = (name: string, f: Facts, action = "APPLY"): Expect[] => [
  `${v}${name}: Verifying enabled expectations for all functions`,
  `${v}${name}: Applying ${f.funcs} functions`,
  ...(f.modinfo.length ? [`${v}module metadata:`, ...f.modinfo.map((m) => `${v}  ${m}`)] : []),
  `${v}${name} finished ${action} with rc=0`,
];
const revertLines = (name: string, rc = 0): Expect[] => [`${v}${name}: Reverting`, `${v}${name} finished REVERT with rc=${rc}`];

/** load = upload + apply (tools/misc/xen-livepatch.c load_func()). */
function load(name: string, flags = ""): Step {
  return { cmd: `load ${name}.livepatch${flags}`, status: 0, dmesg: (f, a) => [...uploadLines(f(name), a), ...applyLines(name, f(name))] };
}

const SCENARIOS: Record<string, Step[]> = {
  "hello and bye stack, an out-of-order revert, re-apply refused": [
    load("xen_hello_world"),
    { cmd: "upload xen_bye_world xen_bye_world.livepatch", status: 0, dmesg: (f, a) => uploadLines(f("xen_bye_world"), a) },
    { cmd: "apply xen_bye_world", status: 0, dmesg: (f) => applyLines("xen_bye_world", f("xen_bye_world")) },
    { cmd: "revert xen_hello_world", status: 2, dmesg: () => [`${v}xen_hello_world: can't unload. Top is xen_bye_world`] },
    { cmd: "revert xen_bye_world", status: 0, dmesg: () => revertLines("xen_bye_world") },
    { cmd: "revert xen_hello_world", status: 0, dmesg: () => revertLines("xen_hello_world") },
    { cmd: "apply xen_hello_world", status: 1, dmesg: () => [`${v}xen_hello_world: can't revert as payload has .data. Please unload`] },
    { cmd: "unload xen_bye_world", status: 0, dmesg: () => [] },
    { cmd: "unload xen_hello_world", status: 0, dmesg: () => [] },
  ],
  "bye before hello: the build-id chain": [
    { cmd: "upload xen_bye_world xen_bye_world.livepatch", status: 0, dmesg: (f, a) => uploadLines(f("xen_bye_world"), a) },
    { cmd: "apply xen_bye_world", status: 1, dmesg: () => [`${v}xen_bye_world: check against hypervisor build-id failed`] },
    { cmd: "apply xen_bye_world --nodeps", status: 0, dmesg: (f) => applyLines("xen_bye_world", f("xen_bye_world")) },
  ],
  "REPLACE over hello": [
    load("xen_hello_world"),
    { cmd: "upload xen_replace_world xen_replace_world.livepatch", status: 0, dmesg: (f, a) => uploadLines(f("xen_replace_world"), a) },
    {
      cmd: "replace xen_replace_world",
      status: 0,
      dmesg: (f) => [`${v}xen_hello_world: Reverting`, ...applyLines("xen_replace_world", f("xen_replace_world"), "REPLACE")],
    },
    { cmd: "revert xen_replace_world", status: 0, dmesg: () => revertLines("xen_replace_world") },
  ],
  "expectations met, then a NOP-out": [
    load("xen_expectations"),
    // It depends on Xen's build-id, not on the payload applied before it: --nodeps.
    load("xen_nop", " --nodeps"),
  ],
  // A fresh host: xen_expectations_fail defines the same new symbols as xen_expectations.
  "expectations failed, no xen_depends": [
    {
      cmd: "load xen_expectations_fail.livepatch",
      status: 1,
      dmesg: (f, a) => [
        ...uploadLines(f("xen_expectations_fail"), a),
        `${v}xen_expectations_fail: Verifying enabled expectations for all functions`,
        new RegExp(`^${v}xen_extra_version: expectation failed: expected:deadc0debabe, actual:${H}$`),
        `${v}xen_expectations_fail: expectations of xen_extra_version failed (rc=-22), aborting!`,
      ],
    },
    { cmd: "upload xen_no_xen_buildid xen_no_xen_buildid.livepatch", status: 1, dmesg: () => [`${v}xen_no_xen_buildid: section .livepatch.xen_depends is missing`] },
  ],
  "pre/post hooks: a vetoed revert, then REPLACE refused": [
    // xen_prepost_hooks.c: pre_revert_hook() returns -(pre_revert_retry--), 1 at first.
    { cmd: "hook xen_prepost_hooks prerevert -1", status: 0, dmesg: () => [] },
    {
      cmd: "load xen_prepost_hooks.livepatch",
      status: 0,
      dmesg: (f, a) => {
        const x = applyLines("xen_prepost_hooks", f("xen_prepost_hooks"));
        return [...uploadLines(f("xen_prepost_hooks"), a), x[0], `${v}xen_prepost_hooks: Calling pre-apply hook function`, ...x.slice(1, -1), `${v}xen_prepost_hooks: Calling post-apply hook function with rc=0`, x.at(-1)!];
      },
    },
    { cmd: "upload xen_replace_world xen_replace_world.livepatch", status: 0, dmesg: (f, a) => uploadLines(f("xen_replace_world"), a) },
    { cmd: "replace xen_replace_world", status: 1, dmesg: () => [`${v}xen_replace_world: REPLACE action is not supported on livepatches with vetoing hooks!`] },
    {
      cmd: "revert xen_prepost_hooks",
      status: 1,
      dmesg: () => [`${v}xen_prepost_hooks: Calling pre-revert hook function`, `${v}xen_prepost_hooks: pre-revert hook failed (rc=-1), aborting!`],
    },
    { cmd: "hook xen_prepost_hooks prerevert 0", status: 0, dmesg: () => [] },
    {
      cmd: "revert xen_prepost_hooks",
      status: 0,
      dmesg: () => [`${v}xen_prepost_hooks: Calling pre-revert hook function`, `${v}xen_prepost_hooks: Reverting`, `${v}xen_prepost_hooks: Calling post-revert hook function with rc=0`, `${v}xen_prepost_hooks finished REVERT with rc=0`],
    },
  ],
  "a failing pre-apply hook": [
    // xen_prepost_hooks_fail.c: pre_apply_hook() returns -EINVAL.
    { cmd: "hook xen_prepost_hooks_fail preapply -22", status: 0, dmesg: () => [] },
    {
      cmd: "load xen_prepost_hooks_fail.livepatch",
      status: 1,
      dmesg: (f, a) => [
        ...uploadLines(f("xen_prepost_hooks_fail"), a),
        `${v}xen_prepost_hooks_fail: Verifying enabled expectations for all functions`,
        `${v}xen_prepost_hooks_fail: Calling pre-apply hook function`,
        `${v}xen_prepost_hooks_fail: pre-apply hook failed (rc=-22), aborting!`,
      ],
    },
  ],
  "action hooks replace Xen's own apply and revert": [
    {
      cmd: "load xen_action_hooks.livepatch",
      status: 0,
      dmesg: (f, a) => [
        ...uploadLines(f("xen_action_hooks"), a),
        `${v}xen_action_hooks: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks: Calling apply action hook function`,
        `${v}xen_action_hooks finished APPLY with rc=0`,
      ],
    },
    {
      cmd: "revert xen_action_hooks",
      status: 0,
      dmesg: () => [`${v}xen_action_hooks: Calling revert action hook function`, `${v}xen_action_hooks: Calling post-revert hook function with rc=0`, `${v}xen_action_hooks finished REVERT with rc=0`],
    },
    // Both define the new symbol apply_hook: the first must go before the second can load.
    { cmd: "unload xen_action_hooks", status: 0, dmesg: () => [] },
    {
      cmd: "load xen_action_hooks_nofunc.livepatch",
      status: 0,
      dmesg: (f, a) => [
        ...uploadLines(f("xen_action_hooks_nofunc"), a),
        `${v}xen_action_hooks_nofunc: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks_nofunc: Calling apply action hook function`,
        `${v}xen_action_hooks_nofunc finished APPLY with rc=0`,
      ],
    },
  ],
  "an apply action hook that fails (noapply)": [
    // xen_action_hooks_noapply.c: apply_hook() marks nothing and returns -EINVAL.
    { cmd: "hook xen_action_hooks_noapply apply -22 none", status: 0, dmesg: () => [] },
    {
      cmd: "load xen_action_hooks_noapply.livepatch",
      status: 1,
      dmesg: (f, a) => [
        ...uploadLines(f("xen_action_hooks_noapply"), a),
        `${v}xen_action_hooks_noapply: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks_noapply: Calling pre-apply hook function`,
        `${v}xen_action_hooks_noapply: Calling apply action hook function`,
        // do_livepatch_work() runs the post hook whenever the action ran, with the action's rc.
        `${v}xen_action_hooks_noapply: Calling post-apply hook function with rc=-22`,
        `${v}xen_action_hooks_noapply finished APPLY with rc=-22`,
      ],
    },
  ],
  "a revert action hook that fails (norevert)": [
    // xen_action_hooks_norevert.c: revert_hook() marks nothing and returns -EINVAL.
    { cmd: "hook xen_action_hooks_norevert revert -22 none", status: 0, dmesg: () => [] },
    {
      cmd: "load xen_action_hooks_norevert.livepatch",
      status: 0,
      dmesg: (f, a) => {
        const x = applyLines("xen_action_hooks_norevert", f("xen_action_hooks_norevert"));
        return [...uploadLines(f("xen_action_hooks_norevert"), a), x[0], `${v}xen_action_hooks_norevert: Calling pre-apply hook function`, ...x.slice(1, -1), `${v}xen_action_hooks_norevert: Calling post-apply hook function with rc=0`, x.at(-1)!];
      },
    },
    {
      cmd: "revert xen_action_hooks_norevert",
      status: 1,
      dmesg: () => [
        `${v}xen_action_hooks_norevert: Calling pre-revert hook function`,
        `${v}xen_action_hooks_norevert: Calling revert action hook function`,
        `${v}xen_action_hooks_norevert: Calling post-revert hook function with rc=-22`,
        `${v}xen_action_hooks_norevert finished REVERT with rc=-22`,
      ],
    },
  ],
};

function matches(line: string, e: Expect): boolean {
  return typeof e === "string" ? line === e : e.test(line);
}

describe.skipIf(!DIR)("Xen's own test payloads (XEN_TEST_PAYLOADS)", () => {
  for (const arch of ARCHES) {
    describe(arch, () => {
      const dir = join(DIR ?? "", arch);
      const read = (name: string) => {
        const path = join(dir, name);
        if (!existsSync(path)) throw new Error(`${path} is missing (see docs/xen-test-payloads.md)`);
        return new Uint8Array(readFileSync(path));
      };

      for (const [title, steps] of Object.entries(SCENARIOS)) {
        it(title, async () => {
          const image = parseElf(read("xen-syms"));
          const debugBuild = isDebugBuild(image);
          const hv = await freshHypervisor();
          bootFromImage(hv, image, { cpus: 4, debugBuild });
          const con = createConsole({ hv, resolveFile: (f) => read(f.replace(/^.*\//, "")) });
          const f = (name: string) => facts(read(`${name}.livepatch`));
          for (const step of steps) {
            const from = hv.consoleLines().length;
            const r = con.run(step.cmd);
            expect(r.status, `${step.cmd}: ${r.output}`).toBe(step.status);
            const lines = hv.consoleLines().slice(from);
            const debug = lines.filter((l) => DPRINTK.test(l));
            const ordinary = lines.filter((l) => !DPRINTK.test(l));
            const want = step.dmesg(f, arch);
            expect(ordinary.length, `${step.cmd}:\n${ordinary.join("\n")}`).toBe(want.length);
            ordinary.forEach((l, i) => expect(matches(l, want[i]), `${step.cmd}: line ${i} "${l}" vs ${String(want[i])}`).toBe(true));
            for (const l of ordinary) expect(XEN_MESSAGES.some((m) => m.test(l)), `not a Xen message: ${l}`).toBe(true);
            for (const l of debug) expect(XEN_DPRINTKS.some((m) => m.test(l)), `not a Xen dprintk: ${l}`).toBe(true);
            if (!debugBuild) expect(debug).toEqual([]);
          }
          expect(hv.halted()).toBe(false);
        });
      }
    });
  }
});
