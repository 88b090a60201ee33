// How one function's APPLY write reads in words, for the page's trampoline card and `inspect`'s
// trampolines[].description alike: the simulator's preview says what is written, this says it.
import type { PatchPreview } from "../protocol/hypervisorData.ts";

type Arch = "x86_64" | "aarch64" | "arm32";

const BRANCH: Record<Arch, string> = { x86_64: "jmp rel32", aarch64: "B", arm32: "B" };

export function describePatch(p: Pick<PatchPreview, "insn" | "bytes" | "target" | "patchOffset" | "viaHook" | "faultMessage" | "trapMessage">, arch: Arch | null): string {
  if (p.faultMessage) return `Writing it would bring the host down: ${p.faultMessage}${p.trapMessage ? ` (${p.trapMessage})` : ""}`;
  // The simulator's preview says the bytes are a trap (AArch64 BRK #2), not the branch asked for.
  if (p.trapMessage && !p.viaHook) return `BRK #2, not a ${arch ? BRANCH[arch] : "branch"} to the new function at ${p.target ?? "?"}: ${p.trapMessage}`;
  if (p.viaHook) return "The payload's apply action hook replaces Xen's own patching: APPLY writes nothing here itself, the hook does what it does";
  const n = p.bytes.length / 2;
  const endbr = p.patchOffset > 0 ? `The old function starts with ENDBR64, which stays; ${p.patchOffset} bytes later, ` : "";
  if (p.insn === "nop") return n ? `${endbr}${n} bytes of NOPs` : "Nothing is written (the NOP-out covers no bytes past ENDBR64)";
  const insn = arch ? BRANCH[arch] : "branch";
  return `${endbr}${endbr ? "a" : "A"} ${insn} to the new function at ${p.target ?? "?"}`;
}
