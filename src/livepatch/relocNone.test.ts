// A NONE relocation (type 0) does not set the field it names: Xen's x86 relocation loop skips it
// (xen/arch/x86/livepatch.c, `case R_X86_64_NONE: break;`), so a name pointer with only a NONE
// relocation stays NULL, as if it had none.
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "./analyze.ts";
import { Patch, sample } from "../audit/test-support/samples.ts";

describe("NONE relocations", () => {
  it("leave hello world's name pointer NULL (readelf -r: its .rela.livepatch.funcs[0] sets name)", () => {
    const before = analyzePayload(parseElf(sample("x86_64/xen_hello_world.livepatch")))!;
    expect(before.funcs[0].name.text).toBe("xen_extra_version");
    const p = new Patch(sample("x86_64/xen_hello_world.livepatch")).reloc(".rela.livepatch.funcs", 0, { type: 0 });
    const after = analyzePayload(parseElf(p.bytes))!;
    expect(after.funcs[0].name.text).toBeNull();
    expect(after.funcs[0].name.target.kind).toBe("null");
    // The other two (new_addr, old_addr) still resolve.
    expect(after.funcs[0].newAddr.target.kind).toBe("symbol");
    expect(after.funcs[0].oldAddr.target.kind).toBe("symbol");
  });
});
