// The generated prelink-shaped object beside a real prelink.o (when XEN_TEST_PAYLOADS is set):
// the figures gen:large is built to match (bench/shape.ts).
import { readFileSync } from "node:fs";
import { parseElf } from "../src/elf/index.ts";
import { prelinkInputs, realPrelink } from "./inputs.ts";
import { shapeOf, sideBySide } from "./shape.ts";

export const title = "Shape of the prelink-shaped input";

export async function run(): Promise<string> {
  const files = (await prelinkInputs()).map(({ label, path }) => {
    const b = readFileSync(path);
    return { label, rows: shapeOf(parseElf(new Uint8Array(b.buffer, b.byteOffset, b.length))) };
  });
  const note = realPrelink().note;
  return `${note ? `${note}\n` : ""}${sideBySide(files)}`;
}
