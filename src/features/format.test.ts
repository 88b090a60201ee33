import { describe, expect, it } from "vitest";
import { grouped } from "./format.ts";

describe("grouped", () => {
  it.each([0, 7, 999, 1000, 12345, 1_800_000, 123456789012, -4500, 1.5, -1234.25, Number.MAX_SAFE_INTEGER])("spells %d as en-US does", (n) => {
    expect(grouped(n)).toBe(n.toLocaleString("en-US", { maximumFractionDigits: 20 }));
  });
  it("leaves NaN, infinities and exponent forms alone", () => {
    expect(grouped(NaN)).toBe("NaN");
    expect(grouped(Infinity)).toBe("Infinity");
    expect(grouped(1e21)).toBe("1e+21");
  });
});
