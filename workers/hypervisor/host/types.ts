// The wasm's numbering for what crosses the boundary as plain numbers, and re-exports of the
// contract's data types (src/protocol/hypervisor.ts) for code that already imports from here.
import type { Arch, ActionCmd, HookKind, HookMarks, MemPerm, StallPhase, SymbolKind } from "../../../src/protocol/hypervisor.ts";

export type {
  ActionCmd,
  ActionExtras,
  Arch,
  BootSpec,
  GetResult,
  HookKind,
  HookMarks,
  HypercallExtras,
  ListEntry,
  ListExtras,
  ListOpEntry,
  ListOpResult,
  MemPerm,
  PatchPreview,
  PayloadDetails,
  StallPhase,
  SymbolKind,
  XenSymbol,
} from "../../../src/protocol/hypervisor.ts";

export const ARCH_CODE: Record<Arch, number> = { x86_64: 1, aarch64: 2, arm32: 3 };

/** XEN_SYSCTL_LIVEPATCH_ACTION commands. */
export const ACTION = { UNLOAD: 1, REVERT: 2, APPLY: 3, REPLACE: 4 } as const satisfies Record<string, ActionCmd>;

export const STATE = { CHECKED: 1, APPLIED: 2 } as const;
export const ACTION_APPLY_NODEPS = 1;
export const LIVEPATCH_FLAG_FORCE = 1;
export const DEFAULT_TIMEOUT_NS = 30_000_000;

/** Hook kinds in the order the wasm numbers them. */
export const HOOK_KINDS = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const satisfies readonly HookKind[];

/** What a simulated apply/revert action hook does to `fstate[].applied` (wasm numbering). */
export const HOOK_MARKS = ["consistent", "none", "all", "first"] as const satisfies readonly HookMarks[];

export const MEM_PERM = { RX: 1, RW: 2, RO: 3 } as const satisfies Record<string, MemPerm>;

export const SYMBOL_KIND = { NOTYPE: 0, OBJECT: 1, FUNC: 2 } as const satisfies Record<string, SymbolKind>;

export const STALL_PHASE_CODE: Record<StallPhase, number> = { idle: 0, irq: 1 };
