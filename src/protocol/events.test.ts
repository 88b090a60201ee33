import { describe, expect, it } from "vitest";
import { decodeEvents } from "./events.ts";

describe("the event decoder", () => {
  it("turns JSON lines into typed events, sub-kinds included", () => {
    const evs = decodeEvents(
      '{"t":5,"cpu":0,"kind":"rendezvous","payload":"p","phase":"master","deadline":30000005,"timeout":30000000,"cpus":3}\n' +
        '{"t":9,"cpu":1,"kind":"write","payload":"p","addr":"0x10","old":"00","new":"e9","func":{"index":0,"name":"f"},"by":"apply","insn":"branch","target":"0x20"}\n' +
        '{"t":9,"cpu":0,"kind":"check-failed","payload":"p","rule":"expect-mismatch","op":"APPLY","rc":-22,"rcKind":"hypercall","explanation":"x","func":{"index":2}}',
    );
    expect(evs.map((e) => e.kind)).toEqual(["rendezvous", "write", "check-failed"]);
    const [rv, w, f] = evs;
    expect(rv.kind === "rendezvous" && rv.phase === "master" && rv.deadline).toBe(30000005);
    expect(w.kind === "write" && w.func.name).toBe("f");
    expect(f.kind === "check-failed" && f.func).toEqual({ index: 2 });
  });

  it("rejects what its kind does not allow", () => {
    const base = '"t":1,"cpu":0,"payload":null';
    expect(() => decodeEvents("[1]")).toThrow(/not an object/);
    expect(() => decodeEvents(`{${base},"kind":"bogus"}`)).toThrow(/unknown kind/);
    expect(() => decodeEvents(`{"cpu":0,"kind":"cpus","payload":null,"online":2}`)).toThrow(/field 't'/);
    expect(() => decodeEvents(`{${base},"kind":"rendezvous","phase":"sideways"}`)).toThrow(/unknown phase/);
    expect(() => decodeEvents(`{${base},"kind":"rendezvous","phase":"master","deadline":"soon","timeout":1,"cpus":1}`)).toThrow(/field 'deadline'/);
    expect(() => decodeEvents(`{${base},"kind":"state","state":"BOGUS","statusRc":0}`)).toThrow(/field 'state'/);
    expect(() => decodeEvents(`{${base},"kind":"check-failed","rule":"r","op":"APPLY","rc":-22,"rcKind":"later","explanation":""}`)).toThrow(/field 'rcKind'/);
    expect(() => decodeEvents(`{${base},"kind":"write","addr":"0x1","old":"","new":"","func":{"index":"0","name":""},"by":"apply","insn":"nop"}`)).toThrow(/field 'func'/);
  });

  it("reads the compact write line as the same event its JSON form gives", () => {
    const json =
      '{"t":9,"cpu":1,"kind":"write","payload":"p","addr":"0x10","old":"0011223344","new":"e9fb0f0000","func":{"index":3,"name":"f"},"by":"apply","insn":"branch","target":"0x1010"}';
    const compact = "W9,1,b,3,0x10,0011223344,e9fb0f0000,0x1010,1:p1:f";
    expect(decodeEvents(compact)).toStrictEqual(decodeEvents(json));
    // Counted strings hold any character; a NOP-out has no target, a revert restores.
    const [nop, back, after] = decodeEvents('W12,-1,n,0,0xffff82d040200000,4889e5,0f1f00,,4:a,b\n4:x\ny,\nW13,0,r,0,0xffff82d040200000,0f1f00,4889e5,,4:a,b\n0:\n{"t":14,"cpu":0,"kind":"cpus","payload":null,"online":2}');
    expect(nop).toStrictEqual({ t: 12, cpu: -1, kind: "write", payload: "a,b\n", addr: "0xffff82d040200000", old: "4889e5", new: "0f1f00", func: { index: 0, name: "x\ny," }, by: "apply", insn: "nop" });
    expect(back).toStrictEqual({ t: 13, cpu: 0, kind: "write", payload: "a,b\n", addr: "0xffff82d040200000", old: "0f1f00", new: "4889e5", func: { index: 0, name: "" }, by: "revert", insn: "restore" });
    expect(after).toStrictEqual({ t: 14, cpu: 0, kind: "cpus", payload: null, online: 2 });
    // AArch64's BRK #2 in place of a branch Xen could not encode (k) carries the target it could not reach.
    const brkJson =
      '{"t":9,"cpu":0,"kind":"write","payload":"p","addr":"0xa0000200150","old":"e0030032","new":"400020d4","func":{"index":0,"name":"f"},"by":"apply","insn":"brk","target":"0xa0001000062"}';
    expect(decodeEvents("W9,0,k,0,0xa0000200150,e0030032,400020d4,0xa0001000062,1:p1:f")).toStrictEqual(decodeEvents(brkJson));
  });

  it("rejects a malformed compact write line", () => {
    for (const bad of [
      "W9,1,x,3,0x10,00,e9,,1:p1:f", // unknown kind letter
      "W9,1,b,3,0x10,00,e9,,1:p1:f", // a branch without its target
      "W9,1,n,3,0x10,00,e9,0x20,1:p1:f", // a NOP-out with one
      "W9,1,k,3,0x10,00,e9,,1:p1:f", // a BRK without the branch's target
      "W9,1,n,3,10,00,e9,,1:p1:f", // address without 0x
      "W9,1,n,3,0x10,0G,e9,,1:p1:f", // not hex
      "W9,1,n,3,0x10,00,e9,,5:p1:f", // count past the end
      "W9,1,n,3,0x10,00,e9,,1:p1:fx", // trailing characters
      "W,1,n,3,0x10,00,e9,,1:p1:f", // no time
    ])
      expect(() => decodeEvents(bad), bad).toThrow(/compact write line/);
  });
});
