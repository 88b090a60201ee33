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
