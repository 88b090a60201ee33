import { describe, expect, it } from "vitest";
import { availability } from "./availability.ts";

const enabled = (xs: ReturnType<typeof availability>) => xs.filter((x) => x.reason === null).map((x) => x.action);

describe("action availability", () => {
  it("follows Xen's state machine", () => {
    expect(enabled(availability({ name: "a", state: "none", stack: [], file: "a.livepatch", inFlight: false }))).toEqual(["UPLOAD"]);
    expect(enabled(availability({ name: "a", state: "none", stack: [], file: null, inFlight: false }))).toEqual([]);
    expect(enabled(availability({ name: "a", state: "CHECKED", stack: [], file: "a.livepatch", inFlight: false }))).toEqual(["APPLY", "REPLACE", "UNLOAD"]);
    expect(enabled(availability({ name: "a", state: "APPLIED", stack: ["a"], file: null, inFlight: false }))).toEqual(["REVERT"]);
    expect(enabled(availability({ name: "a", state: "unloaded", stack: [], file: "a.livepatch", inFlight: false }))).toEqual(["UPLOAD"]);
  });

  it("names the top of the stack when a revert would be out of order", () => {
    const r = availability({ name: "xen_hello_world", state: "APPLIED", stack: ["xen_hello_world", "xen_bye_world"], file: null, inFlight: false });
    expect(r.find((x) => x.action === "REVERT")!.reason).toBe("REVERT only the top of the applied stack: xen_bye_world");
    expect(r.find((x) => x.action === "UNLOAD")!.reason).toBe("UNLOAD needs CHECKED: revert xen_hello_world first");
  });

  it("holds actions while one is in flight", () => {
    const r = availability({ name: "a", state: "CHECKED", stack: [], file: null, inFlight: true });
    expect(r.find((x) => x.action === "APPLY")!.reason).toBe("an action on a is still in progress");
  });
});
