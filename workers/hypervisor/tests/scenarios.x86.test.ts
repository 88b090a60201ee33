// The canonical demo scenarios on the x86-64 sample image: hypercall rcs, states,
// status rcs, the exact bytes at old_addr before/after/after revert, and Xen's console lines.
import { beforeEach, describe, expect, it } from "vitest";
import { parseElf, readVirtual } from "../../../src/elf/index.ts";
import type { HypervisorApi } from "../host/api.ts";
import {
  ACTION,
  APPLIED,
  CHECKED,
  EAGAIN,
  EBUSY,
  EINVAL,
  ENOENT,
  EOPNOTSUPP,
  EPERM,
  MS,
  addr,
  apply,
  booted,
  bytesAt,
  eventsOf,
  funcs,
  jmp,
  lines,
  replace,
  revert,
  sample,
  upload,
} from "./harness.ts";

const X = "x86_64";
const image = parseElf(sample(`${X}/xen-syms`));
/** Bytes as the image file has them, independent of the simulator. */
function original(at: bigint, len: number): string {
  return Buffer.from(readVirtual(image, at, len)!).toString("hex");
}

let hv: HypervisorApi;
beforeEach(async () => {
  hv = await booted(X, 4);
});

describe("x86-64: hello world", () => {
  it("applies asynchronously, writes e9 rel32 to the placed new_addr, reverts byte-exactly", () => {
    expect(upload(hv, X, "xen_hello_world")).toBe(0);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    const [f] = funcs(hv, "xen_hello_world");
    const old = addr(f.oldAddr);
    expect(old).toBe(hv.symbol("xen_extra_version")!.addr);
    const textSym = (hv.payload("xen_hello_world")!.symbols as { name: string; addr: string }[]).find((s) => s.name === "xen_hello_world")!;
    expect(f.newAddr).toBe(textSym.addr);
    const before = original(old, 16);
    expect(bytesAt(hv, old, 16)).toBe(before);

    expect(hv.action("xen_hello_world", ACTION.APPLY, 0, 0)).toBe(0);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: -EAGAIN });
    expect(bytesAt(hv, old, 16)).toBe(before);
    hv.advance(60 * MS);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    const patched = jmp(old, addr(f.newAddr));
    expect(bytesAt(hv, old, 16)).toBe(patched + before.slice(10));
    expect(lines(hv)).toEqual(
      expect.arrayContaining([
        "livepatch: xen_hello_world: Applying 1 functions",
        "livepatch: module metadata:",
        "livepatch:   LIVEPATCH_RULEZ",
        "livepatch: xen_hello_world finished APPLY with rc=0",
      ]),
    );
    const writes = eventsOf(hv, "write");
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ addr: `0x${old.toString(16)}`, old: before.slice(0, 10), new: patched, by: "apply", insn: "branch", func: { index: 0, name: "xen_extra_version" } });
    // Two load hooks ran as code before the write.
    expect(eventsOf(hv, "hook").filter((e) => e.hook === "load").map((e) => e.executed)).toEqual([true, true]);

    expect(revert(hv, "xen_hello_world")).toBe(0);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(bytesAt(hv, old, 16)).toBe(before);
    expect(eventsOf(hv, "hook").filter((e) => e.hook === "unload")).toHaveLength(3);
  });

  it("refuses a second apply after revert (it has .bss): hypercall 0, status rc -EINVAL", () => {
    upload(hv, X, "xen_hello_world");
    apply(hv, "xen_hello_world");
    revert(hv, "xen_hello_world");
    expect(hv.payload("xen_hello_world")).toMatchObject({ reverted: true, safeToReapply: false });
    expect(apply(hv, "xen_hello_world")).toBe(0);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: -EINVAL });
    expect(lines(hv)).toContain("livepatch: xen_hello_world: can't revert as payload has .data. Please unload");
    expect(hv.action("xen_hello_world", ACTION.UNLOAD, 0, 0)).toBe(0);
    expect(upload(hv, X, "xen_hello_world")).toBe(0);
    expect(apply(hv, "xen_hello_world")).toBe(0);
    expect(hv.get("xen_hello_world").state).toBe(APPLIED);
  });
});

describe("x86-64: stacking and replace", () => {
  it("bye applies only on top of hello; reverting hello under bye is -EBUSY (Top is xen_bye_world)", () => {
    upload(hv, X, "xen_hello_world");
    upload(hv, X, "xen_bye_world");
    expect(apply(hv, "xen_bye_world")).toBe(-EINVAL);
    expect(lines(hv)).toContain("livepatch: xen_bye_world: check against hypervisor build-id failed");
    expect(hv.get("xen_bye_world")).toEqual({ ret: 0, state: CHECKED, rc: 0 });

    const old = hv.symbol("xen_extra_version")!.addr;
    const before = original(old, 5);
    apply(hv, "xen_hello_world");
    const afterHello = bytesAt(hv, old, 5);
    expect(apply(hv, "xen_bye_world")).toBe(0);
    expect(hv.get("xen_bye_world")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    expect(bytesAt(hv, old, 5)).toBe(jmp(old, addr(funcs(hv, "xen_bye_world")[0].newAddr)));

    expect(hv.action("xen_hello_world", ACTION.REVERT, 0, 0)).toBe(-EBUSY);
    expect(lines(hv)).toContain("livepatch: xen_hello_world: can't unload. Top is xen_bye_world");
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: APPLIED, rc: 0 });

    // Top-down revert restores each layer's bytes exactly.
    expect(revert(hv, "xen_bye_world")).toBe(0);
    expect(bytesAt(hv, old, 5)).toBe(afterHello);
    expect(revert(hv, "xen_hello_world")).toBe(0);
    expect(bytesAt(hv, old, 5)).toBe(before);
  });

  it("bye with NODEPS applies straight on Xen", () => {
    upload(hv, X, "xen_bye_world");
    expect(apply(hv, "xen_bye_world", 1)).toBe(0);
    expect(hv.get("xen_bye_world").state).toBe(APPLIED);
  });

  it("replace reverts the stack top-down and applies itself; hello and bye end CHECKED and reverted", () => {
    for (const n of ["xen_hello_world", "xen_bye_world", "xen_replace_world"]) expect(upload(hv, X, n)).toBe(0);
    apply(hv, "xen_hello_world");
    apply(hv, "xen_bye_world");
    const old = hv.symbol("xen_extra_version")!.addr;
    const before = original(old, 5);
    expect(replace(hv, "xen_replace_world")).toBe(0);
    expect(hv.list().map((e) => [e.name, e.state, e.rc])).toEqual([
      ["xen_hello_world", CHECKED, 0],
      ["xen_bye_world", CHECKED, 0],
      ["xen_replace_world", APPLIED, 0],
    ]);
    expect(hv.payload("xen_bye_world")!.reverted).toBe(true);
    expect(hv.payload("xen_hello_world")!.reverted).toBe(true);
    const [f] = funcs(hv, "xen_replace_world");
    expect(addr(f.oldAddr)).toBe(old);
    expect(bytesAt(hv, old, 5)).toBe(jmp(old, addr(f.newAddr)));
    const log = lines(hv);
    expect(log.indexOf("livepatch: xen_bye_world: Reverting")).toBeLessThan(log.indexOf("livepatch: xen_hello_world: Reverting"));
    expect(log).toContain("livepatch: xen_replace_world finished REPLACE with rc=0");
    expect(revert(hv, "xen_replace_world")).toBe(0);
    expect(bytesAt(hv, old, 5)).toBe(before);
  });

  it("REPLACE is refused with a vetoing payload applied", () => {
    upload(hv, X, "xen_prepost_hooks");
    upload(hv, X, "xen_replace_world");
    apply(hv, "xen_prepost_hooks");
    expect(hv.action("xen_replace_world", ACTION.REPLACE, 0, 0)).toBe(-EOPNOTSUPP);
    expect(hv.get("xen_replace_world")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
  });
});

describe("x86-64: NOP-out, ENDBR, expectations", () => {
  it("xen_nop writes P6 NOPs over all but the final ret and reverts them", () => {
    upload(hv, X, "xen_nop");
    const [f] = funcs(hv, "xen_nop");
    const old = addr(f.oldAddr);
    expect(old).toBe(hv.symbol("xen_minor_version")!.addr);
    expect(f.newSize).toBe(f.oldSize - 1);
    const before = original(old, f.oldSize);
    expect(apply(hv, "xen_nop")).toBe(0);
    const p6: Record<number, string> = { 5: "0f1f440000", 4: "0f1f4000", 3: "0f1f00", 2: "6690", 1: "90" };
    expect(bytesAt(hv, old, f.oldSize)).toBe(p6[f.newSize] + before.slice(f.newSize * 2));
    revert(hv, "xen_nop");
    expect(bytesAt(hv, old, f.oldSize)).toBe(before);
  });

  it("an ENDBR64 function keeps its ENDBR: the jmp lands at old_addr + 4", () => {
    upload(hv, X, "xen_endbr");
    const [f] = funcs(hv, "xen_endbr");
    const old = addr(f.oldAddr);
    expect(original(old, 4)).toBe("f30f1efa");
    apply(hv, "xen_endbr");
    expect(bytesAt(hv, old, 9)).toBe("f30f1efa" + jmp(old + 4n, addr(f.newAddr)));
    expect(hv.payload("xen_endbr")!.funcs).toEqual([expect.objectContaining({ patchOffset: 4, applied: true })]);
  });

  it("a met expectation applies; a failed one is refused synchronously with -EINVAL", () => {
    upload(hv, X, "xen_expectations");
    expect(apply(hv, "xen_expectations")).toBe(0);
    expect(hv.get("xen_expectations").state).toBe(APPLIED);

    const hv2 = hv;
    revert(hv2, "xen_expectations");
    upload(hv2, X, "xen_expectations_fail");
    expect(hv2.action("xen_expectations_fail", ACTION.APPLY, 0, 0)).toBe(-EINVAL);
    expect(hv2.get("xen_expectations_fail")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    // livepatch_verify_expectation_fn(): "%s: expectation failed: expected:%*phN, actual:%*phN" (the function's name),
    // then livepatch_check_expectations(): "%s: expectations of %s failed (rc=%d), aborting!"
    const i = lines(hv2).findIndex((l) => l.startsWith("livepatch: xen_extra_version: expectation failed: expected:deadc0debabe, actual:"));
    expect(i).toBeGreaterThan(0);
    expect(lines(hv2)[i + 1]).toBe("livepatch: xen_expectations_fail: expectations of xen_extra_version failed (rc=-22), aborting!");
  });
});

describe("x86-64: hooks", () => {
  it("pre-revert veto: -EPERM from the hypercall and status rc, stays APPLIED; the second revert works", () => {
    upload(hv, X, "xen_prepost_hooks");
    expect(apply(hv, "xen_prepost_hooks")).toBe(0);
    expect(lines(hv)).toContain("livepatch: xen_prepost_hooks: Calling post-apply hook function with rc=0");
    hv.setHookResult("xen_prepost_hooks", "prerevert", -EPERM);
    expect(revert(hv, "xen_prepost_hooks")).toBe(-EPERM);
    expect(hv.get("xen_prepost_hooks")).toEqual({ ret: 0, state: APPLIED, rc: -EPERM });
    hv.setHookResult("xen_prepost_hooks", "prerevert", 0);
    expect(revert(hv, "xen_prepost_hooks")).toBe(0);
    expect(hv.get("xen_prepost_hooks")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(lines(hv)).toContain("livepatch: xen_prepost_hooks: Calling post-revert hook function with rc=0");
  });

  it("pre-apply veto: the hook's rc is returned and stored, state CHECKED, nothing written", () => {
    upload(hv, X, "xen_prepost_hooks");
    hv.setHookResult("xen_prepost_hooks", "preapply", -EINVAL);
    expect(hv.action("xen_prepost_hooks", ACTION.APPLY, 0, 0)).toBe(-EINVAL);
    hv.advance(60 * MS);
    expect(hv.get("xen_prepost_hooks")).toEqual({ ret: 0, state: CHECKED, rc: -EINVAL });
    expect(eventsOf(hv, "write")).toHaveLength(0);
    expect(lines(hv)).toContain("livepatch: xen_prepost_hooks: pre-apply hook failed (rc=-22), aborting!");
  });

  it("action hooks replace the native routine: APPLIED with xen_extra_version untouched", () => {
    upload(hv, X, "xen_action_hooks");
    const old = hv.symbol("xen_extra_version")!.addr;
    const before = bytesAt(hv, old, 16);
    expect(apply(hv, "xen_action_hooks")).toBe(0);
    expect(hv.get("xen_action_hooks")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    expect(bytesAt(hv, old, 16)).toBe(before);
    expect(lines(hv)).toContain("livepatch: xen_action_hooks: Calling apply action hook function");
    expect(revert(hv, "xen_action_hooks")).toBe(0);
    expect(hv.get("xen_action_hooks").state).toBe(CHECKED);
  });

  it("an apply action hook failing consistently leaves CHECKED with its rc, no panic", () => {
    upload(hv, X, "xen_action_hooks");
    hv.setHookResult("xen_action_hooks", "apply", -EINVAL);
    expect(apply(hv, "xen_action_hooks")).toBe(0);
    expect(hv.get("xen_action_hooks")).toEqual({ ret: 0, state: CHECKED, rc: -EINVAL });
    expect(hv.halted()).toBe(false);
  });

  it("an action hook that lies about what it did panics the host; later hypercalls fail", () => {
    upload(hv, X, "xen_action_hooks");
    hv.setHookMarks("xen_action_hooks", "apply", "none");
    expect(apply(hv, "xen_action_hooks")).toBe(0);
    expect(hv.halted()).toBe(true);
    expect(lines(hv)).toContain("livepatch: partially applied payload 'xen_action_hooks'!");
    expect(eventsOf(hv, "panic")).toHaveLength(1);
    expect(hv.get("xen_action_hooks").ret).toBeLessThan(0);
    expect(upload(hv, X, "xen_nop")).toBeLessThan(0);
    expect(hv.action("xen_action_hooks", ACTION.REVERT, 0, 0)).toBeLessThan(0);
  });

  it("a hooks-only payload (no .livepatch.funcs) applies and reverts", () => {
    upload(hv, X, "xen_action_hooks_nofunc");
    expect(apply(hv, "xen_action_hooks_nofunc")).toBe(0);
    expect(hv.get("xen_action_hooks_nofunc").state).toBe(APPLIED);
    expect(revert(hv, "xen_action_hooks_nofunc")).toBe(0);
    expect(hv.get("xen_action_hooks_nofunc").state).toBe(CHECKED);
  });
});

describe("x86-64: rendezvous", () => {
  it("a stalled CPU makes the CPU phase time out: -EBUSY, nothing patched, no post hook", () => {
    upload(hv, X, "xen_prepost_hooks");
    const old = hv.symbol("xen_extra_version")!.addr;
    const before = bytesAt(hv, old, 16);
    hv.setCpuDelay(2, 45 * MS);
    expect(hv.action("xen_prepost_hooks", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.get("xen_prepost_hooks")).toEqual({ ret: 0, state: CHECKED, rc: -EBUSY });
    expect(bytesAt(hv, old, 16)).toBe(before);
    expect(lines(hv)).toContain("livepatch: xen_prepost_hooks: Timed out on semaphore in CPU quiesce phase 2/3");
    expect(lines(hv).some((l) => l.includes("post-apply"))).toBe(false);
    const timeout = eventsOf(hv, "rendezvous").find((e) => e.phase === "timeout")!;
    expect(timeout).toMatchObject({ quiesce: "CPU", late: [2] });
    const master = eventsOf(hv, "rendezvous").find((e) => e.phase === "master")!;
    expect(timeout.t - master.t).toBe(30 * MS);
    // The stalled CPU turns up after the deadline and leaves at once.
    expect(eventsOf(hv, "cpu-phase").some((e) => e.cpu === 2 && e.phase === "late")).toBe(true);
    // The stall was one-shot: the next attempt works.
    expect(apply(hv, "xen_prepost_hooks")).toBe(0);
    expect(hv.get("xen_prepost_hooks")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
  });

  it("the deadline covers both phases: a CPU phase that ends just in time times out in the IRQ phase", () => {
    upload(hv, X, "xen_nop");
    hv.setCpuDelay(1, 30 * MS - 100);
    hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop").rc).toBe(-EBUSY);
    expect(lines(hv).some((l) => l.startsWith("livepatch: xen_nop: Timed out on semaphore in IRQ quiesce phase"))).toBe(true);
  });

  it("status rc stays -EAGAIN while the hypercall CPU has not reached idle", () => {
    upload(hv, X, "xen_nop");
    hv.setCpuDelay(0, 100 * MS);
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0)).toBe(0);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop").rc).toBe(-EAGAIN);
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0)).toBe(-EBUSY);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
  });

  it("a second payload's action while one is pending: -EBUSY and a stale -EAGAIN", () => {
    upload(hv, X, "xen_nop");
    upload(hv, X, "xen_hello_world");
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0)).toBe(0);
    expect(hv.action("xen_hello_world", ACTION.APPLY, 0, 1)).toBe(-EBUSY);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop").state).toBe(APPLIED);
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: CHECKED, rc: -EAGAIN });
  });

  it("an NMI inside the rendezvous is swallowed and lost; outside it is handled", () => {
    upload(hv, X, "xen_nop");
    hv.injectNmi(1);
    hv.setCpuDelay(3, 5 * MS);
    hv.action("xen_nop", ACTION.APPLY, 0, 0);
    hv.advance(1 * MS);
    hv.injectNmi(1);
    hv.advance(60 * MS);
    hv.injectNmi(2);
    const nmis = eventsOf(hv, "nmi");
    expect(nmis.map((e) => [e.cpu, e.phase === "lost"])).toEqual([
      [1, false],
      [1, true],
      [2, false],
    ]);
    expect(hv.get("xen_nop").state).toBe(APPLIED);
  });

  it("with one CPU both phases pass at once", async () => {
    const one = await booted(X, 1);
    upload(one, X, "xen_nop");
    one.action("xen_nop", ACTION.APPLY, 0, 0);
    one.advance(1 * MS);
    expect(one.get("xen_nop").state).toBe(APPLIED);
  });
});

describe("x86-64: state machine quirks", () => {
  it("wrong-state actions: REVERT on CHECKED and APPLY on APPLIED return 0; UNLOAD on APPLIED -EINVAL", () => {
    upload(hv, X, "xen_nop");
    expect(hv.action("xen_nop", ACTION.REVERT, 0, 0)).toBe(0);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    apply(hv, "xen_nop");
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0)).toBe(0);
    expect(hv.action("xen_nop", ACTION.REPLACE, 0, 0)).toBe(0);
    expect(hv.action("xen_nop", ACTION.UNLOAD, 0, 0)).toBe(-EINVAL);
    expect(hv.action("xen_nop", 7 as 1, 0, 0)).toBe(-EOPNOTSUPP);
    expect(hv.action("nope", ACTION.APPLY, 0, 0)).toBe(-ENOENT);
    expect(hv.action("x".repeat(128), ACTION.APPLY, 0, 0)).toBe(-EINVAL);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
  });

  it("data/bss payload: applies, reverts, and re-apply is refused in status rc only", () => {
    upload(hv, X, "xen_data_bss");
    expect(apply(hv, "xen_data_bss")).toBe(0);
    expect(revert(hv, "xen_data_bss")).toBe(0);
    expect(apply(hv, "xen_data_bss")).toBe(0);
    expect(hv.get("xen_data_bss")).toEqual({ ret: 0, state: CHECKED, rc: -EINVAL });
  });

  it("unload frees the payload: gone from LIST, its pages unmapped", () => {
    upload(hv, X, "xen_nop");
    const text = addr((hv.payload("xen_nop")!.regions as { text: { addr: string } }).text.addr);
    expect(hv.readMemory(text, 1)).not.toBeNull();
    expect(hv.action("xen_nop", ACTION.UNLOAD, 0, 0)).toBe(0);
    expect(hv.list()).toEqual([]);
    expect(hv.get("xen_nop").ret).toBe(-ENOENT);
    expect(hv.readMemory(text, 1)).toBeNull();
  });
});
