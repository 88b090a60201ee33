// The fuzz property's checker (support/invariants.ts) on scripted runs: a clean apply/stack/revert
// passes, and a change to Xen's text that no write event reports is caught, at the end of the run
// or at the next write over it.
import { describe, expect, it } from "vitest";
import { parseElf, sectionByName, sectionData } from "../../../src/elf/index.ts";
import { createHypervisor, type HypervisorHost } from "../host/api.ts";
import { ACTION, act, boot, sample, snapshotModule, upload } from "./harness.ts";
import { RunChecker } from "./support/invariants.ts";

const image = parseElf(sample("x86_64/xen-syms"));
const text = sectionByName(image, ".text")!;
const TEXT = sectionData(image, text.index).slice();

async function start(): Promise<{ hv: HypervisorHost; run: RunChecker }> {
  const hv = await createHypervisor(await snapshotModule());
  boot(hv, "x86_64", 4);
  return { hv, run: new RunChecker(hv, text.addr, TEXT, true, RunChecker.baseline(hv)) };
}

/** Overwrites Xen's text behind the simulator's back (mapMemory keeps the page, writes the bytes). */
function tamper(hv: HypervisorHost, symbol: string): void {
  hv.mapMemory(hv.symbol(symbol)!.addr, Uint8Array.of(0xcc), 1);
}

describe("the invariants checker", () => {
  it("passes a clean run that stacks two payloads and takes them back", async () => {
    const { hv, run } = await start();
    for (const name of ["xen_hello_world", "xen_bye_world"]) {
      expect(upload(hv, "x86_64", name)).toBe(0);
      run.step();
      act(hv, name, ACTION.APPLY);
      run.step();
    }
    for (const name of ["xen_bye_world", "xen_hello_world"]) {
      act(hv, name, ACTION.REVERT);
      run.step();
    }
    run.end();
    expect(run.restores).toBe(2);
  });

  it("catches a silent change at the end of the run", async () => {
    const { hv, run } = await start();
    expect(upload(hv, "x86_64", "xen_hello_world")).toBe(0);
    tamper(hv, "xen_minor_version");
    run.step();
    expect(() => run.end()).toThrow(/the write events leave/);
  });

  it("catches a silent change when a later write finds other bytes than the events left", async () => {
    const { hv, run } = await start();
    expect(upload(hv, "x86_64", "xen_hello_world")).toBe(0);
    run.step();
    tamper(hv, "xen_extra_version");
    act(hv, "xen_hello_world", ACTION.APPLY);
    expect(hv.list()[0].state).toBe(2);
    expect(() => run.step()).toThrow(/but the text held/);
  });
});
