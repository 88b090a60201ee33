import { describe, expect, it } from "vitest";
import { tokenize } from "./console.ts";
import { quoteWord, suggestedCommand } from "./suggest.ts";

// Payload names as xen-livepatch's load_func() makes them (basename, cut at the last '.'),
// worked out by hand for each file name below. Build-ids are the x86_64 samples' (readelf -n and
// readelf -x .livepatch.depends): hello world and nop depend on Xen's, bye world on hello world's.
// .livepatch.xen_depends (readelf -x): Xen's in each of those; xen_wrong_xen_buildid's differs in
// its last byte (…25bc29ef), and xen_no_xen_buildid has no such section (readelf -S).
const XEN = "edb3406f68fc5942d2ae9b0188056f8b25bc2910";
const WRONG_XEN = "edb3406f68fc5942d2ae9b0188056f8b25bc29ef";
const HELLO = "b459f5e84266ecbd9de4c35c4724b4ed63b84c51";
const BYE = "65a1bdefa522ad572c740772676efb5313c6a878";
const none = () => false;
const onXen = (...names: string[]) => names.map((name) => ({ name, depends: XEN, xenDepends: XEN }));
const holding = (...names: string[]) => (n: string) => names.includes(n);
// build_id_dep(): against the hypervisor while applied_list is empty, else its last entry;
// check_xen_buildid(): always against Xen's.
const bare = { against: "hypervisor", buildId: XEN, xenBuildId: XEN };
const onHello = { against: "xen_hello_world", buildId: HELLO, xenBuildId: XEN };
const onBye = { against: "xen_bye_world", buildId: BYE, xenBuildId: XEN };

describe("suggestedCommand", () => {
  it("suggests nothing without a payload file: the hint then says how to get one", () => {
    expect(suggestedCommand([], none, bare)).toBeNull();
  });

  it("loads the first payload file Xen does not hold", () => {
    const files = onXen("xen_hello_world.livepatch", "xen_nop.livepatch");
    expect(suggestedCommand(files, none, bare)).toBe("load xen_hello_world.livepatch");
    // Xen still holds hello world CHECKED (its apply failed), so nothing is applied.
    expect(suggestedCommand(files, holding("xen_hello_world"), bare)).toBe("load xen_nop.livepatch");
  });

  it("offers only a payload whose .livepatch.depends is the build-id APPLY checks against", () => {
    const files = [
      { name: "xen_bye_world.livepatch", depends: HELLO, xenDepends: XEN },
      { name: "xen_hello_world.livepatch", depends: XEN, xenDepends: XEN },
      { name: "xen_nop.livepatch", depends: XEN, xenDepends: XEN },
    ];
    // Nothing applied: against Xen, so not bye world (its apply would fail -EINVAL).
    expect(suggestedCommand(files, none, bare)).toBe("load xen_hello_world.livepatch");
    // Hello world applied: against hello world, so bye world, not nop (whose depends is Xen's).
    expect(suggestedCommand(files, holding("xen_hello_world"), onHello)).toBe("load xen_bye_world.livepatch");
    // Bye world on top: nop's apply would be refused, so nothing to load.
    expect(suggestedCommand(files, holding("xen_hello_world", "xen_bye_world"), onBye)).toBe("list");
    // A file without .livepatch.depends is refused at upload (-EINVAL): never offered.
    expect(suggestedCommand([{ name: "nodeps.livepatch", depends: null, xenDepends: XEN }], none, bare)).toBe("list");
    // Xen has no build-id: every UPLOAD and APPLY fails -ENODATA.
    expect(suggestedCommand(files, none, { against: "hypervisor", buildId: null, xenBuildId: null })).toBe("list");
  });

  it("offers no payload whose .livepatch.xen_depends UPLOAD would refuse (check_xen_buildid())", () => {
    // Both name Xen's build-id in .livepatch.depends, so APPLY alone would take them.
    const wrong = { name: "xen_wrong_xen_buildid.livepatch", depends: XEN, xenDepends: WRONG_XEN };
    const missing = { name: "xen_no_xen_buildid.livepatch", depends: XEN, xenDepends: null };
    const hello = { name: "xen_hello_world.livepatch", depends: XEN, xenDepends: XEN };
    // "build-id mismatch" and "section .livepatch.xen_depends is missing": -EINVAL at upload.
    expect(suggestedCommand([wrong, missing, hello], none, bare)).toBe("load xen_hello_world.livepatch");
    expect(suggestedCommand([wrong, missing], none, bare)).toBe("list");
  });

  it("without an answer from the backend, offers no load (it cannot tell which one Xen would take)", () => {
    // Bye world on a bare Xen: APPLY would check its depends (hello's build-id) against Xen's
    // and refuse it (build_id_dep(), -EINVAL). The first file Xen does not hold is no safe offer.
    expect(suggestedCommand([{ name: "xen_bye_world.livepatch", depends: HELLO, xenDepends: XEN }], none, null)).toBe("list");
    // A file whose build-ids look right is not vouched for either: whom they are checked against is unknown.
    expect(suggestedCommand(onXen("xen_hello_world.livepatch"), none, null)).toBe("list");
    // The wrong-Xen file UPLOAD refuses (check_xen_buildid()) is never offered.
    expect(suggestedCommand([{ name: "xen_wrong_xen_buildid.livepatch", depends: XEN, xenDepends: WRONG_XEN }], none, null)).toBe("list");
    // Still no payload file: the hint says how to get one.
    expect(suggestedCommand([], none, null)).toBeNull();
  });

  it("lists once Xen holds every payload file's name (load would fail with -EEXIST)", () => {
    expect(suggestedCommand(onXen("xen_hello_world.livepatch", "xen_nop.livepatch"), holding("xen_hello_world", "xen_nop"), bare)).toBe("list");
    // load names the payload by the name cut at the last dot: fix.v2, not fix.
    expect(suggestedCommand(onXen("fix.v2.livepatch"), holding("fix"), bare)).toBe("load fix.v2.livepatch");
    expect(suggestedCommand(onXen("fix.v2.livepatch"), holding("fix.v2"), bare)).toBe("list");
  });

  it("quotes a file name the console would otherwise split or unquote", () => {
    expect(quoteWord("xen_hello_world.livepatch")).toBe("xen_hello_world.livepatch");
    for (const name of ["my patch.livepatch", "it's.livepatch", 'say "hi".livepatch', "back\\slash.livepatch"]) {
      const line = suggestedCommand(onXen(name), none, bare)!;
      expect(tokenize(line)).toEqual(["load", name]);
    }
  });
});
