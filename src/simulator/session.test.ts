// The session and the derived views over the real hypervisor service (the worker's logic, run in
// Node): states, the applied stack, edge phases and reasons, memory windows, CPU lanes, replay.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createHypervisorService } from "../../workers/hypervisor/host/service.ts";
import { compileHypervisorModule } from "../../workers/hypervisor/host/node.ts";
import { parseElf, readVirtual } from "../elf/index.ts";
import { createSession, type SimBackend } from "./session.ts";
import { buildTimeline, dependsTargetAt, inputText, recordEnds } from "./types.ts";
import { suggestedCommand } from "../console/suggest.ts";
import { analyzePayload } from "../livepatch/analyze.ts";
import { deriveSnapshot } from "./derive.ts";
import { deriveRendezvous } from "./rendezvous.ts";
import { hex, windowAt, writesUpTo } from "./memory.ts";
import { describeEvent } from "./describe.ts";
import { Patch } from "../audit/test-support/samples.ts";

const SAMPLES = fileURLToPath(new URL("../../public/samples/x86_64/", import.meta.url));
const file = (n: string) => new Uint8Array(readFileSync(SAMPLES + n));
const image = file("xen-syms");
const elf = parseElf(image);
const PAYLOADS = ["xen_hello_world", "xen_bye_world", "xen_replace_world", "xen_expectations_fail", "xen_no_xen_buildid", "xen_nop"];

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await compileHypervisorModule();
});

async function session() {
  const s = createSession(createHypervisorService(module) as unknown as SimBackend);
  s.setFiles(PAYLOADS.map((p) => ({ name: `${p}.livepatch`, bytes: file(`${p}.livepatch`) })));
  await s.boot({ name: "xen-syms", bytes: image }, 4);
  return s;
}

function view(s: Awaited<ReturnType<typeof session>>, cursor?: number) {
  const items = buildTimeline(s.data.records, s.data.events);
  const c = cursor ?? items.length;
  return { items, snap: deriveSnapshot(items, c, s.data.bootCpus), rv: deriveRendezvous(items, c, 4), writes: writesUpTo(items, c) };
}

describe("simulator session", () => {
  it("apply hello world: CHECKED then APPLIED, e9 rel32 at xen_extra_version, original bytes when stepped back", async () => {
    const s = await session();
    await s.run({ kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" });
    const r = await s.run({ kind: "console", line: "apply xen_hello_world", via: "console" });
    expect(r.record.output).toBe("Applying xen_hello_world... completed\n");
    const { items, snap, writes } = view(s);
    expect(snap.states.get("xen_hello_world")).toBe("APPLIED");
    expect(snap.stack).toEqual(["xen_hello_world"]);
    expect(snap.actions.get("xen_hello_world")).toMatchObject({ action: "APPLY", phase: "ok", rc: 0, rcKind: "status" });

    const old = BigInt(s.data.payloads.xen_hello_world.funcs[0].oldAddr);
    const target = BigInt(s.data.payloads.xen_hello_world.funcs[0].newAddr);
    const w = s.data.windows.find((x) => x.addr === old)!;
    expect(hex(w.base)).toBe(hex(readVirtual(elf, old, 16)!));
    const rel = Number(BigInt.asIntN(32, target - (old + 5n)));
    const jmp = [0xe9, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff];
    const now = windowAt(w, writes);
    expect(Array.from(now.bytes.slice(0, 5))).toEqual(jmp);
    expect(now.changed.slice(0, 6)).toEqual([true, true, true, true, true, false].map((b, i) => b && w.base[i] !== jmp[i]));

    // Mid-way: at the `scheduled` event the status rc is -EAGAIN and nothing is written yet.
    const ends = recordEnds(s.data.records);
    const sched = items.findIndex((it) => it.type === "event" && it.event.kind === "rendezvous" && it.event.phase === "scheduled");
    const mid = view(s, sched + 1);
    expect(mid.snap.actions.get("xen_hello_world")).toMatchObject({ phase: "pending", rc: -11, rcKind: "status" });
    expect(mid.snap.states.get("xen_hello_world")).toBe("CHECKED");
    expect(hex(windowAt(w, mid.writes).bytes)).toBe(hex(w.base));
    expect(view(s, ends[0]).snap.states.get("xen_hello_world")).toBe("CHECKED");
  });

  it("out-of-order revert is -EBUSY with the stack's top as the reason; the state stays", async () => {
    const s = await session();
    for (const line of ["load xen_hello_world.livepatch", "load xen_bye_world.livepatch", "revert xen_hello_world"]) {
      await s.run({ kind: "console", line, via: "console" });
    }
    const last = s.data.records.at(-1)!;
    expect(last.output).toBe("Reverting xen_hello_world... failed\nError 16: Device or resource busy\n");
    const { snap } = view(s);
    expect(snap.states.get("xen_hello_world")).toBe("APPLIED");
    expect(snap.stack).toEqual(["xen_hello_world", "xen_bye_world"]);
    const a = snap.actions.get("xen_hello_world")!;
    expect(a).toMatchObject({ action: "REVERT", phase: "failed", rc: -16, rcKind: "hypercall" });
    expect(a.reason).toBe("not the top of the applied stack (top is xen_bye_world)");
  });

  it("explains an expectation mismatch by byte and a build-id dependency by the stack's top", async () => {
    const s = await session();
    await s.run({ kind: "console", line: "load xen_hello_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "upload xen_expectations_fail xen_expectations_fail.livepatch", via: "console" });
    await s.run({ kind: "console", line: "apply xen_expectations_fail --nodeps", via: "console" });
    await s.run({ kind: "console", line: "upload bye xen_bye_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "revert xen_hello_world", via: "console" });
    await s.run({ kind: "console", line: "apply bye", via: "console" });
    const { snap } = view(s);
    expect(snap.actions.get("xen_expectations_fail")!.reason).toMatch(/^expectation mismatch at byte 0 of xen_extra_version: expected de, found e9$/);
    expect(snap.actions.get("xen_expectations_fail")!.rc).toBe(-22);
    expect(snap.actions.get("bye")!.reason).toMatch(/^depends on build-id [0-9a-f]{4}… but the hypervisor is [0-9a-f]{4}…$/);
  });

  it("fetches a payload's details when an upload places it, not after every command", async () => {
    const service = createHypervisorService(module) as unknown as SimBackend;
    const fetched: string[] = [];
    const backend: SimBackend = { ...service, payload: (name) => (fetched.push(name), service.payload(name)) };
    const s = createSession(backend);
    s.setFiles(PAYLOADS.map((p) => ({ name: `${p}.livepatch`, bytes: file(`${p}.livepatch`) })));
    await s.boot({ name: "xen-syms", bytes: image }, 4);
    const run = (line: string) => s.run({ kind: "console", line, via: "console" });
    await run("upload p xen_hello_world.livepatch");
    for (const line of ["apply p", "list", "revert p"]) await run(line);
    expect(fetched).toEqual(["p"]);
    // Unloaded and uploaded again from another file: the same name, new details (readelf -s: bye
    // world's only function symbol is xen_bye_world).
    await run("unload p");
    await run("upload p xen_bye_world.livepatch");
    expect(fetched).toEqual(["p", "p"]);
    expect(s.data.payloads.p.symbols.map((x) => x.name)).toContain("xen_bye_world");
    expect(s.data.payloads.p.symbols.map((x) => x.name)).not.toContain("xen_hello_world");
    // A name Object.prototype already has is still a payload of its own.
    await run("upload constructor xen_hello_world.livepatch");
    await run("upload __proto__ xen_replace_world.livepatch");
    expect(fetched).toEqual(["p", "p", "constructor", "__proto__"]);
    expect(Object.keys(s.data.payloads).sort()).toEqual(["__proto__", "constructor", "p"]);
    expect(s.data.payloads["constructor"].symbols.map((x) => x.name)).toContain("xen_hello_world");
  });

  it("a stalled CPU misses the deadline: −EBUSY, its lane stalled, nothing written", async () => {
    const s = await session();
    await s.run({ kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "stall 2 40", via: "knob" });
    const r = await s.run({ kind: "console", line: "apply xen_hello_world", via: "button" });
    expect(r.record.output).toBe("Applying xen_hello_world... failed\nError 16: Device or resource busy\n");
    const { snap, rv, writes } = view(s);
    expect(snap.actions.get("xen_hello_world")).toMatchObject({ phase: "failed", rc: -16, rcKind: "status" });
    // livepatch_spin(): "%s: Timed out on semaphore in %s quiesce phase %u/%u", the late CPU after it.
    expect(snap.actions.get("xen_hello_world")!.reason).toMatch(/^livepatch: xen_hello_world: Timed out on semaphore in CPU quiesce phase \d+\/\d+ \(CPU2 missed the deadline\)$/);
    expect(writes).toHaveLength(0);
    expect(rv!.lanes).toHaveLength(4);
    expect(rv!.lanes[2].missed).toBe(true);
    expect(rv!.lanes[2].segments.find((x) => x.kind === "stalled")).toMatchObject({ from: rv!.start, to: rv!.deadline });
    // It turns up 40 ms after the master kicked it, long after the master gave up: noted, not
    // drawn, since the rendezvous ended at the deadline.
    const kicked = rv!.lanes[0].segments[1].from;
    expect(rv!.lanes[2].lateAt).toBe(kicked + 40_000_000);
    expect(rv!.lanes[2].segments.at(-1)?.kind).toBe("stalled");
    expect(rv!.outcome?.at).toBe(rv!.deadline);
    for (const l of rv!.lanes) for (const seg of l.segments) expect(seg.to).toBeLessThanOrEqual(rv!.deadline!);
    expect(rv!.lanes.filter((l) => l.missed)).toHaveLength(1);
    expect(rv!.lanes[0].master).toBe(true);
    expect(rv!.outcome?.rc).toBe(-16);
  });

  // `.rela.livepatch.funcs` naming section 5000 (past the table): Xen skips it (livepatch_elf.c),
  // funcs[0]'s old_addr and name stay 0, and resolve_old_address() calls
  // symbols_lookup_by_name(NULL): a fatal page fault inside UPLOAD, which never returns.
  it("an UPLOAD the host panicked in fails without an rc, saying so; the console names that step after it", async () => {
    const s = await session();
    const oob = new Patch(file("xen_hello_world.livepatch")).shdr(".rela.livepatch.funcs", "info", 5000).bytes;
    s.setFiles([...PAYLOADS.map((p) => ({ name: `${p}.livepatch`, bytes: file(`${p}.livepatch`) })), { name: "oob.livepatch", bytes: oob }]);
    await s.run({ kind: "console", line: "load xen_hello_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "upload oob oob.livepatch", via: "console" });
    const { snap } = view(s);
    expect(snap.halted).toBe(true);
    expect(snap.actions.get("oob")).toMatchObject({
      action: "UPLOAD",
      phase: "failed",
      rc: null,
      reason: "the host panicked during the hypercall, which never returned (FATAL PAGE FAULT)",
    });
    // What was already done stays done.
    expect(snap.actions.get("xen_hello_world")).toMatchObject({ action: "APPLY", phase: "ok", rc: 0 });
    const later = await s.run({ kind: "console", line: "revert xen_hello_world", via: "console" });
    expect(later.record.output).toBe("(simulator) the host is down since the panic at step 2 (upload oob oob.livepatch); nothing answers, see dmesg\n");
  });

  // xen_action_hooks' apply hook marks no function applied while returning 0: apply_payload()'s
  // check panics ("partially applied payload") at the rendezvous, after the hypercall returned 0.
  it("a raw action is a step of the console's numbering; one the host panicked in has no rc, and later raw actions say the host is down", async () => {
    const s = await session();
    s.setFiles([{ name: "xen_action_hooks.livepatch", bytes: file("xen_action_hooks.livepatch") }]);
    await s.run({ kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" });
    const first = await s.run({ kind: "action", name: "xen_hello_world", cmd: "APPLY", timeoutNs: 5_000_000 });
    expect(first.record.output).toBe("ACTION APPLY xen_hello_world timeout=5000000ns: hypercall returned 0\nGET after 60 ms: APPLIED, rc 0\n");
    // Reverted, so APPLY checks xen_action_hooks' .livepatch.depends against Xen's build-id (build_id_dep()).
    await s.run({ kind: "action", name: "xen_hello_world", cmd: "REVERT", timeoutNs: 5_000_000 });
    await s.run({ kind: "console", line: "upload xen_action_hooks xen_action_hooks.livepatch", via: "console" });
    await s.run({ kind: "console", line: "hook xen_action_hooks apply 0 none", via: "knob" });
    const r = await s.run({ kind: "action", name: "xen_action_hooks", cmd: "APPLY", timeoutNs: 5_000_000 });
    expect(r.record).toMatchObject({
      output: "ACTION APPLY xen_action_hooks timeout=5000000ns: hypercall returned 0\nGET after 60 ms: not asked: the host panicked while the action ran; see dmesg\n",
      status: 1,
    });
    const { snap, rv } = view(s);
    expect(snap.halted).toBe(true);
    const reason = "the host panicked while the action ran (livepatch: partially applied payload 'xen_action_hooks'!)";
    expect(snap.actions.get("xen_action_hooks")).toMatchObject({ action: "APPLY", phase: "failed", rc: null, reason });
    // The lanes tell the same story: livepatch_do_action() panics on the master (CPU0 here) with
    // IRQs off, right after the IRQ phase (xen/common/livepatch.c: "livepatch: partially applied
    // payload '%s'!"), so no `done` and no status rc; the other three CPUs were spinning with IRQs off.
    const irqDone = s.data.events.find((e) => e.kind === "rendezvous" && e.phase === "irq-phase-done" && e.payload === "xen_action_hooks")!;
    expect(rv).toMatchObject({ action: "APPLY", payload: "xen_action_hooks", outcome: null, panic: { cpu: 0, at: irqDone.t, reason } });
    expect(rv!.lanes.map((l) => l.status)).toEqual([
      "panicked (was: patching with IRQs off)",
      ...[1, 2, 3].map(() => "halted with the host (was: IRQs off, spinning until the master is done)"),
    ]);
    for (const l of rv!.lanes) for (const seg of l.segments) expect(seg.to, `CPU${l.cpu} ${seg.kind}`).toBeLessThanOrEqual(irqDone.t);
    // Step 6 is the sixth record: the console and the session count the same steps.
    const at = "the host is down since the panic at step 6 (ACTION APPLY xen_action_hooks (timeout 5 ms)); nothing answers, see dmesg\n";
    expect(inputText(s.data.records[5].input)).toBe("ACTION APPLY xen_action_hooks (timeout 5 ms)");
    const later = await s.run({ kind: "action", name: "xen_hello_world", cmd: "UNLOAD", timeoutNs: 5_000_000 });
    expect(later.record).toMatchObject({ output: `ACTION UNLOAD xen_hello_world timeout=5000000ns: ${at}`, status: 1 });
    expect((await s.run({ kind: "console", line: "list", via: "console" })).record.output).toBe(`(simulator) ${at}`);
    expect(await s.verifyReplay()).toBe(true);
  });

  it("a raw action with a short timeout, and replay after stepping back gives the same events", async () => {
    const s = await session();
    await s.run({ kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "stall 1 3", via: "knob" });
    const r = await s.run({ kind: "action", name: "xen_hello_world", cmd: "APPLY", timeoutNs: 2_000_000 });
    expect(r.record.output).toMatch(/hypercall returned 0\nGET after 60 ms: CHECKED, rc -16 \(Device or resource busy\)\n$/);
    expect(await s.verifyReplay()).toBe(true);
    const before = s.data.events.slice(0, s.data.records[1].eventsTo);
    // Step back to after the stall knob and run something else: the later input is dropped.
    const after = await s.run({ kind: "console", line: "apply xen_hello_world", via: "console" }, 2);
    expect(after.rebuilt).toBe(true);
    expect(after.diverged).toBe(false);
    expect(s.data.records.map((x) => x.input.kind)).toEqual(["console", "console", "console"]);
    expect(s.data.events.slice(0, before.length)).toEqual(before);
    expect(after.record.output).toBe("Applying xen_hello_world... completed\n");
  });

  it("quiesce and revive name x86's mechanism: virtual-region page permissions, not CR0.WP", async () => {
    const s = await session();
    await s.run({ kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" });
    await s.run({ kind: "console", line: "apply xen_hello_world", via: "console" });
    await s.run({ kind: "console", line: "revert xen_hello_world", via: "console" });
    const phases = s.data.events.filter((e) => e.kind === "rendezvous" && (e.phase === "quiesce" || e.phase === "revive"));
    // apply_payload() and revert_payload() each call arch_livepatch_quiesce() then _revive() once.
    expect(phases.map((e) => (e.kind === "rendezvous" && "how" in e ? `${e.phase}:${e.how}` : ""))).toEqual([
      "quiesce:region-perms",
      "revive:region-perms",
      "quiesce:region-perms",
      "revive:region-perms",
    ]);
    // xen/common/virtual_region.c: relax_virtual_region_perms() maps text PAGE_HYPERVISOR_RWX and
    // rodata PAGE_HYPERVISOR_RW; tighten_virtual_region_perms() puts back RX and RO.
    const text = phases.map((e) => describeEvent(e));
    expect(text[0]).toContain("text RWX, rodata RW");
    expect(text[1]).toContain("text RX, rodata RO");
    for (const t of text) expect(t).not.toMatch(/CR0|WP/);
  });

  it("records whom APPLY checks .livepatch.depends against, and the console's hint offers only a load Xen accepts", async () => {
    // Build-ids from readelf -n: xen-syms edb3406f…, hello world b459f5e8…, bye world 65a1bdef…;
    // .livepatch.depends (readelf -x): hello world and nop name Xen's, bye world hello world's.
    const XEN = "edb3406f68fc5942d2ae9b0188056f8b25bc2910";
    const HELLO = "b459f5e84266ecbd9de4c35c4724b4ed63b84c51";
    const BYE = "65a1bdefa522ad572c740772676efb5313c6a878";
    const s = await session();
    s.setFiles([{ name: "xen_nop.livepatch", bytes: file("xen_nop.livepatch") }]);
    // build_id_dep(): against the hypervisor while applied_list is empty, else its last entry.
    // check_xen_buildid(): .livepatch.xen_depends against Xen's own, whatever is applied.
    expect(s.data.bootDepends).toEqual({ against: "hypervisor", buildId: XEN, xenBuildId: XEN });
    const payloadFiles = ["xen_hello_world", "xen_nop", "xen_bye_world"].map((n) => {
      const m = analyzePayload(parseElf(file(`${n}.livepatch`)))!;
      return { name: `${n}.livepatch`, depends: m.depends!.buildId, xenDepends: m.xenDepends!.buildId };
    });
    const hint = () => {
      const items = buildTimeline(s.data.records, s.data.events);
      const snap = deriveSnapshot(items, items.length, s.data.bootCpus);
      const held = (n: string) => snap.states.get(n) === "CHECKED" || snap.states.get(n) === "APPLIED";
      return suggestedCommand(payloadFiles, held, dependsTargetAt(s.data.bootDepends, s.data.records, items.length));
    };
    expect(hint()).toBe("load xen_hello_world.livepatch");
    const hello = await s.run({ kind: "console", line: hint()!, via: "console" });
    expect(hello.record.status).toBe(0);
    expect(hello.record.depends).toEqual({ against: "xen_hello_world", buildId: HELLO, xenBuildId: XEN });
    // nop stacks on Xen, but Xen now checks against hello world: bye world, not nop.
    expect(hint()).toBe("load xen_bye_world.livepatch");
    const bye = await s.run({ kind: "console", line: hint()!, via: "console" });
    expect(bye.record.status).toBe(0);
    expect(bye.record.depends).toEqual({ against: "xen_bye_world", buildId: BYE, xenBuildId: XEN });
    expect(hint()).toBe("list");
    // What the old hint offered here: Xen refuses it ("check against xen_bye_world build-id failed").
    const nop = await s.run({ kind: "console", line: "load xen_nop.livepatch", via: "console" });
    expect(nop.record.status).not.toBe(0);
    expect(nop.record.output).toContain("Error 22");
    // Stepped back to just after hello world: the target is hello world's again.
    const ends = recordEnds(s.data.records);
    expect(dependsTargetAt(s.data.bootDepends, s.data.records, ends[0])).toEqual({ against: "xen_hello_world", buildId: HELLO, xenBuildId: XEN });
    expect(dependsTargetAt(s.data.bootDepends, s.data.records, 0)).toEqual({ against: "hypervisor", buildId: XEN, xenBuildId: XEN });
  });

  it("the console's hint offers no payload UPLOAD refuses for its .livepatch.xen_depends, and those loads do fail", async () => {
    // readelf -x .livepatch.depends: all three name Xen's build-id (xen-syms, readelf -n:
    // edb3406f…25bc2910), so APPLY's check alone would take them. readelf -x .livepatch.xen_depends:
    // wrong_xen_buildid names …25bc29ef; readelf -S: no_xen_buildid has no such section.
    const names = ["xen_wrong_xen_buildid", "xen_no_xen_buildid", "xen_hello_world"];
    const s = await session();
    s.setFiles(names.map((n) => ({ name: `${n}.livepatch`, bytes: file(`${n}.livepatch`) })));
    const payloadFiles = names.map((n) => {
      const m = analyzePayload(parseElf(file(`${n}.livepatch`)))!;
      return { name: `${n}.livepatch`, depends: m.depends?.buildId ?? null, xenDepends: m.xenDepends?.buildId ?? null };
    });
    const held = () => false;
    expect(suggestedCommand(payloadFiles, held, s.data.bootDepends)).toBe("load xen_hello_world.livepatch");
    expect(suggestedCommand(payloadFiles.slice(0, 2), held, s.data.bootDepends)).toBe("list");
    // check_xen_buildid(): "build-id mismatch" and "section .livepatch.xen_depends is missing", -EINVAL.
    for (const n of names.slice(0, 2)) {
      const r = await s.run({ kind: "console", line: `load ${n}.livepatch`, via: "console" });
      expect(r.record.status).not.toBe(0);
      expect(r.record.output).toContain(`Uploading ${n}.livepatch... failed`);
      expect(r.record.output).toContain("Error 22");
    }
  });

  it("the memory card marks every byte Xen writes, even one equal to the byte it replaced, and none once reverted", async () => {
    // xen_nop's .livepatch.funcs (readelf -x): new_addr 0 (a NOP-out), old_addr 0xffff82d040200130
    // (xen_minor_version, whose first bytes are b8 17 00 00 00: mov $0x17,%eax), new_size 5,
    // old_size 6. arch_livepatch_apply() (xen/arch/x86/livepatch.c) memcpy()s
    // livepatch_insn_len() = new_size - patch_offset = 5 bytes of ideal NOPs: P6 NOP5 0f 1f 44 00 00,
    // whose last two bytes equal the old ones.
    const s = await session();
    await s.run({ kind: "console", line: "upload xen_nop xen_nop.livepatch", via: "console" });
    await s.run({ kind: "console", line: "apply xen_nop", via: "console" });
    const w = s.data.windows.find((x) => x.addr === 0xffff82d040200130n)!;
    expect(hex(w.base.slice(0, 5))).toBe("b8 17 00 00 00");
    const applied = windowAt(w, view(s).writes);
    expect(hex(applied.bytes.slice(0, 5))).toBe("0f 1f 44 00 00");
    expect(applied.written).toEqual(Array.from(w.base, (_, i) => i < 5));
    expect(applied.changed.slice(0, 5)).toEqual([true, true, true, false, false]);

    await s.run({ kind: "console", line: "revert xen_nop", via: "console" });
    const reverted = windowAt(w, view(s).writes);
    expect(hex(reverted.bytes)).toBe(hex(w.base));
    expect(reverted.written.some(Boolean)).toBe(false);
  });

  it("stacked jumps: the marks cover the live jmp's 5 bytes, hello's again once bye is reverted", async () => {
    const s = await session();
    for (const line of ["upload xen_hello_world xen_hello_world.livepatch", "apply xen_hello_world", "upload xen_bye_world xen_bye_world.livepatch", "apply xen_bye_world", "revert xen_bye_world"]) {
      await s.run({ kind: "console", line, via: "console" });
    }
    const { items } = view(s);
    const w = s.data.windows.find((x) => x.addr === 0xffff82d040200110n)!;
    // ARCH_PATCH_INSN_SIZE: a jmp rel32 is 5 bytes; the window is WINDOW_BYTES (16) long.
    const five = Array.from(w.base, (_, i) => i < 5);
    const ends = recordEnds(s.data.records);
    for (const k of [1, 3, 4]) expect(windowAt(w, writesUpTo(items, ends[k])).written, `after input ${k}`).toEqual(five);
  });
});
