// `xen-livepatch list` the way the tool and libxc do it over the LIST hypercall (list_func() in
// tools/misc/xen-livepatch.c, xc_livepatch_list() in tools/libs/ctrl/xc_misc.c): a probe for the count and buffer sizes, then the fetch into buffers of exactly those
// sizes, in batches. libxc halves its batch on −E2BIG; when `payload_version` moves under it,
// the whole listing (probe included) runs again, at most 4 more times, then it gives up with
// EBUSY. Comparing every fetch against the probe's version is our reading of "re-runs the whole
// listing when it changes": it catches a change between the probe and the first fetch too.
import { E2BIG, EBUSY, strerror } from "./errno.ts";
import type { ConsoleListEntry, ConsoleListOp, ConsoleTarget, Output } from "./target.ts";

/** Re-runs after the first attempt before EBUSY. */
export const LIST_RERUNS = 4;
/** Xen refuses more than this many entries per call (−E2BIG); libxc starts from the full count. */
export const LIST_NR_MAX = 1024;

export type Listing =
  | { ok: true; entries: ConsoleListEntry[] }
  /** `stage` "sizes": the probe failed; "list": the fetch failed or came back short. */
  | { ok: false; stage: "sizes" | "list"; errno: number; left: number; nr: number };

type ListOpFn = NonNullable<ConsoleTarget["listOp"]>;

interface FetchResult {
  errno: number;
  done: number;
  left: number;
  entries: ConsoleListEntry[];
  /** The version moved between the probe and this fetch. */
  stale: boolean;
}

/** xc_livepatch_list: fetches up to `max` entries from index 0 in batches. */
function fetchAll(listOp: ListOpFn, max: number, nameCap: number, metaCap: number, version: number): FetchResult {
  const entries: ConsoleListEntry[] = [];
  let batch = max;
  let done = 0;
  let left = 0;
  let nameUsed = 0;
  let metaUsed = 0;
  // Each pass either fetches ≥ 1 entry, halves the batch, or returns: bounded by max + log2(max).
  for (;;) {
    const r = listOp(done, Math.min(max - done, batch), nameCap - nameUsed, metaCap - metaUsed);
    if (r.rc === -E2BIG && batch > 1) {
      batch >>= 1;
      continue;
    }
    if (r.rc < 0) return { errno: -r.rc, done, left, entries, stale: false };
    if (r.version !== version) return { errno: 0, done, left, entries, stale: true };
    entries.push(...r.entries.slice(0, r.rc));
    done += r.rc;
    left = r.nr;
    nameUsed += r.nameTotal;
    metaUsed += r.metaTotal;
    if (left === 0 || r.rc === 0 || done >= max) return { errno: 0, done, left, entries, stale: false };
  }
}

/** Probe, then fetch; re-run on a version change. */
export function listPayloads(listOp: ListOpFn): Listing {
  for (let attempt = 0; ; attempt++) {
    const probe: ConsoleListOp = listOp(0, 0, 0, 0);
    if (probe.rc < 0) return { ok: false, stage: "sizes", errno: -probe.rc, left: 0, nr: 0 };
    const nr = probe.nr;
    if (nr === 0) return { ok: true, entries: [] };
    const f = fetchAll(listOp, nr, probe.nameTotal, probe.metaTotal, probe.version);
    if (f.stale) {
      if (attempt >= LIST_RERUNS) return { ok: false, stage: "list", errno: EBUSY, left: f.left, nr };
      continue;
    }
    if (f.errno !== 0) return { ok: false, stage: "list", errno: f.errno, left: f.left, nr };
    // A short listing without an error cannot happen against this simulator (nothing runs
    // between the calls); against another target report it as busy rather than "Success".
    if (f.done !== nr || f.left > 0) return { ok: false, stage: "list", errno: EBUSY, left: f.left, nr };
    return { ok: true, entries: f.entries };
  }
}

/** The tool's messages for a failed listing; returns its errno. */
export function reportListFailure(out: Output, l: Extract<Listing, { ok: false }>): number {
  if (l.stage === "sizes") out.err(`Failed to get list sizes.\nError ${l.errno}: ${strerror(l.errno)}\n`);
  else out.err(`Failed to list ${l.left}/${l.nr}.\nError ${l.errno}: ${strerror(l.errno)}\n`);
  return l.errno;
}
