// The wasm names every failure by a rule id from its own table (assembly/rules.ts); each must be
// in the catalogue that keeps the rules' severity and explanation (src/audit/rules.ts).
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../../src/audit/index.ts";
import { booted } from "./harness.ts";

describe("rule ids", () => {
  it("every id the wasm can emit is in the audit's catalogue, kebab-case, once", async () => {
    const ids = (await booted()).ruleIds();
    expect(ids.length).toBeGreaterThan(80);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(ids.filter((id) => !(id in CATALOGUE))).toEqual([]);
  });
});
