// Names as readelf prints them: `readelf -sW` on Xen's arm64 xen_hello_world.livepatch lists the
// GNU as local labels its BUG_FRAME()s leave as `.L2^B1` and `.L3^B1` (the name holds byte 0x02).
import { describe, expect, it } from "vitest";
import { targetText } from "./PointerText.tsx";
import type { PointerField } from "../../livepatch/index.ts";

const field = (symbol: string, addend: bigint): PointerField => ({ offset: 0, raw: 0n, reloc: null, target: { kind: "symbol", symbol, addend, defined: true } }) as unknown as PointerField;

describe("targetText", () => {
  it("shows a control character in a symbol name as readelf does", () => {
    expect(targetText(field(".L3\x021", 0n))).toBe(".L3^B1");
    expect(targetText(field(".L2\x021", 8n))).toBe(".L2^B1 + 0x8");
  });
});
