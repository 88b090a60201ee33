// A NOP-out of an old function that starts with ENDBR64, sized to the ENDBR64 alone. Xen keeps the
// ENDBR64 (xen/arch/x86/livepatch.c: arch_livepatch_apply(), func->patch_offset = ENDBR64_LEN) and
// writes livepatch_insn_len() = new_size - patch_offset bytes (xen/include/xen/livepatch.h): with
// new_size 4 that is 0, and arch_livepatch_apply() returns at `if ( !len ) return;`. The payload is
// APPLIED and patches nothing. The bytes come from the simulated Xen's patch preview (the one truth
// for what APPLY writes); this only says what they mean.
import type { PatchPreview } from "../../protocol/hypervisor.ts";

/** The warning's text when APPLY writes nothing for this NOP-out record, else null. */
export function endbrOnlyNop(pf: PatchPreview, label: string): string | null {
  if (pf.insn !== "nop" || pf.viaHook || pf.fault !== null || pf.patchOffset === 0 || pf.bytes.length > 0) return null;
  return `${label}: the NOP-out covers only the ENDBR64 at ${pf.oldAddr}, which Xen skips (new_size ${pf.patchOffset} = ENDBR64's length, so livepatch_insn_len() is 0): APPLY writes nothing and the function runs unchanged`;
}
