import { describe, expect, it } from "vitest";
import { shortBuildId } from "./shortBuildId.ts";

// readelf -n public/samples/x86_64/xen-syms: Build ID edb3406f68fc5942d2ae9b0188056f8b25bc2910;
// readelf -x .livepatch.xen_depends public/samples/x86_64/xen_wrong_xen_buildid.livepatch: the
// same bytes but the last two, 25bc29ef.
const IMAGE = "edb3406f68fc5942d2ae9b0188056f8b25bc2910";
const WRONG_DEPENDS = "edb3406f68fc5942d2ae9b0188056f8b25bc29ef";

describe("shortBuildId", () => {
  it("keeps the first 8 and the last 4 hex digits", () => {
    expect(shortBuildId(IMAGE)).toBe("edb3406f…2910");
    expect(shortBuildId(WRONG_DEPENDS)).toBe("edb3406f…29ef");
  });
  it("tells apart two ids that differ only at the end, which the first 8 digits did not", () => {
    expect(IMAGE.slice(0, 8)).toBe(WRONG_DEPENDS.slice(0, 8));
    expect(shortBuildId(IMAGE)).not.toBe(shortBuildId(WRONG_DEPENDS));
  });
  it("returns an id too short to gain from shortening whole", () => {
    expect(shortBuildId("0123456789abc")).toBe("0123456789abc");
    expect(shortBuildId("0123456789abcd")).toBe("01234567…abcd");
    expect(shortBuildId("")).toBe("");
  });
});
