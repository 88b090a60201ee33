// A payload whose symbol and section names hold bytes that are not UTF-8, for the tests that hold
// every view to one spelling of them (\xNN): the CLI's (src/cli/hostile.test.ts) and the page's
// (e2e/inspector-names.spec.ts). It is the x86_64 xen_hello_world sample with the two '_' of
// "hello_world_count" made 0xff and 0xc3, in .strtab (the local FUNC symbol 24, a load and unload
// hook; file offset 0x5d8 + 0xf) and in .shstrtab (section [3] .text.hello_world_count, whose name's
// tail [4] .rela.text.hello_world_count shares; 0x870 + 0x39). `readelf -sW` prints the bytes raw,
// `readelf -U escape -sW` as hello{0xff}world{0xc3}count.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const NON_UTF8_SAMPLE = "public/samples/x86_64/xen_hello_world.livepatch";
/** The edited symbol's name as the tool spells it. */
export const NON_UTF8_SYMBOL = "hello\\xffworld\\xc3count";

const NAMES: [offset: number, text: string][] = [
  [0x5e7, "hello_world_count\0"],
  [0x8a9, ".text.hello_world_count\0"],
];

/** The edited payload, written to a fresh temporary file; `sample` is the path of NON_UTF8_SAMPLE. */
export function nonUtf8Payload(sample: string): { bytes: Buffer; path: string } {
  const b = Buffer.from(readFileSync(sample));
  for (const [at, text] of NAMES) {
    const got = b.subarray(at, at + text.length).toString("latin1");
    if (got !== text) throw new Error(`${sample} holds ${JSON.stringify(got)} at 0x${at.toString(16)}, not ${JSON.stringify(text)}: was the sample rebuilt?`);
  }
  for (const at of [0x5e7, 0x8a9 + 6]) {
    b[at + 5] = 0xff;
    b[at + 11] = 0xc3;
  }
  const path = join(mkdtempSync(join(tmpdir(), "lpl-names-")), "names.livepatch");
  writeFileSync(path, b);
  return { bytes: b, path };
}
