import { describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { loadHypervisorNode } from "../host/node.ts";

describe("hypervisor wasm", () => {
  it("loads in Node and reports Xen's current payload version", async () => {
    const hv = await loadHypervisorNode();
    expect(hv.payloadVersion()).toBe(2);
  });

  it("answers through comlink over a real MessageChannel", async () => {
    const hv = await loadHypervisorNode();
    const { port1, port2 } = new MessageChannel();
    Comlink.expose({ payloadVersion: () => hv.payloadVersion() }, port2);
    const remote = Comlink.wrap<{ payloadVersion(): number }>(port1);
    expect(await remote.payloadVersion()).toBe(2);
    port1.close();
    port2.close();
  });
});
