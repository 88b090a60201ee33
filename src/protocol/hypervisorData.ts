// Plain data the simulated hypervisor hands out besides its events (see ./hypervisor.ts):
// hypercall results, a loaded payload's placement and state, the patch preview, boot input.
// Structured-clone friendly, so the same shapes cross the worker boundary unchanged.
import type { Arch, DanglingWhat, HookKind, PayloadStateName } from "./hypervisor.ts";

/** The GET hypercall: `ret` is the hypercall's return; `state`/`rc` (the status rc) are meaningful when it is 0. */
export interface GetResult {
  ret: number;
  state: number;
  rc: number;
}

/** One LIST entry, in upload order. `metadata` is `.modinfo` verbatim (NUL separators kept). */
export interface ListEntry {
  name: string;
  state: number;
  rc: number;
  metadata: string;
}

/** One entry of a LIST fetch: a `ListEntry` plus the `len[k]` and `metadata_len[k]` Xen writes. */
export interface ListOpEntry extends ListEntry {
  nameLen: number;
  metaLen: number;
}

/**
 * The LIST hypercall's return value and the struct's OUT fields (Xen 4.21+). Probe (nr 0): `nr`
 * = payload count, totals = bytes a full listing needs. Fetch: `rc` = entries written (or
 * −errno), `nr` = remaining (one too small after −ENOBUFS), totals = bytes used. `version` is
 * `payload_version`; 0 when the call failed its argument checks.
 */
export interface ListOpResult {
  rc: number;
  idx: number;
  nr: number;
  version: number;
  nameTotal: number;
  metaTotal: number;
  entries: ListOpEntry[];
}

export type RegionName = "text" | "rw" | "ro";

export interface PlacedRegion {
  addr: string;
  size: number;
  pages: number;
}

/** Where one ALLOC section of the payload was loaded. */
export interface PlacedSection {
  /** Section index in the uploaded file. */
  index: number;
  name: string;
  region: RegionName;
  addr: string;
  size: number;
  /** sh_offset in the file (a NOBITS section has no bytes there). */
  offset: number;
  nobits: boolean;
}

/** A `struct livepatch_func` after relocation and old_addr resolution, with Xen's per-function state. */
export interface PlacedFunc {
  index: number;
  /** Where the record is in the uploaded file. */
  fileOffset: number;
  name: string;
  /** Where the record lives in the hypervisor. */
  struct: string;
  oldAddr: string;
  newAddr: string;
  oldSize: number;
  newSize: number;
  version: number;
  /** The 32-byte expectation block, hex. */
  expect: string;
  applied: boolean;
  /** Bytes past old_addr where the patch goes (4 after an x86 ENDBR64); meaningful once applied. */
  patchOffset: number;
  /** The original bytes Xen saved when it applied (hex). */
  saved: string;
}

export interface PayloadHook {
  kind: HookKind;
  section: string;
  /** Where the hook section was loaded. */
  addr: string;
  /** Xen's "hook enabled": the section exists and its (first) pointer is non-NULL. */
  present: boolean;
  pointers: string[];
}

export interface PayloadSymbol {
  name: string;
  addr: string;
  size: number;
  /** A new symbol later payloads can resolve against. */
  exported: boolean;
}

/** A loaded payload as the hypervisor keeps it: placement, functions, hooks, notes. */
export interface PayloadDetails {
  name: string;
  state: PayloadStateName;
  /** Status rc. */
  rc: number;
  reverted: boolean;
  safeToReapply: boolean;
  /** Xen's "vetoing" payload (a pre/post apply/revert hook): REPLACE refuses it, and refuses to run while it is applied. */
  vetoing: boolean;
  pages: number;
  /** The first byte of the allocation (the text region's address). */
  base: string;
  regions: Record<RegionName, PlacedRegion>;
  sections: PlacedSection[];
  funcs: PlacedFunc[];
  hooks: PayloadHook[];
  buildId: string;
  depends: string;
  xenDepends: string;
  /** `.modinfo` bytes as hex, or null. */
  modinfo: string | null;
  alternatives: number;
  altCalls: number;
  exTable: number;
  bugFrames: number[];
  symbols: PayloadSymbol[];
  /** Pointers Xen keeps into the freed upload buffer (sections that are not SHF_ALLOC). */
  dangling: { what: DanglingWhat; addr: string }[];
}

/** What APPLY would write for one function, from the code APPLY writes with. */
export interface PatchPreview {
  index: number;
  name: string;
  oldAddr: string;
  /** Where the bytes go: old_addr + patchOffset. */
  addr: string;
  patchOffset: number;
  insn: "branch" | "nop";
  target: string | null;
  /** The bytes (hex). */
  bytes: string;
  /** The bytes they replace: what is there now, or what was saved when already applied; null when unmapped. */
  old: string | null;
  applied: boolean;
  /** An apply action hook replaces Xen's own routine: APPLY writes nothing itself. */
  viaHook: boolean;
  /** A rule id when writing would bring the host down instead (with Xen's panic message). */
  fault: string | null;
  faultMessage: string | null;
  /**
   * A rule id when APPLY cannot put the branch the record asks for in place: AArch64's BRK #2
   * (AARCH64_BREAK_FAULT), which Xen writes when it cannot encode the branch (a misaligned
   * old_addr or new_addr; APPLY succeeds on a release build, the first call of the old function
   * brings the host down), or ARM32's word store at a misaligned old_addr, which takes an
   * alignment fault during APPLY (`fault` is then the same rule). `trapMessage` says so in words.
   * Null otherwise.
   */
  trap: string | null;
  trapMessage: string | null;
}

export type MemPerm = 1 | 2 | 3;
export type SymbolKind = 0 | 1 | 2;

export interface XenSymbol {
  name: string;
  addr: bigint;
  size: number;
  kind: SymbolKind;
}

export interface BootSpec {
  arch: Arch;
  cpus: number;
  buildId: Uint8Array | null;
  /** A debug build (CONFIG_DEBUG) also prints Xen's dprintk lines; the default is a release build. */
  debugBuild?: boolean;
}

/** Struct words a well-behaved caller leaves at 0; tests set them to reach Xen's checks. */
export interface HypercallExtras {
  /** `xen_sysctl_livepatch_op.flags` (FORCE = 1; other bits are refused unless FORCE is set). */
  opFlags?: number;
  /** `xen_livepatch_name.pad[]`, any non-zero value: −EINVAL. */
  namePad?: number;
}

export interface ActionExtras extends HypercallExtras {
  /** `xen_sysctl_livepatch_action.pad`: non-zero → −EINVAL (checked first). */
  pad?: number;
}

export interface ListExtras {
  /** `xen_sysctl_livepatch_list.pad`: non-zero → −EINVAL. */
  pad?: number;
  opFlags?: number;
}

/** Where a stall holds a CPU: on its way to the idle loop, or between `ready` and disabling IRQs. */
export type StallPhase = "idle" | "irq";

/** XEN_SYSCTL_LIVEPATCH_ACTION cmd numbers. */
export type ActionCmd = 1 | 2 | 3 | 4;


/** How a run of Xen's (or a payload's) code on the simulated CPUs ended. */
export type RunOutcome = "returned" | "crashed" | "unknown";

/** The `xl info` keys whose values come from Xen's own functions, in xl's order. */
export type XlInfoKey =
  | "xen_major"
  | "xen_minor"
  | "xen_extra"
  | "xen_version"
  | "xen_changeset"
  | "cc_compiler"
  | "cc_compile_by"
  | "cc_compile_domain"
  | "cc_compile_date"
  | "build_id";

/** One `xl info` field. `value` is null when the code gave none (`outcome` and `detail` say why). */
export interface XlInfoField {
  key: XlInfoKey;
  value: string | null;
  /** "missing": the image lacks the function; "not-reached": the host went down first. */
  outcome: RunOutcome | "missing" | "not-reached";
  /** The Xen functions the value comes from. */
  fns: string[];
  detail?: string;
}

export interface XlInfo {
  /** The host has crashed: nothing answers. */
  hostDown: boolean;
  fields: XlInfoField[];
}

/** The console's `call`: the function's outcome and counters (or `error` when it cannot be called). */
export type CallResult =
  | { error: string }
  | {
      fn: string;
      addr: string;
      outcome: RunOutcome;
      /** What it returned ("0x…"), when it returned. */
      value?: string;
      /** The printable NUL-terminated string `value` points at, if any. */
      string?: string;
      /** Why it crashed (Xen's panic message) or why its outcome is unknown. */
      detail?: string;
      instructions: number;
      calls: number;
      faults: number;
      fixups: number;
      services: number;
    };

/** An address the mid-write NMI's run went through, with Xen's %ps name for it (null: no text holds it). */
export interface TornPathEntry {
  addr: string;
  symbol: string | null;
}

/**
 * The console's `torn`: what an NMI handler calling a function sees when it lands after `written`
 * of the bytes APPLY writes there (byte strings are hex without spaces). A what-if: nothing stays.
 */
export type TornResult =
  | { error: string }
  | {
      payload: string;
      func: string;
      /** Where the bytes go (old_addr + patch offset) and the function's entry, which the handler calls. */
      addr: string;
      entry: string;
      insn: "branch" | "nop";
      bytes: string;
      written: number;
      /** The bytes there (one more than APPLY writes) before, and as the NMI finds them. */
      before: string;
      seen: string;
      /** plain: stores with no rendezvous; rendezvous: Xen's way, the NMI swallowed. */
      mode: "plain" | "rendezvous";
      cpu: number;
      /** Whether the handler ran the function mid-write. */
      entered: boolean;
      /** rendezvous: the bytes when the CPU next runs the function, after the release. */
      after?: string;
      run: { outcome: RunOutcome; value?: string; detail?: string; instructions: number; path: TornPathEntry[] };
    };
