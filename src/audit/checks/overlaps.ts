// Two records of one payload that write overlapping bytes of Xen's code. Xen checks nothing of the
// kind: xen/common/livepatch.c apply_payload() and revert_payload() both walk the records forwards
// (`for ( i = 0; i < data->nfuncs; i++ )`), and each arch_livepatch_apply() saves the bytes that
// are there *now* into that record's own buffer before it writes (x86: memcpy() into
// state->insn_buffer in xen/arch/x86/livepatch.c; Arm: the same in xen/arch/arm/arm64/livepatch.c),
// while arch_livepatch_revert() (x86's, and xen/arch/arm/livepatch.c) copies that buffer back. So a later record
// whose bytes overlap an earlier one's saves the earlier record's branch or NOPs, and REVERT, which
// restores the earlier record first and the later one after it, writes them back over Xen's code.
// The audit's finding (func-writes-overlap in review.ts) and the Functions view's "Replaced bytes"
// both read this.
import type { PatchPreview } from "../../protocol/hypervisor.ts";

export interface WriteOverlap {
  /** The record that wrote first at APPLY (and is restored first at REVERT). */
  earlier: number;
  /** The record that saves the earlier one's bytes instead of Xen's. */
  later: number;
  earlierInsn: PatchPreview["insn"];
  /** The overlapping range, [from, to). */
  from: bigint;
  to: bigint;
  /** The later record's write covers all of the earlier one's: REVERT puts back the earlier write whole. */
  coversEarlier: boolean;
}

function range(p: PatchPreview): [bigint, bigint] | null {
  const n = p.bytes.length / 2;
  if (!n) return null;
  const at = BigInt(p.addr);
  return [at, at + BigInt(n)];
}

/**
 * For each record whose write overlaps a write of an earlier record of the same payload, the
 * nearest such earlier record (the one whose bytes it finds there and saves, as APPLY runs the
 * records in order). Records with nothing to write (a 0-byte write) take no part.
 */
export function writeOverlaps(patches: readonly PatchPreview[]): WriteOverlap[] {
  const sorted = [...patches].sort((a, b) => a.index - b.index);
  const out: WriteOverlap[] = [];
  sorted.forEach((p, k) => {
    const r = range(p);
    if (!r) return;
    for (let i = k - 1; i >= 0; i--) {
      const q = range(sorted[i]);
      if (!q || q[1] <= r[0] || r[1] <= q[0]) continue;
      out.push({
        earlier: sorted[i].index,
        later: p.index,
        earlierInsn: sorted[i].insn,
        from: r[0] > q[0] ? r[0] : q[0],
        to: r[1] < q[1] ? r[1] : q[1],
        coversEarlier: r[0] <= q[0] && r[1] >= q[1],
      });
      return;
    }
  });
  return out;
}

/** The record whose bytes `index` saves instead of Xen's, if any. */
export function overlapOf(overlaps: readonly WriteOverlap[], index: number): WriteOverlap | null {
  return overlaps.find((o) => o.later === index) ?? null;
}
