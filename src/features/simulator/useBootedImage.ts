// The image the simulator booted from, as the page holds it (parsed): its symbols name Xen's
// addresses in the memory card and the timeline.
import type { ElfFile } from "../../elf/index.ts";
import { useLens } from "../../state/store.ts";

export function useBootedImage(): ElfFile | null {
  return useLens((s) => {
    const id = s.sim.image?.fileId;
    return id ? (s.files.list.find((f) => f.id === id)?.parsed?.elf ?? null) : null;
  });
}
