// After APPLY the audit calls the patched functions it knows how to call: the version functions
// `xl info` reaches through Xen's XENVER hypercalls (the simulator runs them on its CPU, quietly, so
// the scratch host stays as it was). A crash there that the unpatched image did not have is what the
// first `xl info` on a real host does after this APPLY: the machine goes down.
import type { PatchPreview, XlInfo } from "../../protocol/hypervisor.ts";
import type { XenImage } from "../image.ts";

export interface PatchedBy {
  /** The payload's funcs record index and name. */
  index: number;
  name: string;
  /** The Xen function its bytes go into (the image's symbol at old_addr). */
  fn: string;
}

/** Which Xen functions the records patch: the image's symbol at each old_addr, or the record's name. */
export function patchedFunctions(patches: readonly PatchPreview[], image: XenImage): PatchedBy[] {
  const out: PatchedBy[] = [];
  for (const pt of patches) {
    if (pt.viaHook || pt.bytes.length === 0) continue;
    const sym = image.symbolAt(BigInt(pt.oldAddr));
    out.push({ index: pt.index, name: pt.name, fn: sym ? sym.name : pt.name });
  }
  return out;
}

export interface CallCrash {
  /** The xl info field whose hypercall crashed, and the functions Xen ran for it. */
  key: string;
  fns: string[];
  /** Xen's crash message. */
  detail: string;
  /** The records (of any applied payload) that patch one of `fns`. */
  patched: PatchedBy[];
}

/**
 * The crash `after` shows that `before` (the same calls on the image as booted) did not: null when
 * nothing crashed, or when the unpatched image crashed the same way (then it is not the payload's).
 */
export function newCallCrash(before: XlInfo | null, after: XlInfo, patched: readonly PatchedBy[]): CallCrash | null {
  const crashed = after.fields.find((f) => f.outcome === "crashed");
  if (!crashed) return null;
  if (before?.fields.some((f) => f.outcome === "crashed")) return null;
  return { key: crashed.key, fns: crashed.fns, detail: crashed.detail ?? "", patched: patched.filter((p) => crashed.fns.includes(p.fn)) };
}

/** The hypercall behind each xl info field (libxl_get_version_info(), tools/libs/light/libxl.c). */
const HYPERCALL: Record<string, string> = {
  xen_major: "XENVER_version",
  xen_minor: "XENVER_version",
  xen_version: "XENVER_version",
  xen_extra: "XENVER_extraversion2",
  cc_compiler: "XENVER_compile_info",
  cc_compile_by: "XENVER_compile_info",
  cc_compile_domain: "XENVER_compile_info",
  cc_compile_date: "XENVER_compile_info",
  xen_changeset: "XENVER_changeset2",
  build_id: "XENVER_build_id",
};

/** One line a reviewer reads: what was called, and what happened. */
export function describeCallCrash(c: CallCrash, op: string): string {
  const names = [...new Set(c.patched.map((p) => p.fn))];
  const which = names.length ? `the patched ${names.join(", ")}` : "Xen's version functions";
  const detail = c.detail.split("\n").filter(Boolean).join(" / ");
  return `after ${op}, the audit called ${which} as xl info does: ${HYPERCALL[c.key] ?? c.key} runs ${c.fns.join(", ")}, and the host crashes with "${detail}"; on a real host the first xl info after ${op} takes the machine down`;
}
