// The editor's draft kept in this browser: read back only when it passes the validator, in the
// form of its own version; anything else is removed and the reason is said.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DRAFT_KEY, readStoredDraft, storeDraft } from "./scenarioDraft.ts";
import type { ScenarioDraft } from "../scenarios/index.ts";

const draft: ScenarioDraft = {
  title: "Across a reload",
  summary: "",
  image: "x86_64/xen-syms",
  payloads: ["x86_64/xen_hello_world.livepatch"],
  cpus: 4,
  steps: [{ title: "", command: "upload xen_hello_world xen_hello_world.livepatch", explain: "", original: null }],
};

let items: Map<string, string>;
beforeEach(() => {
  items = new Map();
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the scenario draft in localStorage", () => {
  it("is stored with its version and read back as it was; null removes it", async () => {
    expect(await readStoredDraft()).toEqual({ draft: null, problem: null });
    storeDraft(draft);
    expect(JSON.parse(items.get(DRAFT_KEY)!)).toEqual({ version: 1, draft });
    expect(await readStoredDraft()).toEqual({ draft, problem: null });
    storeDraft(null);
    expect(items.has(DRAFT_KEY)).toBe(false);
  });

  it.each([
    ["not JSON", "{", "it is not JSON"],
    ["not an object", "[1]", "it is not a JSON object"],
    ["without a version", JSON.stringify({ draft }), "it has no version; this page reads version 1"],
    ["of another version", JSON.stringify({ version: 2, draft }), "its version is 2; this page reads version 1"],
    ["failing the validator", JSON.stringify({ version: 1, draft: { ...draft, title: 5, payloads: ["/etc/passwd"] } }), "title: must be a string; payloads[0]: must be a sample path such as x86_64/xen_hello_world.livepatch"],
    [
      "with more problems than the note names",
      JSON.stringify({ version: 1, draft: { ...draft, title: 1, summary: 2, image: 3, cpus: "x" } }),
      "title: must be a string; summary: must be a string; image: must be a string; and 1 more",
    ],
  ])("%s: dropped (removed from storage), saying why", async (_, text, why) => {
    items.set(DRAFT_KEY, text);
    expect(await readStoredDraft()).toEqual({ draft: null, problem: `The scenario draft kept in this browser could not be read, so it was dropped: ${why}.` });
    expect(items.has(DRAFT_KEY)).toBe(false);
  });

  it("no storage (private mode): no draft, no problem, and keeping one does not throw", async () => {
    vi.stubGlobal("localStorage", {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    });
    expect(await readStoredDraft()).toEqual({ draft: null, problem: null });
    expect(() => storeDraft(draft)).not.toThrow();
  });
});
