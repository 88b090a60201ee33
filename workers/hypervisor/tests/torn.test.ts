// The mid-write NMI what-if (run/torn.ts): refusals, and that it leaves no trace (memory, events,
// console), whichever way the run ends. What the torn bytes do is held to hand-decoded values in
// src/scenarios/nmi.lesson.test.ts.
import { describe, expect, it } from "vitest";
import { bootArch, payloadBytes } from "./support/payloads.ts";

async function loaded(arch: "x86_64" | "aarch64" = "x86_64") {
  const hv = await bootArch(arch, 4);
  const name = arch === "x86_64" ? "xen_altcall" : "xen_hello_world";
  expect(hv.upload(name, payloadBytes(arch, name))).toBe(0);
  return { hv, name };
}

describe("torn: the mid-write NMI what-if", () => {
  it("leaves memory, the event log and the console as they were, even when the torn code crashes Xen", async () => {
    const { hv, name } = await loaded();
    const minor = hv.symbol("xen_minor_version")!.addr;
    const bytes = hv.readMemory(minor, 16);
    const events = hv.events().length;
    const lines = hv.consoleLines().length;
    for (let k = 0; k <= 5; k++) {
      for (const rv of [false, true]) {
        const r = hv.torn(name, k, 1, rv);
        expect("error" in r, `k=${k}`).toBe(false);
      }
    }
    const crash = hv.torn(name, 1, 1, false);
    expect("run" in crash && crash.run.outcome).toBe("crashed");
    expect(hv.halted()).toBe(false);
    expect(hv.readMemory(minor, 16)).toEqual(bytes);
    expect(hv.events().length).toBe(events);
    expect(hv.consoleLines().length).toBe(lines);
  });

  it("refuses what it cannot show, naming why", async () => {
    const { hv, name } = await loaded();
    expect(hv.torn("nope", 1, 1, false)).toEqual({ error: "no payload nope" });
    expect(hv.torn(name, 6, 1, false)).toEqual({ error: "BYTES must be 0..5" });
    expect(hv.torn(name, 1, 4, false)).toEqual({ error: "no CPU 4" });
    const arm = await loaded("aarch64");
    expect(arm.hv.torn(arm.name, 1, 1, false)).toEqual({ error: "only x86-64 payloads: an NMI is an x86 event" });
  });
});
