// Transcripts of the console lines an ACTION (and the 'x' key, and a debug build) makes the
// simulated hypervisor print, each expected line written from Xen 4.23's format string (quoted
// with the Xen file and function). Upload messages are in transcript.test.ts.
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { Edit, payloadBytes } from "./support/payloads.ts";
import { ACTION, MS, booted, freshHypervisor, sample, upload, apply, revert, replace } from "./harness.ts";
import { bootFromImage } from "../host/image.ts";
import { parseElf } from "../../../src/elf/index.ts";

const X = "x86_64";
const NOP = "xen_nop";
const HELLO = "xen_hello_world";
const EXP = "xen_expectations";

describe("ACTION lines (livepatch_action(), livepatch_do_action(), do_livepatch_work(), apply_payload(), revert_payload())", () => {
  const newLines = (hv: HypervisorApi, from: number) => hv.consoleLines().slice(from);

  it("APPLY: Verifying (every time), Applying, module metadata, finished; REVERT: Reverting, finished", async () => {
    const hv = await booted();
    upload(hv, X, HELLO);
    let from = hv.consoleLines().length;
    expect(apply(hv, HELLO)).toBe(0);
    expect(newLines(hv, from)).toEqual([
      // livepatch_check_expectations(): "%s: Verifying enabled expectations for all functions\n"
      "livepatch: xen_hello_world: Verifying enabled expectations for all functions",
      // apply_payload(): "%s: Applying %u functions\n"
      "livepatch: xen_hello_world: Applying 1 functions",
      // the sample's load hooks, run as code (fixtures/payloads/hello_world.c hello_world_load())
      "Hook executing.",
      // livepatch_display_metadata(): "module metadata:\n", then "  %s\n" per string
      "livepatch: module metadata:",
      "livepatch:   LIVEPATCH_RULEZ",
      // do_livepatch_work(): "%s finished %s with rc=%d\n"
      "livepatch: xen_hello_world finished APPLY with rc=0",
    ]);
    from = hv.consoleLines().length;
    expect(revert(hv, HELLO)).toBe(0);
    // revert_payload(): "%s: Reverting\n"
    // then the sample's unload hooks (fixtures/payloads/hello_world.c hello_world_unload())
    expect(newLines(hv, from)).toEqual(["livepatch: xen_hello_world: Reverting", "Hook unloaded.", "livepatch: xen_hello_world finished REVERT with rc=0"]);
    from = hv.consoleLines().length;
    // livepatch_action(): "%s: can't revert as payload has .data. Please unload\n"
    expect(apply(hv, HELLO)).toBe(0);
    expect(newLines(hv, from)).toEqual(["livepatch: xen_hello_world: can't revert as payload has .data. Please unload"]);
  });

  it("expectations: two lines for a mismatch, one for the other failures", async () => {
    const hv = await booted();
    upload(hv, X, "xen_expectations_fail");
    const old = hv.symbol("xen_extra_version")!.addr;
    const actual = Buffer.from(hv.readMemory(old, 6)!).toString("hex");
    const from = hv.consoleLines().length;
    expect(apply(hv, "xen_expectations_fail")).toBe(-22);
    expect(newLines(hv, from)).toEqual([
      "livepatch: xen_expectations_fail: Verifying enabled expectations for all functions",
      // livepatch_verify_expectation_fn(): "%s: expectation failed: expected:%*phN, actual:%*phN\n" (the function's name)
      `livepatch: xen_extra_version: expectation failed: expected:deadc0debabe, actual:${actual}`,
      // livepatch_check_expectations(): "%s: expectations of %s failed (rc=%d), aborting!\n"
      "livepatch: xen_expectations_fail: expectations of xen_extra_version failed (rc=-22), aborting!",
    ]);
    const e = new Edit(payloadBytes(X, EXP));
    e.u8(e.dataAt(".livepatch.funcs", 72), (9 << 1) | 1);
    const hv2 = await booted();
    expect(hv2.upload("r", e.bytes)).toBe(0);
    const from2 = hv2.consoleLines().length;
    expect(apply(hv2, "r")).toBe(-34);
    expect(newLines(hv2, from2)).toEqual([
      "livepatch: r: Verifying enabled expectations for all functions",
      "livepatch: r: expectations of xen_extra_version failed (rc=-34), aborting!",
    ]);
  });

  it("build_id_dep(), the stack's top, pre-hooks and REPLACE's refusal", async () => {
    const hv = await booted();
    upload(hv, X, "xen_bye_world");
    let from = hv.consoleLines().length;
    expect(apply(hv, "xen_bye_world")).toBe(-22);
    // build_id_dep(): "%s: check against %s build-id failed\n"
    expect(newLines(hv, from)).toEqual(["livepatch: xen_bye_world: check against hypervisor build-id failed"]);
    upload(hv, X, HELLO);
    apply(hv, HELLO);
    apply(hv, "xen_bye_world");
    from = hv.consoleLines().length;
    expect(revert(hv, HELLO)).toBe(-16);
    // livepatch_action(): "%s: can't unload. Top is %s\n"
    expect(newLines(hv, from)).toEqual(["livepatch: xen_hello_world: can't unload. Top is xen_bye_world"]);

    const hv2 = await booted();
    upload(hv2, X, "xen_prepost_hooks");
    from = hv2.consoleLines().length;
    hv2.setHookResult("xen_prepost_hooks", "preapply", -1);
    expect(apply(hv2, "xen_prepost_hooks")).toBe(-1);
    expect(newLines(hv2, from)).toEqual([
      "livepatch: xen_prepost_hooks: Verifying enabled expectations for all functions",
      // livepatch_action(): "%s: Calling pre-apply hook function\n", "%s: pre-apply hook failed (rc=%d), aborting!\n"
      "livepatch: xen_prepost_hooks: Calling pre-apply hook function",
      // the hook's code runs (fixtures/payloads/prepost_hooks.c prepost_pre_apply()); the knob overrides its 0
      "pre-apply hook",
      "livepatch: xen_prepost_hooks: pre-apply hook failed (rc=-1), aborting!",
    ]);
    hv2.setHookResult("xen_prepost_hooks", "preapply", 0);
    expect(apply(hv2, "xen_prepost_hooks")).toBe(0);
    upload(hv2, X, "xen_replace_world");
    from = hv2.consoleLines().length;
    expect(replace(hv2, "xen_replace_world")).toBe(-95);
    // livepatch_action(): "%s: REPLACE action is not supported on livepatches with vetoing hooks!\n"
    expect(newLines(hv2, from)).toEqual(["livepatch: xen_replace_world: REPLACE action is not supported on livepatches with vetoing hooks!"]);
  });

  it("REPLACE verifies expectations too; a timeout prints the quiesce phase", async () => {
    const hv = await booted();
    upload(hv, X, HELLO);
    upload(hv, X, "xen_replace_world");
    apply(hv, HELLO);
    let from = hv.consoleLines().length;
    expect(replace(hv, "xen_replace_world")).toBe(0);
    expect(newLines(hv, from)).toEqual([
      "livepatch: xen_hello_world: Reverting",
      "Hook unloaded.",
      "livepatch: xen_replace_world: Verifying enabled expectations for all functions",
      "livepatch: xen_replace_world: Applying 1 functions",
      "livepatch: xen_replace_world finished REPLACE with rc=0",
    ]);
    const hv2 = await booted();
    upload(hv2, X, NOP);
    hv2.setCpuDelay(2, 45 * MS);
    from = hv2.consoleLines().length;
    expect(hv2.action(NOP, ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv2.advance(60 * MS);
    expect(newLines(hv2, from)).toEqual([
      "livepatch: xen_nop: Verifying enabled expectations for all functions",
      // livepatch_spin(): "%s: Timed out on semaphore in %s quiesce phase %u/%u\n"
      "livepatch: xen_nop: Timed out on semaphore in CPU quiesce phase 2/3",
      "livepatch: xen_nop finished APPLY with rc=-16",
    ]);
  });

  it("the 'x' key: livepatch_printall() with build-id= and depend-on=, no depend-on-xen=", async () => {
    const hv = await booted();
    upload(hv, X, NOP);
    const d = hv.payload(NOP)!;
    const f = d.funcs[0];
    const ptr = (a: string) => BigInt(a).toString(16).padStart(16, "0");
    expect(hv.debugKeys("x").split("\n").filter(Boolean)).toEqual([
      "'x' pressed - Dumping all livepatch patches",
      `build-id: ${Buffer.from(hv.bootSpec!.buildId!).toString("hex")}`,
      ` name=xen_nop state=CHECKED(1) ${ptr(d.regions.text.addr)} (.data=${ptr(d.regions.rw.addr)}, .rodata=${ptr(d.regions.ro.addr)}) using ${d.pages} pages.`,
      `    xen_minor_version patch ${ptr(f.oldAddr)}(${f.oldSize}) with ${ptr(f.newAddr)} (${f.newSize})`,
      `build-id=${d.buildId}`,
      `depend-on=${d.depends}`,
    ]);
  });
});

describe("debug-build dprintk lines (xen/include/xen/lib.h dprintk(): \"%s:%d: \" __FILE__, __LINE__)", () => {
  it("appear only in a debug build, with Xen's file and line", async () => {
    const release = await booted();
    const debug = await freshHypervisor();
    bootFromImage(debug, parseElf(sample("x86_64/xen-syms")), { cpus: 4, debugBuild: true });
    upload(release, X, NOP);
    upload(debug, X, NOP);
    expect(release.consoleLines()).toEqual([]);
    const lines = debug.consoleLines();
    // common/livepatch.c:577 check_patching_sections(): dprintk(XENLOG_DEBUG, LIVEPATCH "%s: %s is missing\n", ...)
    expect(lines).toContain("common/livepatch.c:577: livepatch: xen_nop: .livepatch.hooks.load is missing");
    // common/livepatch.c:381 move_payload(): "%s: Loaded %s at %p\n"
    const funcs = debug.payload(NOP)!.sections.find((s) => s.name === ".livepatch.funcs")!;
    expect(lines).toContain(`common/livepatch.c:381: livepatch: xen_nop: Loaded .livepatch.funcs at ${BigInt(funcs.addr).toString(16).padStart(16, "0")}`);
    // common/livepatch_elf.c:318 livepatch_elf_resolve_symbols(): "%s: Absolute symbol: %s => %#"PRIxElfAddr"\n"
    expect(lines.some((l) => l.startsWith("common/livepatch_elf.c:318: livepatch: xen_nop: Absolute symbol: "))).toBe(true);
  });
});
