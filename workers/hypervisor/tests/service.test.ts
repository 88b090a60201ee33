// The worker's API over a real MessageChannel (structured cloning, transfer), and the host's
// recovery from a wasm trap: a clear error, a freshly booted simulator, no dead page.
import { afterEach, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { compileHypervisorModule } from "../host/node.ts";
import { createHypervisorService, type HypervisorService } from "../host/service.ts";
import { createHypervisor, HypervisorTrapError } from "../host/api.ts";
import { createTrappableService, trapSwitch } from "../host/selfTestTrap.ts";
import { APPLIED, CHECKED, boot, sample, upload } from "./harness.ts";

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

function remote(): Comlink.Remote<HypervisorService> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  Comlink.expose(createHypervisorService(compileHypervisorModule()), port2);
  return Comlink.wrap<HypervisorService>(port1);
}

describe("hypervisor worker service", () => {
  it("boots from transferred image bytes, runs console lines and hypercalls, streams events", async () => {
    const hv = remote();
    expect(await hv.list()).toEqual({ ok: false, error: { code: "NOT_BOOTED", message: "boot an image first" } });
    const image = sample("x86_64/xen-syms").slice();
    const booted_ = await hv.bootImage(Comlink.transfer(image, [image.buffer]), 2);
    expect(image.byteLength).toBe(0);
    expect(booted_).toMatchObject({ ok: true, value: { arch: "x86_64", symbols: expect.any(Number) } });
    await hv.addFile("hello.livepatch", sample("x86_64/xen_hello_world.livepatch"));
    const res = await hv.console("load hello.livepatch");
    expect(res).toMatchObject({ ok: true, value: { status: 0, output: "Uploading hello.livepatch... completed\nApplying hello... completed\n" } });
    expect(await hv.get("hello")).toEqual({ ok: true, value: { ret: 0, state: APPLIED, rc: 0 } });
    const events = await hv.events(0);
    if (!events.ok) throw new Error("events");
    expect(events.value.map((e) => e.seq)).toEqual(events.value.map((_, i) => i));
    expect(events.value.some((e) => e.kind === "write")).toBe(true);
    const tail = await hv.events(events.value.length);
    expect(tail).toEqual({ ok: true, value: [] });
    const mem = await hv.readMemory(0xffff82d040200110n, 1);
    expect(mem).toEqual({ ok: true, value: new Uint8Array([0xe9]) });
  });

  it("reports a broken image as BAD_IMAGE", async () => {
    const hv = remote();
    const r = await hv.bootImage(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 9, 9, 9]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("BAD_IMAGE");
  });
});

describe("trap recovery", () => {
  it("a trap throws HypervisorTrapError and leaves a freshly booted, working simulator", async () => {
    const trap = trapSwitch();
    const hv = await createHypervisor(await compileHypervisorModule(), { wrapExports: trap.wrapExports });
    boot(hv, "x86_64", 2);
    expect(upload(hv, "x86_64", "xen_nop")).toBe(0);
    trap.arm();
    expect(() => hv.list()).toThrow(HypervisorTrapError);
    // Same image, no payloads, clock back at zero.
    expect(hv.list()).toEqual([]);
    expect(hv.now()).toBe(0n);
    expect(hv.symbol("xen_minor_version")).toBeDefined();
    expect(upload(hv, "x86_64", "xen_nop")).toBe(0);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    // A second trap before the next spare is ready: calls fail clearly until ready() resolves.
    trap.arm();
    expect(() => hv.list()).toThrow(/a fresh one is starting/);
    expect(() => hv.list()).toThrow(HypervisorTrapError);
    await hv.ready();
    expect(hv.list()).toEqual([]);
    expect(upload(hv, "x86_64", "xen_nop")).toBe(0);
  });

  it("a trap in the middle of a console command reaches the page as HV_TRAP, not as a console line", async () => {
    const svc = createTrappableService(compileHypervisorModule());
    expect((await svc.bootImage(sample("x86_64/xen-syms").slice(), 2)).ok).toBe(true);
    await svc.addFile("hello.livepatch", sample("x86_64/xen_hello_world.livepatch"));
    expect(await svc.console("load hello.livepatch")).toMatchObject({ ok: true, value: { status: 0 } });
    await svc.armSelfTestTrap();
    const r = await svc.console("revert hello");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "HV_TRAP", message: expect.stringContaining("unreachable") });
  });
});

describe("exports under a wrapper", () => {
  it("a wrapper that adds a prototype level (as the bench's timer does) still reads payload details, the preview and memory", async () => {
    const hv = await createHypervisor(await compileHypervisorModule(), { wrapExports: (w) => Object.create(w) as typeof w });
    boot(hv, "x86_64", 2);
    expect(upload(hv, "x86_64", "xen_hello_world")).toBe(0);
    const details = hv.payload("xen_hello_world");
    expect(details?.name).toBe("xen_hello_world");
    const preview = hv.previewPatch("xen_hello_world")!;
    expect(preview.map((p) => p.name)).toEqual(["xen_extra_version"]);
    // The bytes the preview says are there now are what memory holds at that address.
    expect(Array.from(hv.peekMemory(BigInt(preview[0].addr), preview[0].old!.length / 2)!, (b) => b.toString(16).padStart(2, "0")).join("")).toBe(preview[0].old);
  });
});
