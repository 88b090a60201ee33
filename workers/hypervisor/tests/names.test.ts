// Names that are not ASCII. Xen holds every name as bytes: the tool passes the name a user typed as
// its UTF-8 bytes, and a payload's symbol names are the bytes of its string table. The host gives
// the wasm those bytes and decodes what the wasm says as UTF-8, so a name reads as the user typed
// it and as the ELF parser reads it (not one character per byte: "cafÃ©").
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { fromXen, toXen } from "../host/api.ts";
import { ACTION, APPLIED, CHECKED, booted, sample } from "./harness.ts";
import { Edit } from "./support/payloads.ts";

describe("non-ASCII names cross the wasm boundary as UTF-8 bytes", () => {
  it("toXen gives one character per UTF-8 byte; fromXen takes it back", () => {
    // é is U+00E9, UTF-8 C3 A9; ☃ is U+2603, UTF-8 E2 98 83.
    expect(toXen("café")).toBe("caf\xc3\xa9");
    expect(toXen("☃")).toBe("\xe2\x98\x83");
    expect(fromXen("caf\xc3\xa9")).toBe("café");
    expect(toXen("xen_hello_world")).toBe("xen_hello_world");
    // Not UTF-8 (a lone 0x9b byte): kept as U+DC9B (decodeName()), which escapeName() spells \x9b,
    // not the replacement character, which would lose which byte Xen holds and prints (QA s29 #5).
    expect(fromXen("xen\x9bello")).toBe("xen\udc9bello");
  });

  it("a payload uploaded as café is café in LIST, GET, its events and its writes", async () => {
    const hv = await booted();
    expect(hv.upload("café", sample("x86_64/xen_hello_world.livepatch"))).toBe(0);
    expect(hv.list().map((p) => p.name)).toEqual(["café"]);
    expect(hv.get("café").state).toBe(CHECKED);
    expect(hv.action("café", ACTION.APPLY, 0, 0)).toBe(0);
    hv.advance(60_000_000n);
    expect(hv.get("café").state).toBe(APPLIED);
    const writes = hv.events().filter((e) => e.kind === "write");
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.payload).toBe("café");
    expect(hv.payload("café")?.name).toBe("café");
  });

  it("a symbol named with UTF-8 bytes is named as the ELF parser names it", async () => {
    // xen_hello_world renamed in place to the 10 bytes of "xen_héllo" (é = C3 A9).
    const e = new Edit(sample("x86_64/xen_hello_world.livepatch"));
    e.renameSymbol("xen_hello_world", "xen_h\xc3\xa9llo");
    const parsed = parseElf(e.bytes);
    const names = parsed.symbolTables[0].name;
    expect(names).toContain("xen_héllo");
    const hv = await booted();
    expect(hv.upload("hello", e.bytes)).toBe(0);
    const symbols = hv.payload("hello")?.symbols.map((s) => s.name) ?? [];
    expect(symbols).toContain("xen_héllo");
    expect(symbols.some((n) => n.includes("\xc3"))).toBe(false);
  });
});
