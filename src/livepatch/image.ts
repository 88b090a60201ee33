// What a target image (xen-syms) contributes to decoding a payload: its build-id, so the view can
// say whether `.livepatch.depends` names Xen itself. Where the payload lands and what Xen does with
// it are the simulated hypervisor's to say, not this module's.
import { buildId, type ElfFile } from "../elf/index.ts";
import { toHex } from "./bytes.ts";
import type { AnalyzeOptions } from "./types.ts";

export function imageOptions(image: ElfFile): AnalyzeOptions {
  const id = buildId(image);
  return id ? { xenBuildId: toHex(id) } : {};
}
