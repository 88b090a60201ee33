// A raw XEN_SYSCTL_LIVEPATCH_ACTION with a timeout of the caller's choosing: what the page's action
// buttons make when the timeout knob is not xen-livepatch's 30 ms. It is a console step like any
// command (console.ts numbers it and notes a panic during it), and it says the same as the tool
// about a host that is down: no errno the wasm makes up for "down" (−ENOSYS) is shown as Xen's.
import type { ActionName } from "../protocol/hypervisor.ts";
import { strerror } from "./errno.ts";
import type { ConsoleTarget, Output } from "./target.ts";
import { downSince, PANICKED_IN_HYPERCALL, type PanicAt } from "./down.ts";
import { stateName } from "./tool.ts";

/** XEN_SYSCTL_LIVEPATCH_ACTION cmd numbers. */
const CMD: Record<ActionName, 1 | 2 | 3 | 4> = { UNLOAD: 1, REVERT: 2, APPLY: 3, REPLACE: 4 };
/** The shortest wait before the GET: xen-livepatch's own 60 ms. */
const MIN_WAIT_NS = 60_000_000;

export interface RawAction {
  name: string;
  cmd: ActionName;
  timeoutNs: number;
}

/** The action as a step (the timeline's input and the step a later "down since" names). */
export function rawActionText(a: RawAction): string {
  return `ACTION ${a.cmd} ${a.name} (timeout ${a.timeoutNs / 1e6} ms)`;
}

/**
 * The hypercall, then (when it returned 0) a wait of twice the timeout, at least 60 ms, and a GET.
 * Returns 0 when the payload ended with status rc 0, else 1.
 */
export function runRawAction(hv: ConsoleTarget, out: Output, a: RawAction, panicAt: PanicAt | null): number {
  const head = `ACTION ${a.cmd} ${a.name} timeout=${a.timeoutNs}ns: `;
  if (hv.halted()) {
    out.err(`${head}${downSince(panicAt)}\n`);
    return 1;
  }
  const hc = hv.action(a.name, CMD[a.cmd], a.timeoutNs, 0);
  if (hv.halted()) {
    out.err(`${head}${PANICKED_IN_HYPERCALL}\n`);
    return 1;
  }
  out.out(`${head}hypercall returned ${hc}${hc < 0 ? ` (${strerror(-hc)})` : ""}\n`);
  if (hc !== 0) return 1;
  const wait = Math.max(MIN_WAIT_NS, 2 * a.timeoutNs);
  hv.advance(wait);
  const ms = wait / 1e6;
  if (hv.halted()) {
    out.err(`GET after ${ms} ms: not asked: the host panicked while the action ran; see dmesg\n`);
    return 1;
  }
  const g = hv.get(a.name);
  if (g.ret !== 0) out.out(`GET after ${ms} ms: ${g.ret} (${strerror(-g.ret)})\n`);
  else {
    const state = stateName(g.state) === "unknown" ? String(g.state) : stateName(g.state);
    out.out(`GET after ${ms} ms: ${state}, rc ${g.rc}${g.rc < 0 ? ` (${strerror(-g.rc)})` : ""}\n`);
  }
  return g.ret === 0 && g.rc === 0 ? 0 : 1;
}
