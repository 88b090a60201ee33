// Scenario steps ↔ timeline cursor, including steps that run nothing (the timeout knob).
import { describe, expect, it } from "vitest";
import type { InputRecord, SimInput } from "../simulator/types.ts";
import { cursorForStep, stepAtCursor } from "./stepCursor.ts";

const input = (line: string): SimInput => ({ kind: "console", line, via: "console" });
const rec = (line: string, eventsFrom: number, eventsTo: number): InputRecord => ({ input: input(line), output: "", status: 0, eventsFrom, eventsTo });

// Steps: upload (3 events), timeout knob (no input), apply (5 events), list (0 events).
const inputs = [input("upload"), null, input("apply"), input("list")];
const records = [rec("upload", 0, 3), rec("apply", 3, 8), rec("list", 8, 8)];

describe("step cursor", () => {
  it("puts each step at the end of its input's events", () => {
    expect([0, 1, 2, 3, 4].map((k) => cursorForStep(records, inputs, k))).toEqual([0, 4, 4, 10, 11]);
  });

  it("clamps to the records the session has (after a failed run)", () => {
    expect(cursorForStep(records.slice(0, 1), inputs, 4)).toBe(4);
    expect(cursorForStep([], inputs, 3)).toBe(0);
  });

  it("finds the step a cursor is in", () => {
    expect([0, 1, 4, 5, 9, 10, 11].map((c) => stepAtCursor(records, inputs, c))).toEqual([0, 1, 1, 3, 3, 3, 4]);
  });
});
