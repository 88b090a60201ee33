// A committed sample as the page holds it once parsed: what the state and view tests start from.
import { parseElf } from "../../elf/index.ts";
import { analyzePayload } from "../../livepatch/index.ts";
import { readSample } from "../../test-support/samples.ts";
import type { LoadedFile } from "../files.ts";

/** The sample at `path` (e.g. `x86_64/xen-syms`), parsed, named `name` (default: its file name). */
export function loadedSample(path: string, name = path.split("/").pop()!): LoadedFile {
  const elf = parseElf(readSample(path));
  const image = path.endsWith("xen-syms");
  const parsed = { fileName: path, size: elf.bytes.length, role: image ? ("image" as const) : ("payload" as const), elf, livepatch: image ? null : analyzePayload(elf) };
  return { id: path, name, size: elf.bytes.length, origin: { kind: "user" }, status: "ready", progress: null, problem: null, parsed, source: null };
}
