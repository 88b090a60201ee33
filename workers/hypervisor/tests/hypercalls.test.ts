// The hypercall ABI edges (livepatch_op(), livepatch_list(), livepatch_get(), livepatch_action()
// in xen/common/livepatch.c): LIST probe and fetch with 4.21+
// capacities, payload_version, the pad words, the op flags FORCE quirk, and GET/LIST events.
import { beforeEach, describe, expect, it } from "vitest";
import { parseElf, sectionByName } from "../../../src/elf/index.ts";
import type { HypervisorApi } from "../host/api.ts";
import { ACTION, APPLIED, CHECKED, EBUSY, EINVAL, ENOENT, EOPNOTSUPP, MS, apply, booted, eventsOf, failures, revert, sample, upload } from "./harness.ts";

const X = "x86_64";
const E2BIG = 7;
const ENOBUFS = 105;
const FORCE = 1;

/** strlen + 1, in bytes, as Xen counts names. */
const nameBytes = (n: string) => Buffer.byteLength(n) + 1;
/** `.modinfo` size read from the payload file itself (independent of the simulator). */
function modinfoSize(name: string): number {
  return Number(sectionByName(parseElf(sample(`${X}/${name}.livepatch`)), ".modinfo")?.size ?? 0n);
}

let hv: HypervisorApi;
beforeEach(async () => {
  hv = await booted(X, 4);
});

const probe = () => hv.listOp(0, 0, 0, 0);

describe("LIST: probe mode and payload_version", () => {
  it("an empty host: rc 0, nr 0, totals 0, version 1", () => {
    expect(probe()).toEqual({ rc: 0, idx: 0, nr: 0, version: 1, nameTotal: 0, metaTotal: 0, entries: [] });
    // With no payloads idx is not checked at all.
    expect(hv.listOp(7, 0, 0, 0).rc).toBe(0);
    expect(hv.listOp(7, 5, 100, 100)).toMatchObject({ rc: 0, nr: 0, entries: [] });
  });

  it("counts, name and metadata totals; +1 per successful UPLOAD and per UNLOAD only", () => {
    const names = ["xen_hello_world", "xen_nop", "xen_bye_world"];
    let version = 1;
    for (const n of names) {
      expect(upload(hv, X, n)).toBe(0);
      expect(probe().version).toBe(++version);
    }
    // Failures leave the counter alone: a duplicate name, an invalid payload.
    expect(upload(hv, X, "xen_nop")).toBe(-17);
    expect(hv.upload("bad", sample(`${X}/xen_no_xen_buildid.livepatch`))).toBe(-EINVAL);
    expect(probe().version).toBe(version);
    const p = probe();
    expect(p).toMatchObject({ rc: 0, nr: 3, entries: [] });
    expect(p.nameTotal).toBe(names.reduce((s, n) => s + nameBytes(n), 0));
    expect(p.metaTotal).toBe(names.reduce((s, n) => s + modinfoSize(n), 0));
    expect(p.metaTotal).toBeGreaterThan(0);
    // Actions do not move it, successful or not.
    expect(apply(hv, "xen_nop")).toBe(0);
    expect(hv.get("xen_nop").state).toBe(APPLIED);
    expect(revert(hv, "xen_nop")).toBe(0);
    apply(hv, "xen_hello_world");
    expect(hv.action("xen_hello_world", ACTION.UNLOAD, 0, 0)).toBe(-EINVAL);
    expect(probe().version).toBe(version);
    expect(hv.action("xen_nop", ACTION.UNLOAD, 0, 0)).toBe(0);
    expect(probe()).toMatchObject({ version: version + 1, nr: 2 });
    // A fresh boot starts again at 1.
    hv.boot(hv.bootSpec!);
    expect(probe().version).toBe(1);
  });
});

describe("LIST: fetch mode", () => {
  const names = ["xen_hello_world", "xen_nop", "xen_bye_world"];
  beforeEach(() => {
    for (const n of names) upload(hv, X, n);
  });

  it("writes entries in upload order from idx; rc = entries written, nr = remaining", () => {
    const { nameTotal, metaTotal, version } = probe();
    const all = hv.listOp(0, 3, nameTotal, metaTotal);
    expect(all).toMatchObject({ rc: 3, nr: 0, version, nameTotal, metaTotal });
    expect(all.entries.map((e) => [e.name, e.state, e.rc, e.nameLen, e.metaLen])).toEqual(
      names.map((n) => [n, CHECKED, 0, nameBytes(n), modinfoSize(n)]),
    );
    expect(all.entries[0].metadata.length).toBe(modinfoSize("xen_hello_world"));
    // Two from idx 1: the capacities only need to hold those two.
    const tail = hv.listOp(1, 5, nameBytes("xen_nop") + nameBytes("xen_bye_world"), 0);
    expect(tail).toMatchObject({ rc: 2, nr: 0, nameTotal: nameBytes("xen_nop") + nameBytes("xen_bye_world"), metaTotal: 0 });
    expect(tail.entries.map((e) => e.name)).toEqual(["xen_nop", "xen_bye_world"]);
    // nr smaller than what is left: remaining counts the rest.
    const one = hv.listOp(0, 1, 1000, 1000);
    expect(one).toMatchObject({ rc: 1, nr: 2 });
    expect(hv.listOp(2, 1024, 1000, 1000)).toMatchObject({ rc: 1, nr: 0 });
    // Status reaches LIST: an applied payload with a failed revert... here simply APPLIED.
    apply(hv, "xen_nop");
    expect(hv.listOp(1, 1, 1000, 0).entries[0]).toMatchObject({ name: "xen_nop", state: APPLIED, rc: 0 });
  });

  it("argument checks in Xen's order: op flags, nr > 1024, pad, idx", () => {
    expect(hv.listOp(0, 1025, 1000, 1000).rc).toBe(-E2BIG);
    expect(hv.listOp(0, 1024, 1000, 1000).rc).toBe(3);
    // E2BIG comes before the pad and idx checks; the flags test before everything.
    expect(hv.listOp(99, 1025, 0, 0, { pad: 1 }).rc).toBe(-E2BIG);
    expect(hv.listOp(0, 1025, 0, 0, { opFlags: 2 }).rc).toBe(-EINVAL);
    expect(hv.listOp(0, 1, 1000, 1000, { pad: 1 }).rc).toBe(-EINVAL);
    expect(hv.listOp(0, 0, 0, 0, { pad: 0x80000000 }).rc).toBe(-EINVAL);
    expect(hv.listOp(3, 1, 1000, 1000).rc).toBe(-EINVAL);
    expect(hv.listOp(3, 0, 0, 0).rc).toBe(-EINVAL);
    expect(hv.listOp(2, 1, 1000, 1000).rc).toBe(1);
    // A refused call hands the struct back unchanged (version not stamped).
    expect(hv.listOp(5, 2, 11, 22)).toEqual({ rc: -EINVAL, idx: 5, nr: 2, version: 0, nameTotal: 11, metaTotal: 22, entries: [] });
    const checks = failures(hv).filter((e) => e.payload === null).map((e) => [e.op, e.rule, e.rc, e.rcKind]);
    expect(checks).toEqual([
      ["LIST", "list-nr-too-large", -E2BIG, "hypercall"],
      ["LIST", "list-nr-too-large", -E2BIG, "hypercall"],
      ["LIST", "op-flags-invalid", -EINVAL, "hypercall"],
      ["LIST", "list-pad-nonzero", -EINVAL, "hypercall"],
      ["LIST", "list-pad-nonzero", -EINVAL, "hypercall"],
      ["LIST", "list-idx-out-of-range", -EINVAL, "hypercall"],
      ["LIST", "list-idx-out-of-range", -EINVAL, "hypercall"],
      ["LIST", "list-idx-out-of-range", -EINVAL, "hypercall"],
    ]);
  });

  it("-ENOBUFS when a capacity is short; remaining comes out one too small", () => {
    const { nameTotal, metaTotal } = probe();
    const short = hv.listOp(0, 3, nameTotal - 1, metaTotal);
    // hello and nop fit; bye_world's name does not. Two were written, one is really left,
    // but the entry that did not fit was already counted: nr says 0.
    expect(short).toMatchObject({ rc: -ENOBUFS, nr: 0, nameTotal: nameBytes("xen_hello_world") + nameBytes("xen_nop") });
    expect(short.entries.map((e) => e.name)).toEqual(["xen_hello_world", "xen_nop"]);
    // Metadata: hello's .modinfo needs modinfoSize bytes; one less fails at the first entry.
    const meta = hv.listOp(0, 3, nameTotal, metaTotal - 1);
    expect(meta).toMatchObject({ rc: -ENOBUFS, nr: 2, entries: [] });
    // From idx 1 the skipped entry counts as walked too: nop fits, bye does not → nr 0.
    expect(hv.listOp(1, 2, nameBytes("xen_nop"), 0)).toMatchObject({ rc: -ENOBUFS, nr: 0 });
    const ret = eventsOf(hv, "hypercall-return").filter((e) => e.ret === -ENOBUFS);
    expect(ret.map((e) => e.op === "LIST" && e.list)).toEqual([
      { written: 2, remaining: 0, version: 4, nameTotal: nameBytes("xen_hello_world") + nameBytes("xen_nop"), metaTotal: expect.any(Number) },
      { written: 0, remaining: 2, version: 4, nameTotal: 0, metaTotal: 0 },
      { written: 1, remaining: 0, version: 4, nameTotal: nameBytes("xen_nop"), metaTotal: 0 },
    ]);
  });

  it("the FORCE quirk: unknown op flag bits pass only when FORCE is set", () => {
    expect(hv.listOp(0, 0, 0, 0, { opFlags: 2 }).rc).toBe(-EINVAL);
    expect(hv.listOp(0, 0, 0, 0, { opFlags: 0x80000000 }).rc).toBe(-EINVAL);
    expect(hv.listOp(0, 0, 0, 0, { opFlags: FORCE }).rc).toBe(0);
    expect(hv.listOp(0, 3, 1000, 1000, { opFlags: FORCE | 2 | 0x80000000 }).rc).toBe(3);
  });

  it("LIST is logged as a hypercall and its return", () => {
    hv.events();
    const before = hv.events().length;
    hv.listOp(0, 0, 0, 0);
    hv.listOp(0, 3, 1, 0);
    const evs = hv.events().slice(before);
    expect(evs).toMatchObject([
      { kind: "hypercall", op: "LIST", args: { idx: 0, nr: 0, nameCap: 0, metaCap: 0, pad: 0, opFlags: 0 } },
      { kind: "hypercall-return", op: "LIST", ret: 0, list: { written: 0, remaining: 3, version: 4, metaTotal: 16 } },
      { kind: "hypercall", op: "LIST", args: { idx: 0, nr: 3, nameCap: 1, metaCap: 0 } },
      { kind: "hypercall-return", op: "LIST", ret: -ENOBUFS, list: { written: 0, remaining: 2, version: 4 } },
    ]);
  });
});

describe("GET as a hypercall", () => {
  it("returns state and rc, logs hypercall + return, and checks op flags and the name pad", () => {
    upload(hv, X, "xen_nop");
    const before = hv.events().length;
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(hv.get("nope")).toEqual({ ret: -ENOENT, state: 0, rc: 0 });
    const evs = hv.events().slice(before);
    expect(evs.map((e) => e.kind)).toEqual(["hypercall", "hypercall-return", "hypercall", "check-failed", "hypercall-return"]);
    expect(evs).toMatchObject([
      { kind: "hypercall", op: "GET", payload: "xen_nop" },
      { kind: "hypercall-return", op: "GET", payload: "xen_nop", ret: 0, state: "CHECKED", statusRc: 0 },
      { kind: "hypercall", op: "GET", payload: "nope" },
      { kind: "check-failed", op: "GET", payload: "nope", rule: "payload-not-found", rc: -ENOENT, rcKind: "hypercall" },
      { kind: "hypercall-return", op: "GET", payload: "nope", ret: -ENOENT },
    ]);
    expect(evs[4]).not.toHaveProperty("state");
    expect(hv.get("xen_nop", { opFlags: 2 }).ret).toBe(-EINVAL);
    expect(hv.get("xen_nop", { opFlags: FORCE | 2 })).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(hv.get("xen_nop", { namePad: 1 }).ret).toBe(-EINVAL);
    expect(hv.get("nope", { namePad: 1 }).ret).toBe(-EINVAL);
    expect(hv.get("n".repeat(127)).ret).toBe(-ENOENT);
    expect(hv.get("n".repeat(128)).ret).toBe(-EINVAL);
    // Negative status rc survives the packing.
    hv.setCpuDelay(2, 45 * MS);
    apply(hv, "xen_nop");
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: -16 });
  });
});

describe("ACTION and UPLOAD: pad words and op flags", () => {
  it("action.pad is checked first: -EINVAL even for an unknown name; nothing is scheduled", () => {
    upload(hv, X, "xen_nop");
    expect(hv.action("nope", ACTION.APPLY, 0, 0, { pad: 1 })).toBe(-EINVAL);
    expect(hv.action("x".repeat(200), ACTION.APPLY, 0, 0, { pad: 1 })).toBe(-EINVAL);
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0, { pad: 0x100 })).toBe(-EINVAL);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(eventsOf(hv, "rendezvous").filter((e) => e.phase === "scheduled")).toHaveLength(0);
    expect(failures(hv).map((e) => [e.payload, e.rule, e.rc])).toEqual([
      ["nope", "action-pad-nonzero", -EINVAL],
      ["x".repeat(200), "action-pad-nonzero", -EINVAL],
      ["xen_nop", "action-pad-nonzero", -EINVAL],
    ]);
  });

  it("the name's pad[] gives -EINVAL before the payload lookup", () => {
    upload(hv, X, "xen_nop");
    expect(hv.action("nope", ACTION.APPLY, 0, 0, { namePad: 1 })).toBe(-EINVAL);
    expect(hv.action("xen_nop", ACTION.UNLOAD, 0, 0, { namePad: 0x10000 })).toBe(-EINVAL);
    expect(hv.get("xen_nop").state).toBe(CHECKED);
    expect(hv.action("nope", ACTION.APPLY, 0, 0)).toBe(-ENOENT);
  });

  it("op flags: unknown bits refused unless FORCE is set, for every op", () => {
    upload(hv, X, "xen_nop");
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0, { opFlags: 2 })).toBe(-EINVAL);
    // The flags test comes before the action's own pad test (its check event says which).
    expect(hv.action("xen_nop", ACTION.APPLY, 0, 0, { opFlags: 2, pad: 1 })).toBe(-EINVAL);
    expect(failures(hv).map((e) => e.rule)).toEqual(["op-flags-invalid", "op-flags-invalid"]);
    expect(hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0, { opFlags: FORCE | 6 })).toBe(0);
    hv.advance(60 * MS);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    const call = eventsOf(hv, "hypercall").find((e) => e.op === "ACTION" && e.args.opFlags === 7);
    expect(call).toMatchObject({ args: { action: "APPLY", cmd: 3, timeout: 30 * MS, flags: 0, pad: 0, opFlags: 7, namePad: 0 } });

    const v = probe().version;
    expect(hv.upload("a", sample(`${X}/xen_dup_a.livepatch`), 2)).toBe(-EINVAL);
    expect(hv.upload("a", sample(`${X}/xen_dup_a.livepatch`), 0, { namePad: 1 })).toBe(-EINVAL);
    expect(probe().version).toBe(v);
    expect(hv.list().map((e) => e.name)).toEqual(["xen_nop"]);
    expect(hv.upload("a", sample(`${X}/xen_dup_a.livepatch`), FORCE | 2)).toBe(0);
    expect(probe().version).toBe(v + 1);
  });
});

describe("ACTION: a cmd Xen does not know", () => {
  // xen/common/livepatch.c livepatch_action(): pad, get_name(), find_payload() (-ENOENT),
  // is_work_scheduled() (-EBUSY), then `switch ( action->cmd )` whose default is
  // `rc = -EOPNOTSUPP; break;` with no printk. LIVEPATCH_ACTION_UNLOAD..REPLACE are 1..4
  // (xen/include/public/sysctl.h).
  it("-EOPNOTSUPP with a typed failure and no console line, after the lookup and the -EBUSY test", () => {
    upload(hv, X, "xen_nop");
    const before = hv.consoleLines().length;
    expect(hv.action("xen_nop", 7 as 1, 0, 0)).toBe(-EOPNOTSUPP);
    expect(hv.action("xen_nop", 0 as 1, 0, 0)).toBe(-EOPNOTSUPP);
    expect(hv.action("xen_nop", 0xffffffff as 1, 0, 0)).toBe(-EOPNOTSUPP);
    expect(hv.consoleLines().length).toBe(before);
    expect(failures(hv).map((e) => [e.payload, e.rule, e.op, e.rc, e.rcKind])).toEqual([
      ["xen_nop", "action-cmd-unknown", "ACTION", -EOPNOTSUPP, "hypercall"],
      ["xen_nop", "action-cmd-unknown", "ACTION", -EOPNOTSUPP, "hypercall"],
      ["xen_nop", "action-cmd-unknown", "ACTION", -EOPNOTSUPP, "hypercall"],
    ]);
    expect(failures(hv).map((e) => e.explanation)).toEqual([
      "cmd 7 is not an action Xen knows (UNLOAD 1, REVERT 2, APPLY 3, REPLACE 4); Xen returns -EOPNOTSUPP without a message",
      "cmd 0 is not an action Xen knows (UNLOAD 1, REVERT 2, APPLY 3, REPLACE 4); Xen returns -EOPNOTSUPP without a message",
      "cmd 4294967295 is not an action Xen knows (UNLOAD 1, REVERT 2, APPLY 3, REPLACE 4); Xen returns -EOPNOTSUPP without a message",
    ]);
    expect(hv.get("xen_nop")).toEqual({ ret: 0, state: CHECKED, rc: 0 });

    // The lookup and the scheduled-work test come first.
    expect(hv.action("nope", 7 as 1, 0, 0)).toBe(-ENOENT);
    expect(hv.action("xen_nop", ACTION.APPLY, 30 * MS, 0)).toBe(0);
    expect(hv.action("xen_nop", 7 as 1, 0, 0)).toBe(-EBUSY);
    expect(failures(hv).slice(3).map((e) => [e.payload, e.rule, e.rc])).toEqual([
      ["nope", "payload-not-found", -ENOENT],
      ["xen_nop", "action-already-scheduled", -EBUSY],
    ]);
  });
});

describe("hypercall events name their sub-op", () => {
  it("every hypercall event, and every GET/LIST return, says which op it was", () => {
    upload(hv, X, "xen_nop");
    hv.get("xen_nop");
    hv.get("nope", { opFlags: 2 });
    hv.listOp(0, 0, 0, 0);
    hv.listOp(0, 2000, 0, 0);
    apply(hv, "xen_nop");
    const calls = eventsOf(hv, "hypercall").map((e) => e.op);
    expect(calls).toEqual(["UPLOAD", "GET", "GET", "LIST", "LIST", "ACTION"]);
    const returns = eventsOf(hv, "hypercall-return").map((e) => [e.op, e.ret]);
    expect(returns).toEqual([
      ["UPLOAD", 0],
      ["GET", 0],
      ["GET", -EINVAL],
      ["LIST", 0],
      ["LIST", -E2BIG],
      ["ACTION", 0],
    ]);
  });
});
