// The contract at the wasm boundary: the simulated hypervisor's API as the page, the CLI and the
// audit call it, the plain data it hands out, and the events it reports, each kind with typed
// fields. Every view derives from these fields; none parses prose. The wasm writes events as
// JSON lines, `write` events in a compact line form (workers/hypervisor/assembly/events.ts);
// decodeEvents() in ./events.ts is the one place that turns them into these types and rejects
// anything else.

import type {
  ActionCmd,
  ActionExtras,
  BootSpec,
  GetResult,
  HypercallExtras,
  ListEntry,
  ListExtras,
  ListOpResult,
  MemPerm,
  PatchPreview,
  PayloadDetails,
  RunOutcome,
  StallPhase,
  XenSymbol,
  XlInfo,
  CallResult,
  TornResult,
} from "./hypervisorData.ts";

export type * from "./hypervisorData.ts";

export type Arch = "x86_64" | "aarch64" | "arm32";
export type HypercallOp = "UPLOAD" | "GET" | "LIST" | "ACTION";
/** XEN_SYSCTL_LIVEPATCH_ACTION commands by name. */
export type ActionName = "UNLOAD" | "REVERT" | "APPLY" | "REPLACE";
/** What a failed check belongs to: the upload, an action, or a read. */
export type CheckOp = "UPLOAD" | ActionName | "GET" | "LIST" | "ACTION";
export type PayloadStateName = "CHECKED" | "APPLIED";
export type HookKind = "load" | "unload" | "preapply" | "apply" | "postapply" | "prerevert" | "revert" | "postrevert";
export type HookMarks = "consistent" | "none" | "all" | "first";
/** Xen's log level of a console line (XENLOG_*); "none" for a printk without one. */
export type ConsoleLevel = "err" | "warning" | "info" | "debug" | "none";
/** Which quiesce phase of the rendezvous: CPUs reaching idle, or CPUs disabling IRQs. */
export type QuiescePhase = "CPU" | "IRQ";

/**
 * Whether an rc is the hypercall's return value (what the caller gets back at once) or the
 * payload's status rc (what GET reports later, set by work done in the rendezvous or by a check
 * that lets the hypercall return 0).
 */
export type RcKind = "hypercall" | "status";

/** Fields every event has. */
interface EventBase {
  /** Virtual time in nanoseconds since boot. */
  t: number;
  /** The CPU it happened on, or -1 when it is not CPU-specific. */
  cpu: number;
  /** The payload it is about, if any. */
  payload: string | null;
}

export interface UploadArgs {
  size: number;
  flags: number;
  namePad: number;
}
export interface GetArgs {
  opFlags: number;
  namePad: number;
}
export interface ListArgs {
  idx: number;
  nr: number;
  nameCap: number;
  metaCap: number;
  pad: number;
  opFlags: number;
}
export interface ActionArgs {
  /** null for a cmd Xen does not know. */
  action: ActionName | null;
  cmd: number;
  /** Nanoseconds; 0 means Xen's default of 30 ms. */
  timeout: number;
  flags: number;
  pad: number;
  opFlags: number;
  namePad: number;
}

export type HypercallEvent = EventBase & { kind: "hypercall" } & (
    | { op: "UPLOAD"; args: UploadArgs }
    | { op: "GET"; args: GetArgs }
    | { op: "LIST"; args: ListArgs }
    | { op: "ACTION"; args: ActionArgs }
  );

/** LIST's OUT fields, when the call got past its argument checks. */
export interface ListOutcome {
  written: number;
  remaining: number;
  version: number;
  nameTotal: number;
  metaTotal: number;
}

/** `ret` is the hypercall's return value (0 or −errno; LIST: entries written). */
export type HypercallReturnEvent = EventBase & { kind: "hypercall-return"; ret: number } & (
    | { op: "UPLOAD" }
    | { op: "GET"; state?: PayloadStateName; statusRc?: number }
    | { op: "LIST"; list?: ListOutcome }
    | { op: "ACTION"; action: ActionName | null }
  );

/** A payload's state changed; `statusRc` is its status rc (as GET reports it) from then on. */
export interface StateEvent extends EventBase {
  kind: "state";
  state: PayloadStateName | "UNLOADED";
  statusRc: number;
}

export interface Region {
  addr: string;
  size: number;
}

/** Where an upload placed the payload (just before its state becomes CHECKED). */
export interface PlacedEvent extends EventBase {
  kind: "placed";
  funcs: number;
  pages: number;
  text: Region;
  rw: Region;
  ro: Region;
}

/** Online CPUs changed (outside any rendezvous). */
export interface CpusEvent extends EventBase {
  kind: "cpus";
  online: number;
}

/** The mechanism arch_livepatch_quiesce() uses to make Xen's text writable (see RendezvousEvent). */
export type QuiesceHow = "region-perms" | "alias";

export type RendezvousEvent = EventBase & { kind: "rendezvous" } & (
    | { phase: "scheduled"; action: ActionName; masterDelay: number; timeout: number }
    /** The master won the election: `deadline` (absolute ns) is shared by both quiesce phases; `cpus` others are expected. */
    | { phase: "master"; deadline: number; timeout: number; cpus: number }
    | { phase: "cpu-phase-done"; cpus: number }
    | { phase: "irq-phase-done"; action: ActionName }
    /**
     * arch_livepatch_quiesce() / _revive(): how Xen makes its text writable for patching and back.
     * `region-perms` (x86): the page permissions of every virtual region (Xen and each loaded
     * payload) relaxed to text RWX / rodata RW, then tightened to RX / RO. `alias` (ARM): a
     * second, writable mapping of Xen's image, unmapped again after an I-cache invalidate.
     */
    | { phase: "quiesce"; how: QuiesceHow }
    | { phase: "revive"; how: QuiesceHow }
    | { phase: "timeout"; quiesce: QuiescePhase; arrived: number; cpus: number; late: number[]; statusRc: number }
    | { phase: "done"; action: ActionName; statusRc: number; actionRan: boolean }
  );

export type CpuPhaseEvent = EventBase & { kind: "cpu-phase" } & (
    | { phase: "master" }
    /** Checked in; `arrived` of `cpus` so far in this quiesce phase. */
    | { phase: "cpu"; arrived: number; cpus: number }
    | { phase: "irq"; arrived: number; cpus: number }
    | { phase: "release" }
    | { phase: "missed"; quiesce: QuiescePhase }
    | { phase: "late"; quiesce: QuiescePhase }
  );

/** Bytes written into Xen's text: the payload (base field) that wrote them, for which function. */
export interface WriteEvent extends EventBase {
  kind: "write";
  addr: string;
  /** Lower-case hex, no separators. */
  old: string;
  new: string;
  func: { index: number; name: string };
  by: "apply" | "revert";
  /**
   * `brk`: AArch64 only, the BRK #2 (AARCH64_BREAK_FAULT) Xen writes when it cannot encode the
   * branch (a misaligned old_addr or new_addr); the first call of the old function traps.
   */
  insn: "branch" | "nop" | "restore" | "brk";
  /** Where a branch goes (for `brk`, the branch Xen could not encode). */
  target?: string;
}

/** What a run of code did: counted over the whole run, across faults, fixups and services. */
export interface RunCounters {
  instructions: number;
  calls: number;
  faults: number;
  fixups: number;
  /** Calls that reached a natively modelled Xen function (printk, panic). */
  services: number;
}

/**
 * A hook call. When `executed`, the hook's code ran on the simulated CPU (`code` names it,
 * `outcome` says how it ended, the counters say what it did, and `returned` is what a pre/action
 * hook's code returned). `rc` is the value Xen goes on with (absent for void hooks); `overridden`
 * says a knob chose it instead of the code. Not executed: ARM32 (no interpreter), where the knobs
 * alone decide. `marks` is what a knob made an apply/revert action hook do to the applied flags.
 */
export type HookEvent = EventBase & {
  kind: "hook";
  hook: HookKind;
  index: number;
  fn: string;
  rc?: number;
  overridden: boolean;
  marks?: HookMarks;
} & ({ executed: false } | ({ executed: true; code: string; outcome: RunOutcome; returned?: number } & RunCounters));

/** Why a run's outcome is unknown: an instruction the interpreter lacks, the step budget, ... */
export interface RunStopEvent extends EventBase {
  kind: "run-stop";
  reason: "unsupported" | "budget" | "halt" | "not-started" | "deadlock" | "unmodelled";
  /** The function the run started at, and where it stopped. */
  fn: string;
  pc: string;
  /** unsupported: the instruction's bytes (hex) and mnemonic when the decoder knows it. */
  bytes?: string;
  mnemonic: string | null;
  detail?: string;
}

/** A function run from the console (`call`, or one of `xl info`'s version hypercalls). */
export type RunEvent = EventBase & {
  kind: "run";
  fn: string;
  addr: string;
  via: "call" | "xl-info";
  outcome: RunOutcome;
  value?: string;
} & RunCounters;

/** A line Xen prints (without the "(XEN) " prefix). */
export interface ConsoleEvent extends EventBase {
  kind: "console";
  line: string;
  level: ConsoleLevel;
}

/** The host went down. `message` is Xen's panic message ("" where Xen corrupts memory without one). */
export interface PanicEvent extends EventBase {
  kind: "panic";
  message: string;
  /** What brought the host down (an id from the rule catalogue), when the simulator knows. */
  rule?: string;
  explanation: string;
}

export type NmiEvent = EventBase & { kind: "nmi" } & (
    | { phase: "handled" }
    | { phase: "lost" }
    | { phase: "arm" }
    /**
     * A modelled hazard, not simulated: the NMI is still taken on real hardware, and do_nmi's path
     * goes through `via`, which this `action` rewrites (`func` at `addr`, patched by `patchedBy`).
     */
    | { phase: "torn"; via: string; action: ActionName; func: string; addr: string; patchedBy: string }
  );

/** A check that passed (or an action that is a no-op in the payload's state). */
export interface CheckEvent extends EventBase {
  kind: "check";
  op: ActionName;
  check: "depends" | "expectations" | "noop";
  /** The build-id `depends` was compared with: "hypervisor" or a payload's name. */
  against?: string;
}

/**
 * A failed check: which rule, the rc and whether it is the hypercall's return or the status rc,
 * where in the uploaded file, and the explanation the audit's finding reads. A refusal Xen prints a
 * line for (at UPLOAD, or at APPLY, REVERT and REPLACE: build-id checks, expectations, hook vetoes,
 * the revert order, a rendezvous timeout) gives Xen's first line word for word, with the
 * simulator's detail after it in parentheses when it has one (failQuoting() and failPrinted() in
 * assembly/diag.ts); where Xen prints nothing, the simulator's own words say that it does not. Xen's
 * lines themselves are console events before it.
 */
export interface CheckFailedEvent extends EventBase {
  kind: "check-failed";
  rule: string;
  op: CheckOp;
  rc: number;
  rcKind: RcKind;
  explanation: string;
  /** Byte range in the uploaded file. */
  offset?: number;
  length?: number;
  section?: string;
  sectionIndex?: number;
  func?: { index: number; name?: string };
  reloc?: { section: string; sectionIndex: number; index: number };
  symbol?: { index: number; name: string };
  /** Compared bytes (hex): what the payload expects, and what is there. */
  expected?: string;
  actual?: string;
  /** Another payload (or "hypervisor") the check compared against. */
  other?: string;
}

/** Which pointer a payload keeps into its freed upload buffer (a section that is not SHF_ALLOC). */
export type DanglingWhat =
  | "funcs"
  | "build-id"
  | "depends"
  | "modinfo"
  | "bug-frames"
  | "ex-table"
  | `hook-${HookKind}`;

/**
 * An upload Xen accepts although it keeps a pointer into the upload buffer it frees at the end of
 * the upload: the first read through it faults (a later panic event names it).
 */
export interface DanglingEvent extends EventBase {
  kind: "dangling";
  rule: string;
  what: DanglingWhat;
  section: string;
  sectionIndex: number;
  /** Where the pointer points (inside the freed buffer). */
  addr: string;
  explanation: string;
}

export type HvEvent =
  | HypercallEvent
  | HypercallReturnEvent
  | StateEvent
  | PlacedEvent
  | CpusEvent
  | RendezvousEvent
  | CpuPhaseEvent
  | WriteEvent
  | HookEvent
  | RunStopEvent
  | RunEvent
  | ConsoleEvent
  | PanicEvent
  | NmiEvent
  | CheckEvent
  | CheckFailedEvent
  | DanglingEvent;

export type HvEventKind = HvEvent["kind"];

/** Sequence number of the event within the log since boot, added by the host. */
export type LoggedEvent = HvEvent & { seq: number };

/**
 * What APPLY's build_id_dep() compares `.livepatch.depends` with: the last applied payload's
 * build-id, or Xen's ("hypervisor") while none is applied. buildId null: Xen has none (-ENODATA).
 * xenBuildId: what UPLOAD's check_xen_buildid() compares `.livepatch.xen_depends` with (the
 * running Xen's; null: it has none, and every UPLOAD fails -ENODATA).
 */
export interface DependsTarget {
  against: string;
  buildId: string | null;
  xenBuildId: string | null;
}

export interface HypervisorApi {
  /** Resets everything and boots an empty Xen. Symbols and memory are added afterwards. */
  boot(spec: BootSpec): void;
  addSymbol(sym: XenSymbol): void;
  mapMemory(addr: bigint, bytes: Uint8Array, perm: MemPerm): void;
  /**
   * The end of boot, after the image's symbols and memory: what Xen does once before any
   * hypercall (xen_build_init(), init_done() freeing .init; the wasm's run/boot.ts).
   */
  initDone(): void;
  readonly bootSpec: BootSpec | null;
  /** Xen's symbol table as booted, by name (host-side copy, for the console's `mem`). */
  symbol(name: string): XenSymbol | undefined;
  /** A loaded payload's symbol by name, first match in upload order (for the console's `mem`). */
  payloadSymbol(name: string): { addr: bigint; size: number; payload: string } | undefined;

  /** UPLOAD: 0 or −errno. `flags` is the op flags word (FORCE = 1). */
  upload(name: string, payload: Uint8Array, flags?: number, extras?: Pick<HypercallExtras, "namePad">): number;
  /** The GET hypercall (logged as hypercall/hypercall-return events). */
  get(name: string, extras?: HypercallExtras): GetResult;
  /** Every payload in upload order: a host-side view of the list (no hypercall, no events). */
  list(): ListEntry[];
  /** The LIST hypercall: nr 0 probes; otherwise fetches up to nr entries from idx into buffers of nameCap/metaCap bytes. */
  listOp(idx: number, nr: number, nameCap: number, metaCap: number, extras?: ListExtras): ListOpResult;
  /** ACTION: the hypercall's return; the outcome arrives later through `get`. Timeout 0 = 30 ms. */
  action(name: string, cmd: ActionCmd, timeoutNs?: number, flags?: number, extras?: ActionExtras): number;

  /** Moves the virtual clock forward, running whatever the CPUs do meanwhile. */
  advance(ns: bigint | number): void;
  now(): bigint;
  cpus(): number;
  setCpus(n: number): void;
  /** How long `cpu` takes to reach its idle loop at the next rendezvous. */
  setCpuDelay(cpu: number, ns: bigint | number): void;
  /**
   * A stall of `ns` on `cpu`: "idle" (default) delays reaching the idle loop (the CPU quiesce
   * phase), "irq" delays disabling IRQs once `ready` is set (the IRQ quiesce phase). One-shot
   * (the next rendezvous only) unless `persistent`, which lasts until `clearCpuStall`.
   */
  setCpuStall(cpu: number, ns: bigint | number, opts?: { phase?: StallPhase; persistent?: boolean }): void;
  /** Back to the default timing for `cpu` in `phase` (both when omitted). */
  clearCpuStall(cpu: number, phase?: StallPhase): void;
  /** Overrides the value a payload's hook returns (its code still runs; the event says overridden). */
  setHookResult(name: string, kind: HookKind, rc: number): void;
  /** Overrides what an apply/revert action hook does to the functions' applied flags. */
  setHookMarks(name: string, kind: "apply" | "revert", how: HookMarks): void;
  /** An NMI on `cpu` now; `path`: Xen symbols do_nmi's path goes through (default do_nmi). */
  injectNmi(cpu: number, opts?: { path?: readonly string[] }): void;
  /** An NMI on `cpu` after `ns` more nanoseconds of virtual time. */
  scheduleNmi(cpu: number, ns: bigint | number, opts?: { path?: readonly string[] }): void;

  /** A copy of `len` bytes of simulated memory at `addr`; null when it cannot be read (unmapped, or over 64 MiB). */
  readMemory(addr: bigint, len: number): Uint8Array | null;
  /** Runs a Xen (or payload) function with integer arguments on CPU 0; a `run` event records it. */
  call(target: string, args: readonly bigint[]): CallResult;
  /** The mid-write NMI what-if for `payload`'s first function (see TornResult); leaves no trace. */
  torn(payload: string, written: number, cpu: number, rendezvous: boolean): TornResult;
  /**
   * `xl info`'s fields from Xen's own version functions. `quiet`: a look that leaves no trace (no
   * events, no panic, memory put back), for views between steps.
   */
  xlInfo(opts?: { quiet?: boolean }): XlInfo;
  /** A loaded payload's placement and state; null when no payload has that name. */
  payload(name: string): PayloadDetails | null;
  /** Per function, the bytes APPLY would write and where; null when no payload has that name. */
  previewPatch(name: string): PatchPreview[] | null;
  /** Every rule id the wasm's failure and panic events can carry. */
  ruleIds(): string[];
  /** Whom APPLY (without NODEPS) would check `.livepatch.depends` against now; a look, no events. */
  applyDependsTarget(): DependsTarget;
  /** Every event since boot (drains the wasm first). */
  events(): readonly LoggedEvent[];
  /** Xen's console lines since boot, as `dmesg` shows them (without the `(XEN) ` prefix). */
  consoleLines(): string[];
  debugKeys(key: string): string;
  halted(): boolean;
  payloadVersion(): number;
  /** Resolves when a spare instance is ready again after a trap. */
  ready(): Promise<void>;
}
