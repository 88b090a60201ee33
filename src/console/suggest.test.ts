import { describe, expect, it } from "vitest";
import { tokenize } from "./console.ts";
import { quoteWord, suggestedCommand } from "./suggest.ts";

// Payload names as xen-livepatch's load_func() makes them (basename, cut at the last '.'),
// worked out by hand for each file name below.
const none = () => false;
const onXen = (...names: string[]) => names.map((name) => ({ name, stacksOnXen: true }));
const holding = (...names: string[]) => (n: string) => names.includes(n);

describe("suggestedCommand", () => {
  it("suggests nothing without a payload file: the hint then says how to get one", () => {
    expect(suggestedCommand([], none)).toBeNull();
  });

  it("loads the first payload file Xen does not hold", () => {
    const files = onXen("xen_hello_world.livepatch", "xen_nop.livepatch");
    expect(suggestedCommand(files, none)).toBe("load xen_hello_world.livepatch");
    expect(suggestedCommand(files, holding("xen_hello_world"))).toBe("load xen_nop.livepatch");
  });

  it("prefers a payload that stacks on Xen to one that stacks on another payload", () => {
    // xen_bye_world's .livepatch.depends is hello world's build-id: loaded first, its apply fails.
    const files = [
      { name: "xen_bye_world.livepatch", stacksOnXen: false },
      { name: "xen_hello_world.livepatch", stacksOnXen: true },
    ];
    expect(suggestedCommand(files, none)).toBe("load xen_hello_world.livepatch");
    expect(suggestedCommand(files, holding("xen_hello_world"))).toBe("load xen_bye_world.livepatch");
  });

  it("lists once Xen holds every payload file's name (load would fail with -EEXIST)", () => {
    expect(suggestedCommand(onXen("xen_hello_world.livepatch", "xen_nop.livepatch"), holding("xen_hello_world", "xen_nop"))).toBe("list");
    // load names the payload by the name cut at the last dot: fix.v2, not fix.
    expect(suggestedCommand(onXen("fix.v2.livepatch"), holding("fix"))).toBe("load fix.v2.livepatch");
    expect(suggestedCommand(onXen("fix.v2.livepatch"), holding("fix.v2"))).toBe("list");
  });

  it("quotes a file name the console would otherwise split or unquote", () => {
    expect(quoteWord("xen_hello_world.livepatch")).toBe("xen_hello_world.livepatch");
    for (const name of ["my patch.livepatch", "it's.livepatch", 'say "hi".livepatch', "back\\slash.livepatch"]) {
      const line = suggestedCommand(onXen(name), none)!;
      expect(tokenize(line)).toEqual(["load", name]);
    }
  });
});
