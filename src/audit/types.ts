// The audit's public data: the verdict, findings, what the simulator did at each plan step, and
// where each payload landed. Plain data (no classes, no bigint) so a result crosses a worker
// boundary and serialises as is.
import type { Placement } from "./host.ts";
import type { PlanRole } from "./plan.ts";

export type FindingSeverity = "error" | "warning" | "info";

/**
 * When a problem bites: `read` means the audit could not read the file whole (fail closed); `upload` and `apply` are hypercall failures (the simulator must see the
 * same rc); `runtime` means Xen accepts it but the host would break (outside what the simulator
 * models); `review` is advice for a human.
 */
export type FindingStage = "read" | "upload" | "apply" | "runtime" | "review";

export interface Finding {
  /** Stable kebab-case rule id, e.g. `xen-depends-mismatch`. */
  id: string;
  severity: FindingSeverity;
  message: string;
  /** One or two sentences a new maintainer understands. */
  why: string;
  stage: FindingStage;
  /** The file (as given) the finding is about; absent for findings about the whole set. */
  file?: string;
  fileIndex?: number;
  /** Section name and index, when the finding is about one. */
  section?: string;
  sectionIndex?: number;
  /** Byte offset in the file, for the hex view. */
  offset?: number;
  /** How many bytes from `offset` the finding covers (at least 1 when `offset` is set). */
  length?: number;
  /** The `.livepatch.funcs` entry, when the finding is about one. */
  func?: { index: number; name: string | null };
  /** The negative errno Xen returns for an upload/apply failure. */
  rc?: number;
  /** Whether `rc` is the hypercall's return or the payload's status rc. */
  rcKind?: "hypercall" | "status";
  /** Where the simulator's model differs from Xen for this check. */
  note?: string;
}

export type Verdict = "accept" | "reject";

/** What the simulator did for one plan step, and what it answered. */
export interface PlanStep {
  file: string;
  name: string;
  /** `revert`: a step of the rollback after the plan, only in `rollback.steps`. */
  op: "upload" | "apply" | "replace" | "revert";
  /**
   * The hypercall's return; null when the host panicked during the hypercall, which therefore never
   * returned (`panic` holds Xen's panic message).
   */
  ret: number | null;
  /** After an action settled: 1 CHECKED, 2 APPLIED, 0 gone; absent when the host panicked first. */
  state?: number;
  /** After an action settled: the payload's status rc (GET). */
  statusRc?: number;
  /** Xen's console lines printed during the step. */
  console: string[];
  /** The host panicked during the step: Xen's panic message. With `ret` null it panicked inside the hypercall; with a `ret`, after it returned, while the action ran. */
  panic?: string;
}

/**
 * The rollback after the plan: each payload Xen holds APPLIED is reverted, top of the stack first, on
 * the same simulated host (src/audit/rollback.ts), after the plan's own `steps`.
 */
export interface Rollback {
  /** False when nothing was applied or the host was already down (`skipped` says which). */
  exercised: boolean;
  /** The payload names the rollback reverts, in the order it reverts them. */
  payloads: string[];
  /** Those Xen reverted (CHECKED again, host up). */
  reverted: string[];
  /** Every payload was reverted and the host stayed up. */
  ok: boolean;
  /** The host panicked during the rollback. */
  halted: boolean;
  /** The payload whose REVERT failed or panicked; null when none did. */
  failedAt: string | null;
  /** Why the rollback was not exercised; null when it was. */
  skipped: string | null;
  /** Its REVERT steps, in order (a vetoed REVERT and its retry are two steps). */
  steps: PlanStep[];
}

export interface FileSummary {
  file: string;
  /** The payload name used for UPLOAD (as `xen-livepatch load` derives it). */
  name: string;
  role: PlanRole;
  size: number;
  /** False when the audit could not read it whole (a `file-unreadable` finding says why). */
  readable: boolean;
  /** Where Xen put it and what APPLY writes, from the simulator; null when the upload failed. */
  placement: Placement | null;
}

export interface AuditResult {
  verdict: Verdict;
  /** The first error's message, for the one-line verdict; null when accepted. */
  reason: string | null;
  findings: Finding[];
  files: FileSummary[];
  /** The image; `arch` is its machine as the page names it (machineLabel(): `x86_64`, ..., or `e_machine N`), null when it was not read. */
  image: { file: string; arch: string | null; buildId: string | null } | null;
  /** True when no image was given and the simulator ran a stand-in Xen built from the payloads' assumptions. */
  assumed: boolean;
  /** What the stand-in Xen assumed (empty with a real image). */
  assumptions: string[];
  steps: PlanStep[];
  /** The simulated host panicked (during the plan or its rollback). */
  halted: boolean;
  /** The rollback after the plan: whether REVERT was exercised, and how it went. */
  rollback: Rollback;
}
