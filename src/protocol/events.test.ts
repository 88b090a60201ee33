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
});
