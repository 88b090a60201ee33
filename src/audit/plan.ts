// What a reviewer says will happen on the host, in the order it happens: payloads already applied
// there, payloads to upload (and apply, or only upload), and at most one to REPLACE everything.

export type PlanRole = "applied" | "apply" | "upload" | "replace";

export const PLAN_ROLES: readonly PlanRole[] = ["applied", "apply", "upload", "replace"];

export const ROLE_LABEL: Record<PlanRole, string> = {
  applied: "on the host",
  apply: "apply",
  upload: "upload only",
  replace: "replace",
};

export interface PlanFile {
  /** Display name (path or file name); the payload name is derived from it as xen-livepatch does. */
  file: string;
  bytes: Uint8Array;
  role: PlanRole;
}

export interface AuditPlan {
  image: { file: string; bytes: Uint8Array } | null;
  files: PlanFile[];
}

/**
 * The order the simulator runs a plan in: the payloads already on the host first (each uploaded
 * and applied, in the order given), then the others in the order given, the REPLACE last. Stable:
 * files of one kind keep their relative order. Returns indices into `files`.
 */
export function executionOrder(files: readonly Pick<PlanFile, "role">[]): number[] {
  const rank = (r: PlanRole) => (r === "applied" ? 0 : r === "replace" ? 2 : 1);
  return files.map((f, i) => ({ i, r: rank(f.role) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.i);
}

/** A plan may REPLACE at most once: a second REPLACE would revert the first. */
export function planProblem(files: readonly Pick<PlanFile, "role" | "file">[]): string | null {
  // Nothing uploaded is nothing checked: an empty plan is never a pass.
  if (files.length === 0) return "the plan names no payload, so nothing was checked";
  const replaces = files.filter((f) => f.role === "replace");
  if (replaces.length > 1) return `only one payload can be applied with REPLACE (${replaces.map((f) => f.file).join(", ")})`;
  return null;
}
