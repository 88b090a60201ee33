// Every rule id a failure event can carry. Checks name their rule by one of these constants, so
// the wasm cannot emit an id this table lacks; ruleIds() hands the table to the host, where a test
// holds it against the audit's catalogue (src/audit/rules.ts, which keeps severity and "why").
const NAMES: string[] = [];

function rule(id: string): i32 {
  NAMES.push(id);
  return NAMES.length - 1;
}

export function ruleName(r: i32): string {
  return r >= 0 && r < NAMES.length ? NAMES[r] : "unknown";
}

/** Every id, comma-separated. */
export function ruleIds(): string {
  return NAMES.join(",");
}

// Arguments of any livepatch sysctl.
export const R_OP_FLAGS = rule("op-flags-invalid");
export const R_NAME = rule("payload-name-invalid");
export const R_NOT_FOUND = rule("payload-not-found");
export const R_LIST_NR = rule("list-nr-too-large");
export const R_LIST_PAD = rule("list-pad-nonzero");
export const R_LIST_IDX = rule("list-idx-out-of-range");
export const R_ACTION_PAD = rule("action-pad-nonzero");

// UPLOAD, in Xen's order.
export const R_PAYLOAD_EMPTY = rule("payload-empty");
export const R_TOO_LARGE = rule("payload-too-large");
export const R_NAME_DUP = rule("payload-name-duplicate");
export const R_ELF_UNPARSABLE = rule("elf-unparsable");
export const R_ELF_HEADER = rule("elf-header-unsupported");
export const R_ELF_ARCH = rule("elf-arch-unsupported");
export const R_SECTION_TABLE = rule("elf-section-table-bad");
export const R_TOO_MANY_SECTIONS = rule("elf-too-many-sections");
export const R_SECTION_OFFSET = rule("section-offset-bad");
export const R_SECTION_ALIGN = rule("section-align-not-power-of-two");
export const R_SECTION_ADDR = rule("section-addr-misaligned");
export const R_NOBITS_LARGE = rule("section-nobits-too-large");
export const R_SYMTAB_MISSING = rule("symtab-missing");
export const R_SYMTAB_DUP = rule("symtab-duplicate");
export const R_SYMTAB_BAD = rule("symtab-malformed");
export const R_STRTAB_BAD = rule("strtab-malformed");
export const R_THUMB = rule("arm32-thumb-symbol");
export const R_XEN_DEPENDS_MISSING = rule("xen-depends-missing");
export const R_XEN_DEPENDS_BAD = rule("xen-depends-malformed");
export const R_XEN_DEPENDS_MISMATCH = rule("xen-depends-mismatch");
export const R_XEN_NO_BUILD_ID = rule("xen-image-no-build-id");
export const R_WRITE_EXEC = rule("section-write-exec");
export const R_NO_MEMORY = rule("payload-no-memory");
export const R_SYM_COMMON = rule("symbol-common");
export const R_SYM_UNRESOLVED = rule("symbol-unresolved");
export const R_SYM_RESERVED = rule("symbol-section-reserved");
export const R_SYM_SECTION = rule("symbol-section-out-of-range");
export const R_RELOC_SECTION = rule("reloc-section-bad");
export const R_RELOC_REL = rule("reloc-rel-unsupported");
export const R_RELOC_SYM_NONE = rule("reloc-symbol-none");
export const R_RELOC_SYM_RANGE = rule("reloc-symbol-out-of-range");
export const R_RELOC_IGNORED = rule("reloc-against-ignored-symbol");
export const R_RELOC_TYPE = rule("reloc-type-unsupported");
export const R_RELOC_OFFSET = rule("reloc-offset-out-of-range");
export const R_RELOC_OVERFLOW = rule("reloc-overflow");
export const R_DEPENDS_MISSING = rule("depends-missing");
export const R_BUILD_ID_MISSING = rule("build-id-missing");
export const R_NOTHING = rule("nothing-to-patch");
export const R_PATCH_EMPTY = rule("patch-section-empty");
export const R_FUNCS_SIZE = rule("funcs-size-not-multiple");
export const R_FUNCS_NOALLOC = rule("funcs-not-allocated");
export const R_FUNC_VERSION = rule("func-version-mismatch");
export const R_FUNC_OLD_SIZE = rule("func-old-size-zero");
export const R_FUNC_NAME = rule("func-name-unreadable");
export const R_FUNC_UNRESOLVED = rule("func-old-addr-unresolved");
export const R_FUNC_TOO_SMALL = rule("func-old-size-too-small");
export const R_FUNC_UNMAPPED = rule("func-old-addr-unmapped");
export const R_FUNC_NOP_LONG = rule("func-nop-too-long");
export const R_FUNC_NOP_SIZE = rule("func-nop-exceeds-old-size");
export const R_FUNC_DISTANCE = rule("func-distance-out-of-range");
export const R_HOOK_SIZE = rule("hook-size-bad");
export const R_BUILD_ID_BAD = rule("build-id-malformed");
export const R_BUILD_ID_DUP = rule("build-id-duplicate");
export const R_DEPENDS_BAD = rule("depends-malformed");
export const R_BUG_FRAMES = rule("bug-frames-size");
export const R_ALT_BAD = rule("alternatives-malformed");
export const R_ALT_LONG = rule("alternatives-too-long");
export const R_ALT_CALLS = rule("alt-call-sites-bad");
export const R_EX_TABLE = rule("ex-table-size");
export const R_ARCH_SECTION = rule("section-unsupported-on-arch");
export const R_MODINFO = rule("modinfo-malformed");
export const R_SYM_DUP = rule("symbol-duplicate-export");

// ACTION (APPLY, REVERT, REPLACE, UNLOAD), in Xen's order.
export const R_SCHEDULED = rule("action-already-scheduled");
export const R_ACTION_CMD = rule("action-cmd-unknown");
export const R_UNLOAD_STATE = rule("unload-not-checked");
export const R_REVERT_TOP = rule("revert-not-top");
export const R_PREREVERT = rule("hook-prerevert-failed");
export const R_REAPPLY = rule("reapply-refused");
export const R_DEPENDS_CHAIN = rule("depends-chain-mismatch");
export const R_EXPECT_NO_OLD = rule("expect-old-addr-zero");
export const R_EXPECT_RSV = rule("expect-reserved-bits");
export const R_EXPECT_LEN = rule("expect-len-exceeds-old-size");
export const R_EXPECT_MISMATCH = rule("expect-mismatch");
export const R_PREAPPLY = rule("hook-preapply-failed");
export const R_REPLACE_HOOKS = rule("replace-vetoing-hooks");
export const R_PENDING = rule("action-pending");
export const R_TIMEOUT = rule("rendezvous-timeout");
export const R_APPLY_HOOK = rule("hook-apply-failed");
export const R_REVERT_HOOK = rule("hook-revert-failed");
export const R_REPLACE_REVERT = rule("replace-revert-failed");

// The host goes down (panic events).
export const R_HOOK_NULL = rule("hook-null-entry");
export const R_INCONSISTENT = rule("action-inconsistent");
export const R_NOP_OVERRUN = rule("func-nop-overrun");
export const R_OUTSIDE_ALIAS = rule("func-outside-xen-text");
export const R_WRITE_FAULT = rule("patch-write-fault");
export const R_NOTE_FAULT = rule("note-read-fault");
export const R_STRTAB_NULL = rule("symtab-link-zero");
export const R_RELOC_BASE_NULL = rule("reloc-info-zero");
export const R_DANGLING_USE = rule("dangling-pointer-use");

// Accepted, but Xen keeps pointers into the upload buffer it frees: dangling-pointer events.
export const R_DANGLING = rule("dangling-pointer");

// Accepted, and APPLY succeeds on a release build, but what it writes is not a branch: on AArch64
// branch_imm_common() (xen/arch/arm/arm64/insn.c) refuses a misaligned pc or target, and Xen writes
// AARCH64_BREAK_FAULT (BRK #2) over the old function; a debug build fails the ASSERT at APPLY.
export const R_OLD_ADDR_MISALIGNED = rule("func-old-addr-misaligned");
export const R_NEW_ADDR_MISALIGNED = rule("func-new-addr-misaligned");

// Code run on the simulated CPUs: a fault without a fixup, BUG, ASSERT or panic() crashes Xen;
// an instruction the interpreter lacks or the step budget leaves the outcome unknown, and the
// simulation stops there rather than guess.
export const R_CODE_CRASH = rule("code-crash");
export const R_RUN_UNKNOWN = rule("code-outcome-unknown");
