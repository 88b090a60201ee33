// The audit's public data: findings, the verdict, and what the simulator cross-check reports.
// Plain data (no classes, no bigint) so a result crosses a worker boundary and serialises as is.

export type FindingSeverity = "error" | "warning" | "info";

/**
 * When a problem bites: `upload` and `apply` are hypercall failures (the simulator must see the
 * same rc); `runtime` means Xen accepts it but the host would break (outside what the simulator
 * models); `review` is advice for a human.
 */
export type FindingStage = "upload" | "apply" | "runtime" | "review";

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
}

export type Verdict = "accept" | "reject";

/** What the audit predicts the hypervisor returns for one payload, in upload order. */
export interface Prediction {
  file: string;
  name: string;
  /** UPLOAD hypercall return (0 or −errno); null when it cannot be predicted (no image). */
  upload: number | null;
  /** APPLY outcome (hypercall return, or the status rc when the hypercall returned 0); null when not attempted or unknown. */
  apply: number | null;
}

export interface FileSummary {
  file: string;
  name: string;
  size: number;
  arch: string | null;
  buildId: string | null;
  depends: string | null;
  dependsOn: string;
  functions: { index: number; name: string | null; oldAddr: string | null; oldSize: number; newSize: number; kind: "trampoline" | "nop" }[];
  hooks: { kind: string; count: number }[];
  safeToReapply: boolean | null;
  replacePossible: boolean | null;
}

export interface SimulatedStep {
  file: string;
  name: string;
  op: "upload" | "apply";
  /** Hypercall return. */
  ret: number;
  /** GET status rc after the action settled (apply only). */
  statusRc?: number;
  /** GET state after the step (1 CHECKED, 2 APPLIED, 0 not loaded). */
  state?: number;
  /** Xen's console lines printed during the step. */
  console: string[];
}

export interface SimulationResult {
  steps: SimulatedStep[];
  halted: boolean;
  /** Per file, the outcome in the same shape as `Prediction`. */
  outcomes: Prediction[];
  /** True when every prediction equals the simulator's outcome. */
  agrees: boolean;
  /** Human-readable differences (empty when they agree). */
  disagreements: string[];
  error?: string;
}

export interface AuditResult {
  verdict: Verdict;
  findings: Finding[];
  files: FileSummary[];
  image: { file: string; arch: string | null; buildId: string | null } | null;
  predictions: Prediction[];
  simulator?: SimulationResult;
}

/** One input payload, in upload order. */
export interface AuditFile {
  /** Display name (path or file name); also the basis of the payload name. */
  file: string;
  bytes: Uint8Array;
}

/**
 * The slice of the simulated hypervisor the cross-check drives. The Node host API and a thin
 * adapter over the worker both satisfy it; `src/audit` never imports either.
 */
export interface SimulatorPort {
  /** Boots a fresh Xen from the image bytes. */
  boot(image: Uint8Array): Promise<void>;
  upload(name: string, payload: Uint8Array): Promise<number>;
  /** ACTION with cmd APPLY (3), default timeout, no flags. */
  apply(name: string): Promise<number>;
  /** Lets virtual time pass so a scheduled action completes. */
  advance(ns: number): Promise<void>;
  get(name: string): Promise<{ ret: number; state: number; rc: number }>;
  /** Console lines printed since boot. */
  consoleLines(): Promise<string[]>;
  halted(): Promise<boolean>;
}
