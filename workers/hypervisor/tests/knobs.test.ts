// Scenario knobs of the rendezvous (do_livepatch_work(), arch_livepatch_mask()): stalls in either quiesce phase, one-shot or
// persistent, and NMIs lost inside a rendezvous with the torn-code hazard on do_nmi's path.
import { beforeEach, describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { ACTION, APPLIED, CHECKED, EBUSY, MS, apply, booted, bytesAt, eventsOf, lines, replace, upload } from "./harness.ts";

const X = "x86_64";
let hv: HypervisorApi;
beforeEach(async () => {
  hv = await booted(X, 4);
});

const timeouts = () => lines(hv).filter((l) => l.includes("Timed out on semaphore"));

describe("stalls", () => {
  it("an IRQ-phase stall times out the IRQ quiesce phase: -EBUSY, nothing written, the CPU marked missed then late", () => {
    upload(hv, X, "xen_nop");
    const at = hv.symbol("xen_minor_version")!.addr;
    const before = bytesAt(hv, at, 8);
    hv.setCpuStall(2, 45 * MS, { phase: "irq" });
    expect(apply(hv, "xen_nop")).toBe(0);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: -EBUSY });
    expect(bytesAt(hv, at, 8)).toBe(before);
    // CPUs 1 and 3 disabled IRQs; CPU2 never did before the deadline.
    expect(timeouts()).toEqual(["livepatch: xen_nop: Timed out on semaphore in IRQ quiesce phase 2/3"]);
    const rv = eventsOf(hv, "rendezvous");
    expect(rv.find((e) => e.phase === "cpu-phase-done")).toBeDefined();
    expect(rv.find((e) => e.phase === "timeout")).toMatchObject({ quiesce: "IRQ", arrived: 2, cpus: 3, late: [2], statusRc: -EBUSY });
    const cpu2 = eventsOf(hv, "cpu-phase").filter((e) => e.cpu === 2).map((e) => e.phase);
    expect(cpu2).toEqual(["cpu", "missed", "late"]);
    expect(eventsOf(hv, "cpu-phase").filter((e) => e.phase === "release").map((e) => e.cpu)).toEqual([1, 3]);
    // One-shot: the next rendezvous has default timing and succeeds.
    expect(apply(hv, "xen_nop")).toBe(0);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
  });

  it("an IRQ stall shorter than what is left of the deadline only delays the action", () => {
    upload(hv, X, "xen_nop");
    hv.setCpuStall(1, 10 * MS, { phase: "irq" });
    hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0);
    hv.advance(5 * MS);
    expect(hv.get("xen_nop").rc).toBe(-11);
    hv.advance(55 * MS);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    const done = eventsOf(hv, "rendezvous").find((e) => e.phase === "irq-phase-done")!;
    const ready = eventsOf(hv, "rendezvous").find((e) => e.phase === "cpu-phase-done")!;
    expect(done.t - ready.t).toBe(10 * MS);
  });

  it("a persistent stall fails every rendezvous until cleared; clearing one phase keeps the other", () => {
    upload(hv, X, "xen_nop");
    hv.setCpuStall(3, 40 * MS, { persistent: true });
    hv.setCpuStall(1, 40 * MS, { phase: "irq", persistent: true });
    for (let i = 0; i < 3; i++) {
      apply(hv, "xen_nop");
      expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: -EBUSY });
    }
    expect(timeouts()).toEqual(Array(3).fill("livepatch: xen_nop: Timed out on semaphore in CPU quiesce phase 2/3"));
    hv.clearCpuStall(3, "idle");
    apply(hv, "xen_nop");
    expect(timeouts().at(-1)).toBe("livepatch: xen_nop: Timed out on semaphore in IRQ quiesce phase 2/3");
    apply(hv, "xen_nop");
    expect(hv.get("xen_nop").rc).toBe(-EBUSY);
    hv.clearCpuStall(1);
    apply(hv, "xen_nop");
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
  });

  it("a one-shot stall overrides a persistent one for one rendezvous", () => {
    upload(hv, X, "xen_nop");
    hv.setCpuStall(2, 40 * MS, { persistent: true });
    hv.setCpuStall(2, 1 * MS);
    apply(hv, "xen_nop");
    expect(hv.get("xen_nop").state).toBe(APPLIED);
    hv.action("xen_nop", ACTION.REVERT, 30 * MS, 0);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: -EBUSY });
  });
});

describe("NMIs inside a rendezvous", () => {
  /** Start an APPLY and stop 1 ms in, with CPU3 keeping the rendezvous open (5 ms). */
  function midRendezvous(name: string, cmd: 3 | 4 = ACTION.APPLY): void {
    hv.setCpuDelay(3, 5 * MS);
    expect(hv.action(name, cmd, 30 * MS, 0)).toBe(0);
    hv.advance(1 * MS);
    expect(eventsOf(hv, "rendezvous").some((e) => e.phase === "master")).toBe(true);
  }
  const nmis = () => eventsOf(hv, "nmi").map((e) => [e.cpu, e.phase, e.payload, e.phase === "torn" ? e.addr : null]);

  it("lost, plus a labelled torn-code hazard when do_nmi's path goes through the patched function", () => {
    upload(hv, X, "xen_hello_world");
    const fn = hv.symbol("xen_extra_version")!.addr;
    midRendezvous("xen_hello_world");
    hv.injectNmi(1, { path: ["xen_major_version", "xen_extra_version"] });
    hv.injectNmi(2);
    hv.injectNmi(2, { path: ["xen_minor_version"] });
    hv.advance(60 * MS);
    hv.injectNmi(1, { path: ["xen_extra_version"] });
    const hex = `0x${fn.toString(16)}`;
    expect(nmis()).toEqual([
      [1, "lost", "xen_hello_world", null],
      [1, "torn", "xen_hello_world", hex],
      [2, "lost", "xen_hello_world", null],
      [2, "lost", "xen_hello_world", null],
      [1, "handled", null, null],
    ]);
    const torn = eventsOf(hv, "nmi").find((e) => e.phase === "torn")!;
    expect(torn).toMatchObject({ via: "xen_extra_version", action: "APPLY", func: "xen_extra_version", addr: hex, patchedBy: "xen_hello_world" });
    // The hazard is a note: the apply itself completes as usual.
    expect(hv.get("xen_hello_world")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    expect(lines(hv).some((l) => /NMI/i.test(l))).toBe(false);
  });

  it("a scheduled NMI carries its path; REPLACE names the payloads it reverts too", () => {
    upload(hv, X, "xen_hello_world");
    upload(hv, X, "xen_replace_world");
    apply(hv, "xen_hello_world");
    hv.setCpuDelay(3, 5 * MS);
    hv.scheduleNmi(2, 2 * MS, { path: ["xen_extra_version"] });
    expect(replace(hv, "xen_replace_world")).toBe(0);
    const torn = eventsOf(hv, "nmi").flatMap((e) => (e.phase === "torn" ? [e] : []));
    expect(torn.map((e) => [e.cpu, e.payload])).toEqual([
      [2, "xen_replace_world"],
      [2, "xen_replace_world"],
    ]);
    expect(torn.map((e) => [e.patchedBy, e.action])).toEqual([
      ["xen_hello_world", "REPLACE"],
      ["xen_replace_world", "REPLACE"],
    ]);
  });

  it("the default path is do_nmi, which the sample image lacks: lost, no hazard", () => {
    expect(hv.symbol("do_nmi")).toBeUndefined();
    upload(hv, X, "xen_hello_world");
    midRendezvous("xen_hello_world");
    hv.injectNmi(0);
    expect(nmis()).toEqual([[0, "lost", "xen_hello_world", null]]);
  });

  it("an NMI before the master has started is handled: NMIs are masked by the master", () => {
    upload(hv, X, "xen_hello_world");
    hv.setCpuDelay(0, 2 * MS);
    hv.action("xen_hello_world", ACTION.APPLY, 30 * MS, 0);
    hv.advance(1 * MS);
    hv.injectNmi(1, { path: ["xen_extra_version"] });
    expect(nmis()).toEqual([[1, "handled", null, null]]);
  });

  it("ARM: no NMI, no hazard", async () => {
    const arm = await booted("aarch64", 4);
    upload(arm, "aarch64", "xen_hello_world");
    arm.setCpuDelay(3, 5 * MS);
    arm.action("xen_hello_world", ACTION.APPLY, 30 * MS, 0);
    arm.advance(1 * MS);
    arm.injectNmi(1, { path: ["xen_extra_version"] });
    expect(eventsOf(arm, "nmi").map((e) => e.phase)).toEqual(["arm"]);
  });
});
