// Instruction encodings for the tests, made by the system assemblers (GNU as for x86-64 in Intel
// syntax, aarch64-linux-gnu-as, arm-linux-gnueabihf-as for A32) and committed in fixtures/encodings.json, so the tests run where
// no assembler is installed. `node tests/cpu/fixtures/assemble.mjs` refreshes the file from every
// x86("...") and a64("...") written in tests/cpu/*.test.ts. Statements are separated by ";".
import { readFileSync } from "node:fs";

const table = JSON.parse(readFileSync(new URL("./fixtures/encodings.json", import.meta.url), "utf8")) as Record<string, string>;

function lookup(arch: string, src: string): Uint8Array {
  const hexText = table[`${arch}:${src}`];
  if (hexText === undefined) throw new Error(`no encoding for ${arch} "${src}": run node workers/hypervisor/tests/cpu/fixtures/assemble.mjs`);
  return new Uint8Array(Buffer.from(hexText, "hex"));
}

export const x86 = (src: string): Uint8Array => lookup("x86", src);
export const a64 = (src: string): Uint8Array => lookup("a64", src);
export const a32 = (src: string): Uint8Array => lookup("a32", src);
