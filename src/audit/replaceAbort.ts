// A REPLACE that fails after Xen has reverted the applied payloads. xen/common/livepatch.c:
// livepatch_do_action(), case LIVEPATCH_ACTION_REPLACE, reverts every applied payload (newest first)
// and only then checks the replacing payload's expectations ("If expectations are not met the system
// is left in a completely UNPATCHED state!", and Xen prints "SYSTEM MIGHT BE INSECURE: Replace action
// has been aborted after reverting ALL payloads!") or applies it. Which payloads were reverted is read
// from the simulated Xen's state events, never re-derived from the plan.
import { makeFinding } from "./context.ts";
import type { HostStep } from "./host.ts";
import type { Finding } from "./types.ts";

/** The `why` of an expectation failure met by a REPLACE: Xen does not refuse it, it aborts it after reverting. */
export const REPLACE_EXPECT_WHY =
  "The payload expects specific bytes at the old function; for a REPLACE Xen checks them only after it has reverted every applied payload, so when they differ it aborts the REPLACE with the host left unpatched.";

const EXPECT_RULES = new Set(["expect-mismatch", "expect-reserved-bits", "expect-len-exceeds-old-size"]);

export interface ReplaceAbortInput {
  act: HostStep;
  /** The replacing payload's name. */
  name: string;
  /** Names of the payloads Xen held applied before the REPLACE, bottom first. */
  before: readonly string[];
  /** Whether a payload can be applied again after its revert (no writable data), by name. */
  safeToReapply: (name: string) => boolean | null;
  file: { file: string; fileIndex: number };
  prefix: string;
}

/** The payloads the failed REPLACE reverted, in the order Xen reverted them (its state events). */
export function revertedBy(act: HostStep, before: readonly string[]): string[] {
  return [...new Set(act.states.filter((e) => e.state === "CHECKED" && before.includes(e.payload)).map((e) => e.payload))];
}

/**
 * For a REPLACE that left the replacing payload unapplied after reverting others: REPLACE_EXPECT_WHY on
 * its expectation failures (`refusals`, changed in place), and a finding that says what Xen reverted
 * and that the host is left unpatched.
 */
export function replaceAborted(input: ReplaceAbortInput, refusals: Finding[]): Finding[] {
  const reverted = revertedBy(input.act, input.before);
  if (reverted.length === 0 || input.act.panic) return [];
  for (const f of refusals) if (EXPECT_RULES.has(f.id)) f.why = REPLACE_EXPECT_WHY;
  const stillApplied = input.before.filter((n) => !reverted.includes(n));
  const insecure = input.act.console.find((l) => l.includes("SYSTEM MIGHT BE INSECURE"));
  const stale = reverted.filter((n) => input.safeToReapply(n) === false);
  const parts = [
    `REPLACE of ${input.name} failed after Xen had reverted ${reverted.join(", ")}${reverted.length > 1 ? " (newest first)" : ""}`,
    stillApplied.length ? `only ${stillApplied.join(", ")} stay${stillApplied.length > 1 ? "" : "s"} applied` : "the host is left unpatched: no payload is applied",
  ];
  if (insecure) parts.push(`Xen logs "${insecure}"`);
  if (stale.length) parts.push(`${stale.join(", ")} ${stale.length > 1 ? "have" : "has"} writable data, so APPLY will not put ${stale.length > 1 ? "them" : "it"} back until ${stale.length > 1 ? "they are" : "it is"} unloaded and uploaded again`);
  return [makeFinding("replace-left-unpatched", `${input.prefix}${parts.join("; ")}`, {}, input.file)];
}
