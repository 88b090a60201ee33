// Expected values from readelf -h on the samples: hello world's e_shoff is 2688 (0xa80), the
// field at byte 0x28 of an ELF64 header; xen-syms is an executable read whole, with no
// .livepatch.* section (readelf -SW).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { samplePath } from "../test-support/samples.ts";
import { notPayload } from "./notPayload.ts";

describe("notPayload", () => {
  it("a file read whole without livepatch sections is not a payload", () => {
    expect(notPayload(parseElf(new Uint8Array(readFileSync(samplePath("x86_64/xen-syms")))))).toEqual({ certain: true, sentence: "No .livepatch.* or .xsplice.* sections: this is not a livepatch payload." });
  });

  it("a payload cut before its section table cannot be told, and says why", () => {
    const cut = new Uint8Array(readFileSync(samplePath("x86_64/xen_hello_world.livepatch"))).subarray(0, 2000);
    expect(notPayload(parseElf(cut))).toEqual({
      certain: false,
      sentence:
        "No .livepatch.* or .xsplice.* section was read, but the file could not be read whole (section header offset 0xa80 is past the end of the file (2000 bytes) at byte 0x28 (SHOFF_PAST_END)): whether it is a livepatch payload cannot be told.",
    });
  });
});
