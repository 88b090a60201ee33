// Which output lines a step talks about. The output below is hooks-for-real's step 13 dmesg cut to
// a few lines (as `livepatch-lens sim` prints it); the expected lines are counted by hand.
import { describe, expect, it } from "vitest";
import { referredLines, stepPayload } from "./focus.ts";
import { loadCatalogue } from "./catalogue.ts";
import type { Scenario } from "./schema.ts";
import { readPublic } from "./test-support/session.ts";

const log = [
  "(XEN) livepatch: xen_prepost_hooks: Calling pre-apply hook function", // 0
  "(XEN) pre-apply hook", // 1
  "(XEN) livepatch: xen_warn_bug: Calling pre-apply hook function", // 2
  "(XEN) Xen WARN at payloads/warn_bug.c:36", // 3
  "(XEN) RIP:    e008:[<ffff82d040408031>] warn_bug_pre_apply+0x31/0x4b [xen_warn_bug]", // 4
  "(XEN) rax: 0000000000000000", // 5
  "(XEN)  81 e0 ff 83 fb 01 75 01 <d6> 89 de", // 6
  "(XEN) warn_bug: pre-apply hook call 1 carries on", // 7
  "(XEN) livepatch: xen_warn_bug finished APPLY with rc=0", // 8
].join("\n");

describe("referredLines", () => {
  it("every line a multi-line text spans, each text found after the one before", () => {
    expect(referredLines(log, ["(XEN) livepatch: xen_warn_bug: Calling pre-apply hook function\n(XEN) Xen WARN at", "warn_bug_pre_apply+0x31", "<d6> 89 de", "carries on"])).toEqual([2, 3, 4, 6, 7]);
  });

  it("a text found only before the previous one's end is missing: nothing singled out", () => {
    expect(referredLines(log, ["carries on", "Xen WARN at"])).toEqual([]);
  });

  it("no expected text, or output without it: nothing", () => {
    expect(referredLines(log, undefined)).toEqual([]);
    expect(referredLines(log, ["Xen BUG at"])).toEqual([]);
  });
});

describe("stepPayload", () => {
  // Expected names read by hand from public/scenarios/altcall.json and hooks-for-real.json: each
  // step's highlight list, and the payloads each loads.
  const scenario = async (id: string): Promise<Scenario> => (await loadCatalogue(async (rel) => readPublic(`scenarios/${rel}`))).find((e) => e.id === id)!.scenario!;

  it("the start shows the first payload; a step shows the payload it highlights", async () => {
    const altcall = await scenario("altcall");
    expect(stepPayload(altcall, 0)).toBe("xen_altcall");
    expect(stepPayload(altcall, 9)).toBe("xen_altcall");
    expect(stepPayload(altcall, 11)).toBe("xen_altcall_bad");
    expect(stepPayload(altcall, 12)).toBe("xen_altcall");
  });

  it("a step that highlights no payload chooses none, whatever the step or scenario before chose", async () => {
    // altcall step 10 highlights only the symbol xen_minor_version; hooks-for-real step 8 only xen_extra_version.
    expect(stepPayload(await scenario("altcall"), 10)).toBeNull();
    expect(stepPayload(await scenario("hooks-for-real"), 8)).toBeNull();
  });

  it("a highlighted field names its payload", async () => {
    const altcall = await scenario("altcall");
    const onlyField: Scenario = { ...altcall, steps: [{ ...altcall.steps[0], highlight: [{ kind: "symbol", name: "xen_minor_version" }, { kind: "field", payload: "xen_altcall_bad", func: 0, field: "old_addr" }] }] };
    expect(stepPayload(onlyField, 1)).toBe("xen_altcall_bad");
  });
});
