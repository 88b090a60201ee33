// What Xen does with one payload, for `inspect`: it is uploaded (not applied) in the simulated
// hypervisor, booted from --xen or the audit's stand-in, and its placement and APPLY preview are
// the simulator's own. The keys of the published JSON that are Xen's answers come from here.
import { runAudit, type Placement } from "../audit/index.ts";
import type { LivepatchModel } from "../livepatch/index.ts";
import { describePatch } from "../simulator/patchText.ts";
import { nodeAuditHost } from "./auditHost.ts";

export interface XenView {
  placement: Placement | null;
  /** "the simulated hypervisor booted from IMAGE" or "... a stand-in Xen ..." */
  source: string;
  /** Why there is no placement: the upload's first error. */
  reason: string | null;
}

export async function simulateUpload(file: string, bytes: Uint8Array, image: { file: string; bytes: Uint8Array } | null): Promise<XenView> {
  const result = await runAudit({ image, files: [{ file, bytes, role: "upload" }] }, await nodeAuditHost());
  const source = image ? `placed by the simulated hypervisor booted from ${image.file}` : "placed by the simulated hypervisor booted from a stand-in Xen (no --xen image: addresses assumed)";
  const reason = result.findings.find((f) => f.severity === "error")?.message ?? null;
  return { placement: result.files[0]?.placement ?? null, source, reason };
}

/** The Xen-answer keys of `inspect --json`'s livepatch object (README "inspect --json schema"). */
export function xenKeys(m: LivepatchModel, v: XenView) {
  const p = v.placement;
  const payload = p?.payload ?? null;
  return {
    safeToReapply: payload ? payload.safeToReapply : null,
    replacePossible: payload ? !payload.vetoing : null,
    regions: payload
      ? {
          assumption: v.source,
          text: { address: payload.regions.text.addr, size: payload.regions.text.size },
          rw: { address: payload.regions.rw.addr, size: payload.regions.rw.size },
          ro: { address: payload.regions.ro.addr, size: payload.regions.ro.size },
          pages: payload.pages,
          sections: payload.sections.map((s) => ({ section: s.name, index: s.index, region: s.region, address: s.addr, size: s.size })),
        }
      : null,
    trampolines: m.funcs.map((fn) => {
      const t = p?.patches.find((x) => x.index === fn.index);
      if (!t) return { func: fn.index, kind: null, description: `not placed: ${v.reason ?? "the upload fails"}` };
      const n = t.viaHook ? 0 : t.bytes.length / 2;
      return {
        func: fn.index,
        kind: t.insn === "nop" ? "nop" : "trampoline",
        oldAddr: t.oldAddr,
        patchOffset: t.patchOffset,
        bytes: t.viaHook ? "" : t.bytes,
        savedLength: n,
        description: describePatch(t, m.arch),
        // AArch64: the bytes are BRK #2, not the branch (a misaligned old_addr or new_addr): its rule id.
        trap: t.trap,
        assumed: v.source,
      };
    }),
  };
}
