// The rollback a reviewer relies on: after the plan, every payload the simulated Xen holds APPLIED is
// reverted, top of the applied stack first (Xen refuses any other order: revert-not-top), on the
// same simulated host. REVERT runs the payload's pre-revert hook (which may veto), its revert action
// hook or Xen's revert_payload() with every unload hook (xen/common/livepatch.c:
// livepatch_do_action(), revert_payload()), then its post-revert hook. A crash, a veto or a payload
// left APPLIED there is a finding: the rollback path of a payload that passes must work.
import type { CheckFailedEvent, PanicEvent } from "../protocol/hypervisor.ts";
import { makeFinding, rcText } from "./context.ts";
import type { AuditHost, HostStep } from "./host.ts";
import type { Finding, PlanStep, Rollback } from "./types.ts";

/** Prefix of every finding the rollback raises, so the text says which part of the run it came from. */
export const ROLLBACK_PREFIX = "rollback (REVERT after the plan): ";

export interface RollbackInput {
  host: AuditHost;
  /** Indices of the payloads Xen holds APPLIED after the plan, bottom of the stack first. */
  applied: readonly number[];
  files: readonly { file: string; name: string }[];
  /** The plan's own words for a failed check and a panic (run.ts), so a rollback finding reads like any other. */
  failure(f: CheckFailedEvent, file: { file: string; fileIndex: number }, prefix: string): Finding;
  panic(p: PanicEvent, op: string, file: { file: string; fileIndex: number }, prefix: string): Finding;
  record(file: string, name: string, op: PlanStep["op"], s: HostStep): PlanStep;
}

export interface RollbackOutcome {
  rollback: Rollback;
  findings: Finding[];
}

const list = (names: readonly string[]): string => names.join(", ");

/** The rollback's one line, shown by the text and Markdown reports and the page's audit drawer. */
export function rollbackText(r: Rollback): string {
  if (!r.exercised) return `rollback: not exercised: ${r.skipped ?? "nothing was applied"}`;
  const order = r.payloads.length > 1 ? " (top of the applied stack first)" : "";
  const did = `REVERT of ${list(r.payloads)}${order}, with the unload and pre-/post-revert hooks`;
  if (r.ok) return `rollback: exercised: ${did}: every payload went back to CHECKED, the host stays up`;
  const left = r.payloads.filter((p) => !r.reverted.includes(p));
  return `rollback: exercised: ${did}: FAILED at ${r.failedAt}${left.length && r.reverted.length ? ` (reverted first: ${list(r.reverted)})` : ""}${r.halted ? "; the host panicked" : `; still applied: ${list(left)}`}`;
}

/** When the plan left nothing to revert, or a host that answers no more hypercalls. */
export function rollbackSkipped(reason: string): Rollback {
  return { exercised: false, payloads: [], reverted: [], ok: true, halted: false, failedAt: null, skipped: reason, steps: [] };
}

export async function exerciseRollback(input: RollbackInput): Promise<RollbackOutcome> {
  const findings: Finding[] = [];
  const steps: PlanStep[] = [];
  const order = [...input.applied].reverse();
  const rollback: Rollback = { exercised: true, payloads: order.map((i) => input.files[i].name), reverted: [], ok: true, halted: false, failedAt: null, skipped: null, steps };
  for (const i of order) {
    const { file, name } = input.files[i];
    const where = { file, fileIndex: i };
    const revert = async () => {
      const s = await input.host.action(name, "REVERT");
      steps.push(input.record(file, name, "revert", s));
      return s;
    };
    let s = await revert();
    // A pre-revert hook's veto schedules nothing and changes nothing: the operator runs REVERT again,
    // as Xen's own xen_prepost_hooks test does ("First revert attempt always fails. Second attempt
    // succeeds."). A veto the second REVERT gets too is the rollback failing.
    const vetoed = s.ret !== 0 && s.failures.length > 0 && s.failures.every((f) => f.rule === "hook-prerevert-failed");
    let firstVeto: CheckFailedEvent | null = null;
    if (vetoed && !(await input.host.halted())) {
      firstVeto = s.failures[0];
      s = await revert();
    }
    const halted = await input.host.halted();
    // Reverted means Xen holds it CHECKED again and the host is up: how the revert got there (its
    // revert action hook, or a post-revert hook that finishes the revert itself after the action hook
    // returned an error, as Xen's own xen_action_hooks_norevert test does; its status rc shows on the
    // step) is the payload's business.
    if (!halted && s.state === 1) {
      if (firstVeto) findings.push(makeFinding("revert-vetoed-once", `${ROLLBACK_PREFIX}the pre-revert hook vetoed the first REVERT of ${name} (${firstVeto.explanation}); a second REVERT reverted it`, { rc: firstVeto.rc }, where));
      for (const f of s.failures) if (f.rule !== "hook-revert-failed") findings.push(input.failure(f, where, ROLLBACK_PREFIX));
      rollback.reverted.push(name);
      continue;
    }
    for (const f of s.failures) findings.push(input.failure(f, where, ROLLBACK_PREFIX));
    if (s.panic) findings.push(input.panic(s.panic, "REVERT", where, ROLLBACK_PREFIX));
    rollback.ok = false;
    rollback.halted = halted;
    rollback.failedAt = name;
    if (!halted && s.failures.length === 0) {
      // No typed failure and not reverted: a simulator gap, never read as success.
      const why = s.ret !== 0 ? `hypercall ${rcText(s.ret ?? 0)}` : `status rc ${rcText(s.statusRc ?? 0)}, state ${s.state === 2 ? "APPLIED" : (s.state ?? "?")}`;
      findings.push(makeFinding("simulator-rule-unknown", `${ROLLBACK_PREFIX}REVERT of ${name} did not revert it (${why}) and the simulator named no check`, { rc: (s.ret || s.statusRc) ?? undefined }, where));
    }
    break;
  }
  return { rollback, findings };
}
