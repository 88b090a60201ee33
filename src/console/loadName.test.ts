// xen-livepatch's load_func() names a payload basename(path) up to its last '.'; the console and
// the audit's plan must use that name (expected values worked out from basename(3) and strrchr(3)).
import { describe, expect, it } from "vitest";
import { payloadName } from "../audit/context.ts";
import { basename, loadName } from "./loadName.ts";

describe("the name xen-livepatch load uploads under", () => {
  it("cuts at the last dot of the last path component", () => {
    expect(loadName("dir/xen_hello_world.livepatch")).toBe("xen_hello_world");
    expect(loadName("/srv/fix.v2.livepatch")).toBe("fix.v2");
    expect(loadName("a.b/plain")).toBe("plain");
    expect(loadName("dir/")).toBe("dir");
  });
  it("basename() as libgen spells it", () => {
    expect(basename("")).toBe(".");
    expect(basename("///")).toBe("/");
    expect(basename("a/b//")).toBe("b");
  });
  it("the audit's plan names payloads the same way", () => {
    expect(payloadName("x86_64/fix.v1.livepatch")).toBe("fix.v1");
    expect(payloadName("x86_64/fix.v2.livepatch")).toBe("fix.v2");
    // Xen would refuse an empty name: the plan still needs a label for the file.
    expect(payloadName(".livepatch")).toBe("payload");
  });
});
