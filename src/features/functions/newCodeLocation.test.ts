// Where the new code's bytes come from. Expected values from `readelf -SsW` of the x86_64 hello
// world sample: xen_hello_world is 8 bytes at offset 0 of [12] .text.xen_hello_world, whose bytes
// start at file offset 0xc0 (48 8d 05 00 00 00 00 c3, objdump -d).
import { describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { analyzePayload } from "../../livepatch/index.ts";
import { sample } from "../../audit/test-support/samples.ts";
import { newCodeLocation } from "./newCodeLocation.ts";
import type { PlacedSection } from "../../protocol/hypervisor.ts";

const elf = parseElf(sample("x86_64/xen_hello_world.livepatch"));
const fn = analyzePayload(elf)!.funcs[0];
const placed: PlacedSection[] = [{ index: 12, name: ".text.xen_hello_world", region: "text", addr: "0xffff82d040400050", size: 8, offset: 0xc0, nobits: false }];
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

describe("new code location", () => {
  it("without a placement: the file's bytes, section-relative", () => {
    const loc = newCodeLocation(fn, [], elf)!;
    expect({ section: loc.section.index, start: loc.start, size: loc.size, base: loc.base, placed: loc.placed, relocated: loc.relocated }).toEqual({ section: 12, start: 0, size: 8, base: 0n, placed: false, relocated: false });
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
  });

  it("placed, without the simulator's bytes: the file's bytes at the placed address", () => {
    const loc = newCodeLocation(fn, placed, elf)!;
    expect({ base: loc.base, placed: loc.placed, relocated: loc.relocated }).toEqual({ base: 0xffff82d040400050n, placed: true, relocated: false });
    expect(hex(loc.bytes)).toBe("48 8d 05 00 00 00 00 c3");
  });

  it("placed, with the simulator's section bytes: those, relocated", () => {
    const run = Uint8Array.from([0x48, 0x8d, 0x05, 0xa9, 0x1f, 0x00, 0x00, 0xc3]);
    const loc = newCodeLocation(fn, placed, elf, [{ index: 12, bytes: run }])!;
    expect(loc.relocated).toBe(true);
    expect(hex(loc.bytes)).toBe("48 8d 05 a9 1f 00 00 c3");
  });

  it("simulator bytes for another section, or too short, are not used", () => {
    expect(newCodeLocation(fn, placed, elf, [{ index: 11, bytes: new Uint8Array(8) }])!.relocated).toBe(false);
    expect(newCodeLocation(fn, placed, elf, [{ index: 12, bytes: new Uint8Array(7) }])!.relocated).toBe(false);
  });
});
