// `npm run test:xen`: Xen's own test payloads (xen/test/livepatch) and the xen-syms they were
// built against, from a local Xen build (never committed; docs/xen-test-payloads.md says how to
// make the directory). A catalogue of console scenarios runs on x86_64 and arm64, and every line
// the simulated Xen prints is held to the messages Xen 4.23's sources print: the ordinary lines
// in order, word for word (expected lines written here from Xen's format strings, with the
// values read from the payload files by an independent parser), and every debug-build dprintk
// line against the dprintk calls in Xen's sources (file, line and format).
//
// The payloads' hooks run as code on the simulated CPU (no knob sets a value): the lines they
// print (KERN_DEBUG, so a debug build only) are written here from their C sources
// (xen/test/livepatch/*.c), the order of a multi-hook array is read from the payload's relocations,
// and each hook's rc is held to what its source returns.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ElfFile, parseElf, relocAddend, relocOffset, relocSymbol } from "../../../src/elf/index.ts";
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

/** The printk formats of the test payloads' hooks (xen/test/livepatch/*.c), %s/%u open. */
const HOOK_MESSAGES: RegExp[] = [
  /^Hook (executing|unloaded)\.$/, // xen_hello_world.c apply_hook(), revert_hook()
  /^hi_func: Hi! \(called \d+ times\)$/, // xen_hello_world.c hi_func()
  /^check_fnc: Hi func called \d+ times$/, // xen_hello_world.c check_fnc()
  /^(pre_|post_)?(apply|revert)_hook: Hook (starting|done)\.$/, // xen_prepost_hooks*.c, xen_action_hooks*.c
  /^(pre_|post_)?(apply|revert)_hook: (applying|applied|reverting|reverted|pre applying|pre applied|post applied|pre reverted|post reverted): \w+$/,
];

/**
 * The functions a payload's hook array points at, in array order, read from the relocations of
 * the section (static functions are usually referenced as section + addend).
 */
function hookOrder(file: Uint8Array, section: string): string[] {
  const elf = parseElf(file);
  const target = elf.sections.findIndex((s) => s.name === section);
  if (target < 0) throw new Error(`no ${section}`);
  const rt = elf.relocationTables.find((t) => t.targetSection === target);
  if (!rt) throw new Error(`no relocations for ${section}`);
  const st = elf.symbolTables.find((t) => t.sectionIndex === rt.symbolTableSection)!;
  const order = [...Array(rt.count).keys()].sort((a, b) => Number(relocOffset(rt, a) - relocOffset(rt, b)));
  return order.map((k) => {
    const sym = relocSymbol(rt, k);
    const type = st.info[sym] & 0xf;
    if (type === 2) return st.name[sym];
    // STT_SECTION: the FUNC symbol of that section at the addend
    const sec = st.shndx[sym];
    const at = BigInt(relocAddend(rt, k));
    const fn = [...Array(st.count).keys()].find((i) => (st.info[i] & 0xf) === 2 && st.shndx[i] === sec && st.value[i] === at);
    if (fn === undefined) throw new Error(`${section}: no function at ${sec}+${at}`);
    return st.name[fn];
  });
}

/** xen_hello_world.c's load/unload hooks as its source prints, sharing hi_func()'s counter. */
function helloHooks(file: Uint8Array, debug: boolean): (kind: "load" | "unload") => string[] {
  let cnt = 0;
  const say: Record<string, () => string> = {
    apply_hook: () => "Hook executing.",
    revert_hook: () => "Hook unloaded.",
    hi_func: () => `hi_func: Hi! (called ${++cnt} times)`,
    check_fnc: () => `check_fnc: Hi func called ${cnt} times`,
  };
  const arrays = { load: hookOrder(file, ".livepatch.hooks.load"), unload: hookOrder(file, ".livepatch.hooks.unload") };
  return (kind) => {
    const lines = arrays[kind].map((fn) => {
      if (!say[fn]) throw new Error(`unexpected hook ${fn}`);
      return say[fn]();
    });
    return debug ? lines : [];
  };
}

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

/** What a step's expectations can read: the payload facts, the arch, the hook-line helpers. */
interface Ctx {
  f: (name: string) => Facts;
  arch: XenArch;
  /** KERN_DEBUG lines: printed by a debug build only. */
  dbg: (...lines: string[]) => string[];
  /** The lines hello world's load/unload hooks print, in the payload's array order. */
  hello: (kind: "load" | "unload") => string[];
}

interface Step {
  cmd: string;
  status: number;
  /** The ordinary (non-dprintk) console lines the command makes Xen print, in order. */
  dmesg: (c: Ctx) => Expect[];
  /** The `hook` events of the step, in order: kind and rc (null for a void hook). */
  hooks?: [string, number | null][];
  /** The command's output must match. */
  output?: RegExp;
  /** The step's single `run` event (a `call`) must match. */
  run?: (arch: XenArch) => Record<string, unknown>;
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
  return { cmd: `load ${name}.livepatch${flags}`, status: 0, dmesg: ({ f, arch }) => [...uploadLines(f(name), arch), ...applyLines(name, f(name))] };
}

/** xen_hello_world: APPLY runs its load hooks after "Applying", REVERT its unload hooks after "Reverting". */
const helloApply = (c: Ctx): Expect[] => {
  const x = applyLines("xen_hello_world", c.f("xen_hello_world"));
  return [...uploadLines(c.f("xen_hello_world"), c.arch), x[0], x[1], ...c.hello("load"), ...x.slice(2)];
};
const helloLoad: Step = { cmd: "load xen_hello_world.livepatch", status: 0, dmesg: helloApply, hooks: [["load", null], ["load", null]] };

const SCENARIOS: Record<string, Step[]> = {
  "hello and bye stack, an out-of-order revert, re-apply refused": [
    helloLoad,
    { cmd: "upload xen_bye_world xen_bye_world.livepatch", status: 0, dmesg: ({ f, arch: a }) => uploadLines(f("xen_bye_world"), a) },
    { cmd: "apply xen_bye_world", status: 0, dmesg: ({ f }) => applyLines("xen_bye_world", f("xen_bye_world")) },
    { cmd: "revert xen_hello_world", status: 2, dmesg: () => [`${v}xen_hello_world: can't unload. Top is xen_bye_world`] },
    { cmd: "revert xen_bye_world", status: 0, dmesg: () => revertLines("xen_bye_world") },
    {
      cmd: "revert xen_hello_world",
      status: 0,
      dmesg: (c) => [`${v}xen_hello_world: Reverting`, ...c.hello("unload"), `${v}xen_hello_world finished REVERT with rc=0`],
      hooks: [["unload", null], ["unload", null], ["unload", null]],
    },
    { cmd: "apply xen_hello_world", status: 1, dmesg: () => [`${v}xen_hello_world: can't revert as payload has .data. Please unload`] },
    { cmd: "unload xen_bye_world", status: 0, dmesg: () => [] },
    { cmd: "unload xen_hello_world", status: 0, dmesg: () => [] },
  ],
  "bye before hello: the build-id chain": [
    { cmd: "upload xen_bye_world xen_bye_world.livepatch", status: 0, dmesg: ({ f, arch: a }) => uploadLines(f("xen_bye_world"), a) },
    { cmd: "apply xen_bye_world", status: 1, dmesg: () => [`${v}xen_bye_world: check against hypervisor build-id failed`] },
    { cmd: "apply xen_bye_world --nodeps", status: 0, dmesg: ({ f }) => applyLines("xen_bye_world", f("xen_bye_world")) },
  ],
  "hello world: xen_extra_version patched, xl info and call see it, REVERT gives the original back": [
    { cmd: "xl info", status: 0, dmesg: () => [], output: /^xen_extra {14}: (?!Hello World$).*$/m },
    helloLoad,
    { cmd: "xl info", status: 0, dmesg: () => [], output: /^xen_extra {14}: Hello World$/m },
    { cmd: "call xen_extra_version", status: 0, dmesg: () => [], output: /^xen_extra_version\(\) = 0x[0-9a-f]+ "Hello World"$/m,
      // xen_hello_world_func.c: on x86 get_unsafe() of 0xdead000000000000 (non-canonical) faults
      // once and the payload's .ex_table fixup makes it return -EFAULT; ARM has no such read.
      run: (arch) => ({ fn: "xen_extra_version", outcome: "returned", faults: arch === "x86_64" ? 1 : 0, fixups: arch === "x86_64" ? 1 : 0 }),
    },
    { cmd: "revert xen_hello_world", status: 0, dmesg: (c) => [`${v}xen_hello_world: Reverting`, ...c.hello("unload"), `${v}xen_hello_world finished REVERT with rc=0`] },
    { cmd: "xl info", status: 0, dmesg: () => [], output: /^xen_extra {14}: (?!Hello World$).*$/m },
  ],
  "REPLACE over hello": [
    helloLoad,
    { cmd: "upload xen_replace_world xen_replace_world.livepatch", status: 0, dmesg: ({ f, arch: a }) => uploadLines(f("xen_replace_world"), a) },
    {
      cmd: "replace xen_replace_world",
      status: 0,
      dmesg: (c) => [`${v}xen_hello_world: Reverting`, ...c.hello("unload"), ...applyLines("xen_replace_world", c.f("xen_replace_world"), "REPLACE")],
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
      dmesg: ({ f, arch: a }) => [
        ...uploadLines(f("xen_expectations_fail"), a),
        `${v}xen_expectations_fail: Verifying enabled expectations for all functions`,
        new RegExp(`^${v}xen_extra_version: expectation failed: expected:deadc0debabe, actual:${H}$`),
        `${v}xen_expectations_fail: expectations of xen_extra_version failed (rc=-22), aborting!`,
      ],
    },
    { cmd: "upload xen_no_xen_buildid xen_no_xen_buildid.livepatch", status: 1, dmesg: () => [`${v}xen_no_xen_buildid: section .livepatch.xen_depends is missing`] },
  ],
  "pre/post hooks: a vetoed revert, then REPLACE refused": [
    // xen_prepost_hooks.c: pre_revert_hook() returns -(pre_revert_retry--): -1, then 0; every
    // hook walks payload->funcs (one function, xen_extra_version); post_revert_hook() BUG_ONs
    // unless pre-apply and post-apply ran once and pre-revert twice.
    {
      cmd: "load xen_prepost_hooks.livepatch",
      status: 0,
      dmesg: (c) => {
        const x = applyLines("xen_prepost_hooks", c.f("xen_prepost_hooks"));
        return [
          ...uploadLines(c.f("xen_prepost_hooks"), c.arch),
          x[0],
          `${v}xen_prepost_hooks: Calling pre-apply hook function`,
          ...c.dbg("pre_apply_hook: Hook starting.", "pre_apply_hook: applying: xen_extra_version", "pre_apply_hook: Hook done."),
          ...x.slice(1, -1),
          `${v}xen_prepost_hooks: Calling post-apply hook function with rc=0`,
          ...c.dbg("post_apply_hook: Hook starting.", "post_apply_hook: applied: xen_extra_version", "post_apply_hook: Hook done."),
          x.at(-1)!,
        ];
      },
      hooks: [["preapply", 0], ["postapply", null]],
    },
    { cmd: "upload xen_replace_world xen_replace_world.livepatch", status: 0, dmesg: ({ f, arch }) => uploadLines(f("xen_replace_world"), arch) },
    { cmd: "replace xen_replace_world", status: 1, dmesg: () => [`${v}xen_replace_world: REPLACE action is not supported on livepatches with vetoing hooks!`], hooks: [] },
    {
      cmd: "revert xen_prepost_hooks",
      status: 1,
      dmesg: (c) => [
        `${v}xen_prepost_hooks: Calling pre-revert hook function`,
        ...c.dbg("pre_revert_hook: Hook starting.", "pre_revert_hook: reverting: xen_extra_version", "pre_revert_hook: Hook done."),
        `${v}xen_prepost_hooks: pre-revert hook failed (rc=-1), aborting!`,
      ],
      hooks: [["prerevert", -1]],
    },
    {
      cmd: "revert xen_prepost_hooks",
      status: 0,
      dmesg: (c) => [
        `${v}xen_prepost_hooks: Calling pre-revert hook function`,
        ...c.dbg("pre_revert_hook: Hook starting.", "pre_revert_hook: reverting: xen_extra_version", "pre_revert_hook: Hook done."),
        `${v}xen_prepost_hooks: Reverting`,
        `${v}xen_prepost_hooks: Calling post-revert hook function with rc=0`,
        ...c.dbg("post_revert_hook: Hook starting.", "post_revert_hook: reverted: xen_extra_version", "post_revert_hook: Hook done."),
        `${v}xen_prepost_hooks finished REVERT with rc=0`,
      ],
      hooks: [["prerevert", 0], ["postrevert", null]],
    },
  ],
  "a failing pre-apply hook": [
    // xen_prepost_hooks_fail.c: pre_apply_hook() returns -EINVAL.
    {
      cmd: "load xen_prepost_hooks_fail.livepatch",
      status: 1,
      dmesg: (c) => [
        ...uploadLines(c.f("xen_prepost_hooks_fail"), c.arch),
        `${v}xen_prepost_hooks_fail: Verifying enabled expectations for all functions`,
        `${v}xen_prepost_hooks_fail: Calling pre-apply hook function`,
        ...c.dbg("pre_apply_hook: Hook starting.", "pre_apply_hook: pre applying: xen_extra_version", "pre_apply_hook: Hook done."),
        `${v}xen_prepost_hooks_fail: pre-apply hook failed (rc=-22), aborting!`,
      ],
      hooks: [["preapply", -22]],
    },
  ],
  "action hooks replace Xen's own apply and revert": [
    // xen_action_hooks.c: apply_hook()/revert_hook() set fstate[i].applied themselves and return
    // 0; post_revert_hook() BUG_ONs unless each ran once. Nothing is written at the old function.
    {
      cmd: "load xen_action_hooks.livepatch",
      status: 0,
      dmesg: (c) => [
        ...uploadLines(c.f("xen_action_hooks"), c.arch),
        `${v}xen_action_hooks: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks: Calling apply action hook function`,
        ...c.dbg("apply_hook: Hook starting.", "apply_hook: applying: xen_extra_version", "apply_hook: Hook done."),
        `${v}xen_action_hooks finished APPLY with rc=0`,
      ],
      hooks: [["apply", 0]],
    },
    {
      cmd: "revert xen_action_hooks",
      status: 0,
      dmesg: (c) => [
        `${v}xen_action_hooks: Calling revert action hook function`,
        ...c.dbg("revert_hook: Hook starting.", "revert_hook: reverting: xen_extra_version", "revert_hook: Hook done."),
        `${v}xen_action_hooks: Calling post-revert hook function with rc=0`,
        ...c.dbg("post_revert_hook: Hook starting.", "post_revert_hook: reverted: xen_extra_version", "post_revert_hook: Hook done."),
        `${v}xen_action_hooks finished REVERT with rc=0`,
      ],
      hooks: [["revert", 0], ["postrevert", null]],
    },
    // Both define the new symbol apply_hook: the first must go before the second can load.
    { cmd: "unload xen_action_hooks", status: 0, dmesg: () => [] },
    {
      // xen_action_hooks_nofunc.c: no functions, so the loops print nothing.
      cmd: "load xen_action_hooks_nofunc.livepatch",
      status: 0,
      dmesg: (c) => [
        ...uploadLines(c.f("xen_action_hooks_nofunc"), c.arch),
        `${v}xen_action_hooks_nofunc: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks_nofunc: Calling apply action hook function`,
        ...c.dbg("apply_hook: Hook starting.", "apply_hook: Hook done."),
        `${v}xen_action_hooks_nofunc finished APPLY with rc=0`,
      ],
      hooks: [["apply", 0]],
    },
    {
      // post_revert_hook() BUG_ONs when apply_cnt or revert_cnt is above 0: neither loop ran.
      cmd: "revert xen_action_hooks_nofunc",
      status: 0,
      dmesg: (c) => [
        `${v}xen_action_hooks_nofunc: Calling revert action hook function`,
        ...c.dbg("revert_hook: Hook starting.", "revert_hook: Hook done."),
        `${v}xen_action_hooks_nofunc: Calling post-revert hook function with rc=0`,
        ...c.dbg("post_revert_hook: Hook starting.", "post_revert_hook: Hook done."),
        `${v}xen_action_hooks_nofunc finished REVERT with rc=0`,
      ],
      hooks: [["revert", 0], ["postrevert", null]],
    },
  ],
  "an apply action hook that fails (noapply)": [
    // xen_action_hooks_noapply.c: apply_hook() marks nothing and returns -EINVAL; the post-apply
    // hook BUG_ONs if the function were marked applied.
    {
      cmd: "load xen_action_hooks_noapply.livepatch",
      status: 1,
      dmesg: (c) => [
        ...uploadLines(c.f("xen_action_hooks_noapply"), c.arch),
        `${v}xen_action_hooks_noapply: Verifying enabled expectations for all functions`,
        `${v}xen_action_hooks_noapply: Calling pre-apply hook function`,
        ...c.dbg("pre_apply_hook: Hook starting.", "pre_apply_hook: pre applied: xen_extra_version", "pre_apply_hook: Hook done."),
        `${v}xen_action_hooks_noapply: Calling apply action hook function`,
        ...c.dbg("apply_hook: Hook starting.", "apply_hook: applying: xen_extra_version", "apply_hook: Hook done."),
        // do_livepatch_work() runs the post hook whenever the action ran, with the action's rc.
        `${v}xen_action_hooks_noapply: Calling post-apply hook function with rc=-22`,
        ...c.dbg("post_apply_hook: Hook starting.", "post_apply_hook: post applied: xen_extra_version", "post_apply_hook: Hook done."),
        `${v}xen_action_hooks_noapply finished APPLY with rc=-22`,
      ],
      hooks: [["preapply", 0], ["apply", -22], ["postapply", null]],
    },
  ],
  "a revert action hook that fails (norevert), the post-revert hook reverts by hand": [
    // xen_action_hooks_norevert.c: revert_hook() marks nothing and returns -EINVAL; then
    // post_revert_hook() calls Xen's revert_payload() and revert_payload_tail() itself.
    {
      cmd: "load xen_action_hooks_norevert.livepatch",
      status: 0,
      dmesg: (c) => {
        const x = applyLines("xen_action_hooks_norevert", c.f("xen_action_hooks_norevert"));
        return [
          ...uploadLines(c.f("xen_action_hooks_norevert"), c.arch),
          x[0],
          `${v}xen_action_hooks_norevert: Calling pre-apply hook function`,
          ...c.dbg("pre_apply_hook: Hook starting.", "pre_apply_hook: pre applied: xen_extra_version", "pre_apply_hook: Hook done."),
          ...x.slice(1, -1),
          `${v}xen_action_hooks_norevert: Calling post-apply hook function with rc=0`,
          ...c.dbg("post_apply_hook: Hook starting.", "post_apply_hook: post applied: xen_extra_version", "post_apply_hook: Hook done."),
          x.at(-1)!,
        ];
      },
      hooks: [["preapply", 0], ["postapply", null]],
    },
    {
      cmd: "revert xen_action_hooks_norevert",
      status: 1,
      dmesg: (c) => [
        `${v}xen_action_hooks_norevert: Calling pre-revert hook function`,
        ...c.dbg("pre_revert_hook: Hook starting.", "pre_revert_hook: pre reverted: xen_extra_version", "pre_revert_hook: Hook done."),
        `${v}xen_action_hooks_norevert: Calling revert action hook function`,
        ...c.dbg("revert_hook: Hook starting.", "revert_hook: reverting: xen_extra_version", "revert_hook: Hook done."),
        `${v}xen_action_hooks_norevert: Calling post-revert hook function with rc=-22`,
        ...c.dbg("post_revert_hook: Hook starting."),
        `${v}xen_action_hooks_norevert: Reverting`,
        ...c.dbg("post_revert_hook: Hook done."),
        `${v}xen_action_hooks_norevert finished REVERT with rc=-22`,
      ],
      hooks: [["prerevert", 0], ["revert", -22], ["postrevert", null]],
    },
    // revert_payload_tail() left it CHECKED: it can go.
    { cmd: "unload xen_action_hooks_norevert", status: 0, dmesg: () => [] },
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
          const ctx: Ctx = {
            f,
            arch,
            dbg: (...lines) => (debugBuild ? lines : []),
            hello: helloHooks(read("xen_hello_world.livepatch"), debugBuild),
          };
          for (const step of steps) {
            const from = hv.consoleLines().length;
            const ev = hv.events().length;
            const r = con.run(step.cmd);
            expect(r.status, `${step.cmd}: ${r.output}`).toBe(step.status);
            if (step.output) expect(r.output, step.cmd).toMatch(step.output);
            const lines = hv.consoleLines().slice(from);
            const debug = lines.filter((l) => DPRINTK.test(l));
            const ordinary = lines.filter((l) => !DPRINTK.test(l));
            const want = step.dmesg(ctx);
            expect(ordinary.length, `${step.cmd}:\n${ordinary.join("\n")}`).toBe(want.length);
            ordinary.forEach((l, i) => expect(matches(l, want[i]), `${step.cmd}: line ${i} "${l}" vs ${String(want[i])}`).toBe(true));
            for (const l of ordinary) expect(XEN_MESSAGES.some((m) => m.test(l)) || HOOK_MESSAGES.some((m) => m.test(l)), `not a Xen message: ${l}`).toBe(true);
            const hooks = hv.events().slice(ev).filter((e) => e.kind === "hook");
            // every hook ran as code to its end, and nothing overrode what it returned
            for (const h of hooks) expect(h, step.cmd).toMatchObject({ executed: true, outcome: "returned", overridden: false });
            if (step.hooks) expect(hooks.map((h) => [h.hook, h.rc ?? null]), step.cmd).toEqual(step.hooks);
            if (step.run) {
              const runs = hv.events().slice(ev).filter((e) => e.kind === "run");
              expect(runs.length, step.cmd).toBe(1);
              expect(runs[0], step.cmd).toMatchObject(step.run(arch));
            }
            for (const l of debug) expect(XEN_DPRINTKS.some((m) => m.test(l)), `not a Xen dprintk: ${l}`).toBe(true);
            if (!debugBuild) expect(debug).toEqual([]);
          }
          expect(hv.halted()).toBe(false);
        });
      }
    });
  }
});

// None of Xen's test payloads fires a BUG or WARN frame in its own flows; this makes one of their
// BUG_ON()s fire. xen/test/livepatch/xen_action_hooks.c line 78, in post_revert_hook():
// BUG_ON(apply_cnt != 1 || revert_cnt != 1). Called from the console before any APPLY, with a
// "struct payload" pointer whose nfuncs (offset 120 on 64-bit: xen/include/xen/livepatch_payload.h)
// is apply_cnt itself, still 0: the loop runs no time and the BUG_ON fires. The file name is the
// string the payload's frame points at (`readelf -p .rodata.post_revert_hook.str1.8`:
// "test/livepatch/xen_action_hooks.c"). x86's do_bug_frame() accepts a payload's file name
// (is_patch()) and panics "Xen BUG at ..."; Arm's refuses it (is_kernel() only) and do_trap_brk()
// ends in "Undefined Breakpoint Value".
describe.skipIf(!DIR)("a BUG_ON in Xen's own test payload fires (XEN_TEST_PAYLOADS)", () => {
  for (const arch of ARCHES) {
    it(arch, async () => {
      const path = (name: string) => join(DIR ?? "", arch, name);
      for (const f of ["xen-syms", "xen_action_hooks.livepatch"]) if (!existsSync(path(f))) throw new Error(`${path(f)} is missing (see docs/xen-test-payloads.md)`);
      const image = parseElf(new Uint8Array(readFileSync(path("xen-syms"))));
      const hv = await freshHypervisor();
      bootFromImage(hv, image, { cpus: 4, debugBuild: isDebugBuild(image) });
      expect(hv.upload("xen_action_hooks", new Uint8Array(readFileSync(path("xen_action_hooks.livepatch"))))).toBe(0);
      const applyCnt = BigInt(hv.payload("xen_action_hooks")!.symbols.find((s) => s.name === "apply_cnt")!.addr);
      const from = hv.consoleLines().length;
      const r = hv.call!("post_revert_hook", [applyCnt - 120n]);
      expect(hv.halted()).toBe(true);
      if (arch === "x86_64") {
        expect(r).toMatchObject({ outcome: "crashed", detail: "Xen BUG at test/livepatch/xen_action_hooks.c:78" });
        const lines = hv.consoleLines().slice(from);
        const at = lines.indexOf("Xen BUG at test/livepatch/xen_action_hooks.c:78");
        expect(at).toBeGreaterThanOrEqual(0);
        expect(lines[at + 2]).toMatch(/^RIP: {4}e008:\[<[0-9a-f]{16}>\] post_revert_hook\+0x[0-9a-f]+\/0x8a \[xen_action_hooks\]$/);
      } else {
        expect(r).toMatchObject({ outcome: "crashed", detail: "CPU0: Unexpected Trap: Undefined Breakpoint Value" });
      }
    });
  }
});
