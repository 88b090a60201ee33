// The slice of the simulated hypervisor an audit drives. The Node host and the audit worker both
// provide it over the same wasm (workers/hypervisor/host/auditHost.ts), so the page and the CLI
// reach one verdict; `src/audit` sees only this interface and the wasm's typed contract.
import type { ElfFile } from "../elf/index.ts";
import type { CheckFailedEvent, PanicEvent, PatchPreview, PayloadDetails, StateEvent, XlInfo } from "../protocol/hypervisor.ts";
import type { SyntheticImage } from "./synthetic.ts";

export type HostCommand = "APPLY" | "REPLACE" | "REVERT";

export interface HostStep {
  /**
   * The hypercall's return, or null when the host panicked inside the hypercall: it never returned
   * (the wasm's −ENOSYS then only says the host is down; no Xen returns it there).
   */
  ret: number | null;
  /** After an action settled: the payload's state (1 CHECKED, 2 APPLIED, 0 gone) and status rc; absent when the host panicked before it settled. */
  state?: number;
  statusRc?: number;
  /** The checks that failed during the step, as the simulated Xen reported them. */
  failures: CheckFailedEvent[];
  /** Xen's console lines printed during the step, as dmesg shows them. */
  console: string[];
  /** The host panicked during the step. */
  panic?: PanicEvent;
  /**
   * Every payload state change during the step, in order, as the simulated Xen's `state` events
   * report it: a REPLACE's own revert of the applied payloads (CHECKED) shows here before the
   * replacing payload's APPLIED.
   */
  states: { payload: string; state: StateEvent["state"] }[];
}

/** Where Xen put a payload and what APPLY writes: the one placement every view shows. */
export interface Placement {
  payload: PayloadDetails;
  patches: PatchPreview[];
  /**
   * Each placed text-region section's bytes in the simulated memory after UPLOAD: relocated, with
   * alternatives applied, the code that runs. Not in the audit's JSON report (its bytes are the file's
   * sections, relocated); the page disassembles the new functions from here.
   */
  code: PlacedCode[];
}

export interface PlacedCode {
  /** Section index in the uploaded file. */
  index: number;
  bytes: Uint8Array;
}

export interface AuditHost {
  boot(image: { real: ElfFile } | { synthetic: SyntheticImage }): Promise<void>;
  upload(name: string, bytes: Uint8Array): Promise<HostStep>;
  /** Runs the action to completion (virtual time advanced past its deadline). */
  action(name: string, cmd: HostCommand): Promise<HostStep>;
  placement(name: string): Promise<Placement | null>;
  halted(): Promise<boolean>;
  /**
   * `xl info`'s version hypercalls answered by the image's own functions, as a look that leaves no
   * trace (no events, no panic, memory put back): how the audit calls patched functions after APPLY.
   */
  versionCalls(): Promise<XlInfo>;
}

/**
 * A host that could not be started (its wasm failed to load): every call fails with `why`, so
 * runAudit() reports the plan as `audit-incomplete`, with a verdict and a whole document, instead of
 * the caller dying without one.
 */
export function unavailableHost(why: unknown): AuditHost {
  const fail = () => Promise.reject(why instanceof Error ? why : new Error(String(why)));
  return { boot: fail, upload: fail, action: fail, placement: fail, halted: fail, versionCalls: fail };
}
