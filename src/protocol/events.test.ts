import { describe, expect, it } from "vitest";
import { parseEventLines, rendezvousDeadline } from "./events.ts";

describe("event lines", () => {
  it("parse into typed events, keeping only documented fields", () => {
    const evs = parseEventLines(
      '{"t":5,"cpu":0,"kind":"rendezvous","payload":"p","rc":null,"phase":"master","note":"deadline=30000005 timeout=30000000 cpus=3"}\n' +
        '{"t":9,"cpu":1,"kind":"write","payload":"p","rc":null,"addr":"0x10","before":"00","after":"e9","state":"BOGUS"}\n',
    );
    expect(evs).toEqual([
      { t: 5, cpu: 0, kind: "rendezvous", payload: "p", rc: null, phase: "master", note: "deadline=30000005 timeout=30000000 cpus=3" },
      { t: 9, cpu: 1, kind: "write", payload: "p", rc: null, addr: "0x10", before: "00", after: "e9" },
    ]);
    expect(rendezvousDeadline(evs[0])).toEqual({ deadline: 30000005, timeout: 30000000, cpus: 3 });
    expect(rendezvousDeadline(evs[1])).toBeNull();
  });

  it("reject lines without t/cpu/kind", () => {
    expect(() => parseEventLines('{"cpu":0,"kind":"x"}')).toThrow(/lacks t\/cpu\/kind/);
    expect(() => parseEventLines("[1]")).toThrow(/not an object/);
  });
});
