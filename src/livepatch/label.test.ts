// The label every view gives a livepatch_func (expected values read off readelf -r by hand).
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { readSample } from "../test-support/samples.ts";
import { analyzePayload } from "./index.ts";
import { funcLabel } from "./label.ts";
import type { LivepatchFunc } from "./types.ts";

const first = (rel: string) => analyzePayload(parseElf(readSample(rel)))!.funcs[0];

describe("funcLabel", () => {
  it("is the record's name when it has one", () => {
    expect(funcLabel(first("x86_64/xen_hello_world.livepatch"))).toBe("xen_extra_version");
  });
  it("with a NULL name, is the symbol old_addr is relocated against, with its addend", () => {
    const fn = first("x86_64/xen_hello_world.livepatch");
    const unnamed = (addend: bigint): LivepatchFunc => ({ ...fn, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "symbol", symbol: "xen_minor_version", addend, defined: false } } });
    expect(funcLabel(unnamed(0n))).toBe("xen_minor_version");
    expect(funcLabel(unnamed(4n))).toBe("xen_minor_version+0x4");
  });
  it("with a NULL name and an absolute old_addr (Xen's xen_nop), is its index", () => {
    const fn = first("x86_64/xen_hello_world.livepatch");
    expect(funcLabel({ ...fn, index: 3, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "absolute", value: 0xffff82d040200110n } } })).toBe("#3");
  });
});
