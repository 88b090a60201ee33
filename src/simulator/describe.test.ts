// The simulator log's line for an APPLY/REVERT write names the funcs record as every finding does.
import { describe, expect, it } from "vitest";
import type { HvEvent, WriteEvent } from "../protocol/hypervisor.ts";
import { describeEvent } from "./describe.ts";

const write = (name: string): WriteEvent => ({
  kind: "write", t: 0, cpu: 0, payload: "p", addr: "0xffff82d040200000", old: "f30f1efa55", new: "0f1f440000",
  func: { index: 2, name }, by: "apply", insn: "nop",
});

describe("describeEvent: write", () => {
  it("names the record funcs[<index>] (<name>), (unnamed) when it has no name", () => {
    expect(describeEvent(write("xen_extra_version"))).toBe("funcs[2] (xen_extra_version): NOP-out at 0xffff82d040200000: f30f1efa55 → 0f1f440000");
    expect(describeEvent(write(""))).toBe("funcs[2] (unnamed): NOP-out at 0xffff82d040200000: f30f1efa55 → 0f1f440000");
  });

  it("a nameless record takes the name every view gives it (Xen's xen_nop: xen_minor_version), its own name first", () => {
    const target = (payload: string, index: number) => (payload === "p" && index === 2 ? "xen_minor_version" : null);
    expect(describeEvent(write(""), target)).toBe("funcs[2] (xen_minor_version): NOP-out at 0xffff82d040200000: f30f1efa55 → 0f1f440000");
    expect(describeEvent(write("xen_extra_version"), target)).toBe("funcs[2] (xen_extra_version): NOP-out at 0xffff82d040200000: f30f1efa55 → 0f1f440000");
    expect(describeEvent(write(""), () => null)).toBe("funcs[2] (unnamed): NOP-out at 0xffff82d040200000: f30f1efa55 → 0f1f440000");
  });
});

describe("describeEvent: check-failed", () => {
  // As the wasm words it (funcs.ts): it holds no image names, so a nameless record is (unnamed).
  const failed = (name?: string): HvEvent => ({
    kind: "check-failed", t: 0, cpu: -1, payload: "p", rule: "func-too-small", op: "APPLY", rc: -22, rcKind: "hypercall",
    explanation: `funcs[0] (${name || "unnamed"}): old_size 3 is too small (needs 5); Xen returns this without a message`,
    func: name === undefined ? { index: 0 } : { index: 0, name },
  });
  const target = (payload: string, index: number) => (payload === "p" && index === 0 ? "xen_minor_version" : null);

  it("a nameless record in the explanation takes the name every view gives it", () => {
    expect(describeEvent(failed(), target)).toBe("func-too-small: funcs[0] (xen_minor_version): old_size 3 is too small (needs 5); Xen returns this without a message (hypercall return −EINVAL (22))");
  });

  it("a named record, or no name known, keeps the wasm's words", () => {
    expect(describeEvent(failed("xen_extra_version"), target)).toContain("funcs[0] (xen_extra_version): old_size 3");
    expect(describeEvent(failed(), () => null)).toContain("funcs[0] (unnamed): old_size 3");
  });
});
