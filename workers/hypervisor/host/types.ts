// Plain data the hypervisor API hands out. Structured-clone friendly (no classes, no functions),
// so the same shapes cross the worker boundary unchanged.

export type Arch = "x86_64" | "aarch64" | "arm32";
export const ARCH_CODE: Record<Arch, number> = { x86_64: 1, aarch64: 2, arm32: 3 };

/** XEN_SYSCTL_LIVEPATCH_ACTION commands. */
export const ACTION = { UNLOAD: 1, REVERT: 2, APPLY: 3, REPLACE: 4 } as const;
export type ActionCmd = (typeof ACTION)[keyof typeof ACTION];

export const STATE = { CHECKED: 1, APPLIED: 2 } as const;
export const ACTION_APPLY_NODEPS = 1;
export const LIVEPATCH_FLAG_FORCE = 1;
export const DEFAULT_TIMEOUT_NS = 30_000_000;

/** Hook kinds in the order the wasm numbers them. */
export const HOOK_KINDS = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

/** What a simulated apply/revert action hook does to `fstate[].applied` (wasm numbering). */
export const HOOK_MARKS = ["consistent", "none", "all", "first"] as const;
export type HookMarks = (typeof HOOK_MARKS)[number];

export const MEM_PERM = { RX: 1, RW: 2, RO: 3 } as const;
export type MemPerm = (typeof MEM_PERM)[keyof typeof MEM_PERM];

export const SYMBOL_KIND = { NOTYPE: 0, OBJECT: 1, FUNC: 2 } as const;
export type SymbolKind = (typeof SYMBOL_KIND)[keyof typeof SYMBOL_KIND];

export interface XenSymbol {
  name: string;
  addr: bigint;
  size: number;
  kind: SymbolKind;
}

/** The GET hypercall: `ret` is the hypercall's return; `state`/`rc` are meaningful when it is 0. */
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
 * The LIST hypercall's return value and the struct's OUT fields (facts §8.2, 4.21+). Probe
 * (nr 0): `nr` = payload count, totals = bytes a full listing needs. Fetch: `rc` = entries
 * written (or −errno), `nr` = remaining (one too small after −ENOBUFS), totals = bytes used.
 * `version` is `payload_version` (1 at boot, +1 per successful UPLOAD and per UNLOAD); 0 when
 * the call failed its argument checks (the struct comes back unchanged).
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
export const STALL_PHASE_CODE: Record<StallPhase, number> = { idle: 0, irq: 1 };

export interface BootSpec {
  arch: Arch;
  cpus: number;
  buildId: Uint8Array | null;
}

/**
 * What `payloadJson` describes, as far as the host relies on it. The wasm may add fields; they
 * pass through untouched in `extra`.
 */
export interface PayloadDetails {
  name: string;
  [key: string]: unknown;
}
