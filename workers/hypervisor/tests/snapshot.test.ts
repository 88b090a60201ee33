// Snapshots (host/snapshot.ts, HypervisorHost.snapshot/restore): a host restored to its booted state
// behaves exactly as a freshly booted one, also after a run that grew the wasm's memory, and the
// rewritten module exports every mutable global the compiler emitted (counted in asc's own .wat).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseElf, sectionByName } from "../../../src/elf/index.ts";
import { createHypervisor, type HypervisorHost } from "../host/api.ts";
import { SNAPSHOT_GLOBAL_PREFIX } from "../host/snapshot.ts";
import { act, ACTION, boot, freshHypervisor, MS, sample, snapshotModule, upload } from "./harness.ts";

const WAT = fileURLToPath(new URL("../build/hypervisor.wat", import.meta.url));
const text = sectionByName(parseElf(sample("x86_64/xen-syms")), ".text")!;

/** A scenario that uploads, applies, stacks, reverts and stalls; what the host shows afterwards. */
function play(hv: HypervisorHost): unknown {
  upload(hv, "x86_64", "xen_hello_world");
  upload(hv, "x86_64", "xen_bye_world");
  act(hv, "xen_hello_world", ACTION.APPLY);
  act(hv, "xen_bye_world", ACTION.APPLY);
  hv.setCpuStall(1, 45 * MS);
  act(hv, "xen_bye_world", ACTION.REVERT);
  act(hv, "xen_bye_world", ACTION.REVERT);
  hv.advance(200 * MS);
  return {
    events: [...hv.events()],
    list: hv.list(),
    now: hv.now(),
    text: Buffer.from(hv.readMemory(text.addr, Number(text.size))!).toString("hex"),
    hello: hv.payload("xen_hello_world"),
    cpus: hv.cpus(),
    symbol: hv.symbol("xen_extra_version"),
  };
}

async function bootedHost(): Promise<HypervisorHost> {
  const hv = await createHypervisor(await snapshotModule());
  boot(hv, "x86_64", 4);
  return hv;
}

describe("hypervisor snapshots", () => {
  it("export every mutable global asc emitted, each one writable", async () => {
    const mutableInWat = readFileSync(WAT, "utf8").match(/^\s*\(global \$\S+ \(mut /gm)?.length ?? 0;
    expect(mutableInWat).toBeGreaterThan(50);
    const instance = await WebAssembly.instantiate(await snapshotModule(), { env: { abort() {} } });
    const exported = Object.entries(instance.exports).filter(([name]) => name.startsWith(SNAPSHOT_GLOBAL_PREFIX));
    expect(exported).toHaveLength(mutableInWat);
    for (const [name, g] of exported) {
      expect(g, name).toBeInstanceOf(WebAssembly.Global);
      const global = g as WebAssembly.Global;
      const value: unknown = global.value;
      expect(() => (global.value = value), name).not.toThrow();
    }
  });

  it("restore to the booted state plays a scenario exactly as a fresh boot does", async () => {
    const reference = await bootedHost();
    const want = play(reference);

    const hv = await bootedHost();
    const booted = hv.snapshot();
    for (let round = 0; round < 3; round++) {
      await hv.restore(booted);
      expect(hv.list()).toEqual([]);
      expect(play(hv)).toEqual(want);
    }
  });

  it("restore after a run that grew the wasm's memory (a fresh instance takes over)", async () => {
    const hv = await bootedHost();
    const booted = hv.snapshot();
    // 8 MiB of new pages is more than the headroom the snapshot left free (at an address nothing
    // of the booted Xen uses: the direct map holds CPU0's stack once boot has run code).
    const far = 0xffff840000000000n;
    hv.mapMemory(far, new Uint8Array(8 << 20), 2);
    expect(hv.readMemory(far, 4)).not.toBeNull();
    await hv.restore(booted);
    expect(hv.readMemory(far, 4)).toBeNull();
    const reference = await bootedHost();
    expect(play(hv)).toEqual(play(reference));
    await hv.restore(booted);
    expect(hv.list()).toEqual([]);
  });

  it("peekMemory reads what readMemory reads, and null where nothing is mapped", async () => {
    const hv = await bootedHost();
    upload(hv, "x86_64", "xen_hello_world");
    act(hv, "xen_hello_world", ACTION.APPLY);
    const copy = hv.readMemory(text.addr, Number(text.size))!;
    expect(Buffer.from(hv.peekMemory(text.addr, Number(text.size))!).equals(Buffer.from(copy))).toBe(true);
    expect(hv.peekMemory(0x1000n, 8)).toBeNull();
  });

  it("needs the rewritten module", async () => {
    const hv = await freshHypervisor();
    boot(hv, "x86_64", 1);
    expect(() => (hv as HypervisorHost).snapshot()).toThrow(/does not export its globals/);
  });
});
