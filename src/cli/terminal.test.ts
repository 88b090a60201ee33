// What the CLI's JSON carries for a name's byte that is not UTF-8: the text \xNN its text output
// shows, not the lone surrogate U+DC80 + byte the tool holds it as. Expected JSON by hand.
import { describe, expect, it } from "vitest";
import { jsonTerminalSafe, terminalSafe } from "./terminal.ts";

describe("a name's byte that is not UTF-8, in the CLI's output", () => {
  it("JSON: \\udcff becomes the string \\xff; an escaped backslash before 'udcff' is left as it is", () => {
    const name = "hello\udcffworld\udcc3count";
    expect(JSON.stringify({ name })).toBe('{"name":"hello\\udcffworld\\udcc3count"}');
    expect(jsonTerminalSafe(JSON.stringify({ name }))).toBe('{"name":"hello\\\\xffworld\\\\xc3count"}');
    expect(JSON.parse(jsonTerminalSafe(JSON.stringify({ name })))).toEqual({ name: "hello\\xffworld\\xc3count" });
    // the text backslash, "udcff" (no surrogate): JSON \\udcff, unchanged
    expect(jsonTerminalSafe(JSON.stringify({ name: "a\\udcff" }))).toBe('{"name":"a\\\\udcff"}');
    // an escaped backslash, then the surrogate
    expect(JSON.parse(jsonTerminalSafe(JSON.stringify({ name: "\\\udcff" })))).toEqual({ name: "\\\\xff" });
  });

  it("text: the same \\xff", () => {
    expect(terminalSafe("hello\udcffworld\udcc3count\n")).toBe("hello\\xffworld\\xc3count\n");
  });
});
