import { describe, expect, it } from "vitest";
import { shortBuildId } from "./shortBuildId.ts";

// readelf -n public/samples/x86_64/xen-syms: Build ID 4ec75d0c03955d6ceb51a6275c7801ce3d2acc43;
// readelf -x .livepatch.xen_depends public/samples/x86_64/xen_wrong_xen_buildid.livepatch: the
// same bytes but the last two, 3d2accbc.
const IMAGE = "4ec75d0c03955d6ceb51a6275c7801ce3d2acc43";
const WRONG_DEPENDS = "4ec75d0c03955d6ceb51a6275c7801ce3d2accbc";

describe("shortBuildId", () => {
  it("keeps the first 8 and the last 4 hex digits", () => {
    expect(shortBuildId(IMAGE)).toBe("4ec75d0c…cc43");
    expect(shortBuildId(WRONG_DEPENDS)).toBe("4ec75d0c…ccbc");
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
