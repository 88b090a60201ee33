import { describe, expect, it } from "vitest";
import { commitTyped, typeDigit } from "./scenarioNumber.ts";

/** The keys typed one after another, with Enter as "\n"; the scenarios opened, in order. */
function type(keys: string, count: number): number[] {
  const opened: number[] = [];
  let typed = "";
  for (const k of keys) {
    const r = k === "\n" ? commitTyped(typed) : typeDigit(typed, k, count);
    typed = r.typed;
    if (r.open !== null) opened.push(r.open);
  }
  return opened;
}

describe("scenario numbers typed in presenter mode", () => {
  it("with nine scenarios or fewer, every digit opens its scenario at once", () => {
    expect(type("1", 9)).toEqual([1]);
    expect(type("29", 9)).toEqual([2, 9]);
    expect(type("0", 9)).toEqual([]);
  });

  it("with twelve, 2–9 open at once; 1 waits for a second digit or Enter", () => {
    expect(type("5", 12)).toEqual([5]);
    expect(type("1", 12)).toEqual([]);
    expect(type("1\n", 12)).toEqual([1]);
    expect(type("10", 12)).toEqual([10]);
    expect(type("12", 12)).toEqual([12]);
    expect(type("124", 12)).toEqual([12, 4]);
  });

  it("a number past the catalogue opens nothing and starts afresh", () => {
    expect(type("13", 12)).toEqual([]);
    expect(type("133", 12)).toEqual([3]);
    expect(type("\n", 12)).toEqual([]);
  });
});
