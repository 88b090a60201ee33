// The rule catalogue: every finding id the audit can emit, with its severity, when it bites, the
// step of Xen's UPLOAD (xen/common/livepatch.c, livepatch_upload) or ACTION
// (livepatch_action) that orders it, and the reason a reviewer reads. The checks themselves live
// only in the simulated hypervisor (workers/hypervisor/assembly/rules.ts names them); this file is
// their review metadata, plus the review rules that are not Xen checks.
import type { FindingSeverity, FindingStage } from "./types.ts";

export const EPERM = 1;
export const EBUSY = 16;
export const ENOENT = 2;
export const E2BIG = 7;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOSYS = 38;
export const ENODATA = 61;
export const EOVERFLOW = 75;
export const EOPNOTSUPP = 95;

export interface Rule {
  severity: FindingSeverity;
  stage: FindingStage;
  /** Xen's check order: the step in xen/common/livepatch.c: livepatch_upload() -> load_payload_data() for upload rules, 1 (dependencies) / 2 (expectations) for apply. */
  step: number;
  /** The usual return code; a finding may carry a different one (e.g. −ENODATA for a note). */
  rc?: number;
  why: string;
}

const up = (step: number, rc: number, why: string): Rule => ({ severity: "error", stage: "upload", step, rc, why });
const ap = (step: number, rc: number, why: string): Rule => ({ severity: "error", stage: "apply", step, rc, why });
const rt = (why: string): Rule => ({ severity: "error", stage: "runtime", step: 0, why });
const unreadable: Rule = { severity: "error", stage: "read", step: 0, why: "The audit could not read this file whole, so it cannot vouch for it, whatever the simulated Xen did with the parts Xen reads (Xen never reads some sections, such as debug information); a file it could not read is never passed." };
const warn = (why: string): Rule => ({ severity: "warning", stage: "review", step: 0, why });
const info = (why: string): Rule => ({ severity: "info", stage: "review", step: 0, why });

export const RULES = {
  // --- before anything runs ---
  "file-unreadable": unreadable,
  "plan-invalid": { severity: "error", stage: "read", step: 0, why: "The plan cannot happen on a real host as written, so no verdict about it can be trusted." },
  "audit-incomplete": {
    severity: "error",
    stage: "read",
    step: 0,
    why: "The audit stopped before it finished (an internal error, quoted); what it had found so far is listed, but a plan it could not finish checking is never passed.",
  },
  "simulator-rule-unknown": { severity: "error", stage: "upload", step: 0, why: "The simulated Xen refused or did not finish a step without naming one of the checks this audit knows; the audit fails closed rather than guess." },
  "host-panic": rt("The simulated Xen crashed while carrying out the plan (Xen's panic message is quoted): on a real host this takes the machine down."),
  // --- UPLOAD, in Xen's order ---
  "payload-too-large": up(2, -EINVAL, "Xen copies at most 2 MiB from the toolstack; a bigger payload is refused before it is even read."),
  "payload-name-duplicate": up(4, -EEXIST, "Payload names are unique on a host; the second upload under a name already loaded fails."),
  "elf-header-unsupported": up(7, -EOPNOTSUPP, "Xen loads only version-1 relocatable objects (ld -r output, SYSV or FreeBSD OS/ABI) without program headers."),
  "elf-arch-unsupported": up(7, -EOPNOTSUPP, "The payload must be built for the architecture, class and byte order of the hypervisor that loads it."),
  "elf-section-table-bad": up(7, -EINVAL, "Xen checks the section header table fits in the file and names a section-name table; otherwise nothing else can be trusted."),
  "elf-too-many-sections": up(7, -EOPNOTSUPP, "Xen caps payloads at 1023 sections."),
  "section-offset-bad": up(7, -EINVAL, "Every section's bytes must lie inside the file and after the ELF header, or Xen refuses to read it."),
  "section-align-not-power-of-two": up(7, -EOPNOTSUPP, "Xen places sections by rounding up to sh_addralign, which only works for powers of two."),
  "section-addr-misaligned": up(7, -EINVAL, "A section whose sh_addr is not a multiple of its own alignment is malformed; Xen refuses it."),
  "section-nobits-too-large": up(7, -EINVAL, "Xen refuses writable or allocated NOBITS sections (.bss) larger than 2 MiB, to bound the memory a payload can take."),
  "symtab-missing": up(7, -EINVAL, "Without a symbol table Xen cannot relocate the payload or find its functions."),
  "symtab-duplicate": up(7, -EOPNOTSUPP, "Xen accepts exactly one SHT_SYMTAB section."),
  "symtab-malformed": up(7, -EINVAL, "The symbol table must be non-empty, with whole entries of at least the ELF symbol size, and link to a valid string table."),
  "strtab-malformed": up(7, -EINVAL, "Xen requires its string tables to start and end with NUL and every name offset to lie inside them, so no name read can run off the end."),
  "arm32-thumb-symbol": up(7, -EINVAL, "Xen runs no Thumb code; a $t mapping symbol means Thumb instructions were compiled into the payload."),
  "xen-depends-missing": up(8, -EINVAL, "Since Xen 4.14 every payload must name the hypervisor build it was made for in .livepatch.xen_depends; without it the upload is refused."),
  "xen-depends-malformed": up(8, -EINVAL, "The .livepatch.xen_depends note must be a well-formed GNU build-id note, or Xen cannot compare it."),
  "xen-depends-mismatch": up(8, -EINVAL, "The payload was built against a different hypervisor build; its offsets and assumptions do not hold for this one, so Xen refuses it."),
  "xen-image-no-build-id": up(8, -ENODATA, "A hypervisor without a build-id cannot check .livepatch.xen_depends, so it refuses every payload."),
  "section-write-exec": up(9, -EOPNOTSUPP, "Xen never maps payload memory writable and executable at once."),
  "symbol-common": up(10, -EINVAL, "COMMON symbols have no storage in a relocatable object; build with -fno-common."),
  "symbol-unresolved": up(10, -ENOENT, "Every undefined symbol must exist in the hypervisor's symbol table (locals as file#name) or be exported by a payload loaded earlier."),
  "symbol-section-reserved": up(10, -EOPNOTSUPP, "A symbol in a processor- or OS-specific reserved section index cannot be placed by Xen."),
  "symbol-section-out-of-range": up(10, -EINVAL, "The symbol claims a section that does not exist."),
  "reloc-section-bad": up(11, -EINVAL, "A relocation section must link to the symbol table and hold whole entries."),
  "reloc-rel-unsupported": up(11, -EOPNOTSUPP, "x86-64 and AArch64 Xen apply only RELA relocations (addend in the record)."),
  "reloc-symbol-none": up(11, -EOPNOTSUPP, "A relocation against symbol 0 has no target; Xen refuses it."),
  "reloc-symbol-out-of-range": up(11, -EINVAL, "The relocation names a symbol index past the end of the symbol table."),
  "reloc-against-ignored-symbol": up(11, -EINVAL, "The symbol lives in a section Xen does not load (no SHF_ALLOC), so it has no address to relocate against."),
  "reloc-type-unsupported": up(11, -EOPNOTSUPP, "Xen implements only a fixed set of relocation types per architecture; anything else is refused."),
  "reloc-offset-out-of-range": up(11, -EINVAL, "The relocation would write past the end of the section it patches."),
  "reloc-overflow": up(11, -EOVERFLOW, "The relocated value does not fit the field (a 32-bit PC-relative offset or a branch range) at the addresses Xen would load the payload."),
  "depends-missing": up(12, -EINVAL, "Every payload must carry .livepatch.depends, the build-id it stacks on (Xen's, or the previous payload's)."),
  "build-id-missing": up(12, -EINVAL, "Every payload must carry its own build-id (.note.gnu.build-id) so later payloads can depend on it."),
  "nothing-to-patch": up(13, -EINVAL, "A payload needs .livepatch.funcs or at least one hook section; otherwise there is nothing for Xen to do."),
  "patch-section-empty": up(13, -EINVAL, "A patching section that exists but is empty is treated as a broken build."),
  "funcs-size-not-multiple": up(14, -EINVAL, "The .livepatch.funcs array must hold whole struct livepatch_func records of the size this Xen expects."),
  "func-version-mismatch": up(14, -EOPNOTSUPP, "Every record's version must equal the hypervisor's LIVEPATCH_PAYLOAD_VERSION (2 since Xen 4.14)."),
  "func-old-size-zero": up(14, -EINVAL, "old_size tells Xen how much of the old function it may overwrite; 0 is refused."),
  "func-old-addr-unresolved": up(14, -ENOENT, "With old_addr 0, Xen looks the function up by name; a name it cannot find means there is nothing to patch."),
  "func-old-size-too-small": up(14, -EINVAL, "The old function must be big enough for the branch Xen writes (5 bytes on x86, 9 after an ENDBR64; one 4-byte instruction on ARM)."),
  "func-old-addr-unmapped": rt("On x86 UPLOAD reads the first 4 bytes of the old function (is_endbr64() in arch_livepatch_verify_func(), a plain read with no fixup); an address the hypervisor has not mapped makes it take a fatal page fault: the hypercall never returns and the host is down."),
  "func-nop-too-long": up(14, -EOPNOTSUPP, "A NOP-out may cover at most 31 bytes (28, in whole 4-byte instructions, on ARM): Xen saves the original bytes in a 31-byte buffer."),
  "func-nop-exceeds-old-size": up(14, -EINVAL, "NOP-ing more bytes than the old function has would overwrite whatever follows it."),
  "func-distance-out-of-range": up(14, -EOVERFLOW, "The branch from the old function to the new one must reach: ±2 GiB on x86, ±128 MiB on ARM64, ±32 MiB on ARM32."),
  "hook-size-bad": up(15, -EINVAL, "Load/unload hook sections hold whole pointers; the other hook sections exactly one pointer."),
  "build-id-malformed": up(16, -EINVAL, "The payload's own build-id note must parse, or nothing can depend on it."),
  "build-id-duplicate": up(17, -EEXIST, "Two payloads with the same build-id cannot be loaded together: Xen uses the build-id to tell them apart in dependency checks."),
  "depends-malformed": up(18, -EINVAL, "The .livepatch.depends note must be a well-formed GNU build-id note."),
  "bug-frames-size": up(19, -EINVAL, "Bug-frame sections must hold whole 8-byte frames."),
  "alternatives-malformed": up(19, -EINVAL, "Each .altinstructions entry must patch bytes inside the payload's text with bytes from .altinstr_replacement; Xen applies them at upload."),
  "alternatives-too-long": up(19, -ENOSPC, "An alternative's replacement must fit in the original instruction plus its padding."),
  "alt-call-sites-bad": up(19, -EINVAL, "Each .alt_call_sites entry must point at a 6-byte indirect call inside the payload's text."),
  "ex-table-size": up(19, -EINVAL, "The exception table must hold whole 8-byte entries."),
  "section-unsupported-on-arch": up(19, -EOPNOTSUPP, "This architecture's Xen has no support for the section (.ex_table and .alt_call_sites are x86 only)."),
  "modinfo-malformed": up(19, -EINVAL, ".modinfo must be non-empty and end with a NUL byte; Xen prints it as strings."),
  "symbol-duplicate-export": up(20, -EEXIST, "Every new (non-override) symbol a payload defines becomes visible to later payloads, so its name must not already exist in Xen or in a loaded payload."),
  // --- APPLY, in Xen's order ---
  "depends-chain-mismatch": ap(1, -EINVAL, "APPLY requires .livepatch.depends to equal the build-id of the last applied payload (or Xen's when none is applied), so stacked patches go on in the order they were built."),
  "expect-reserved-bits": ap(2, -EINVAL, "The expectation's reserved bits must be 0."),
  "expect-len-exceeds-old-size": ap(2, -ERANGE, "An expectation cannot check more bytes than the old function has."),
  "expect-mismatch": ap(2, -EINVAL, "The payload expects specific bytes at the old function; the hypervisor has different ones, so it was built for other code and Xen refuses to apply it."),
  // --- accepted by Xen, but the host would break ---
  "hook-null-entry": rt("Xen calls every entry of a load/unload hook array; a NULL entry makes it jump to address 0 and crash the host."),
  "reloc-section-skipped": rt("Xen skips a relocation section whose sh_info names no section, without an error: the payload loads, and its code runs with the placeholders the assembler left where addresses belong."),
  "reloc-section-meant-for-loaded": rt(
    "Xen skips a relocation section whose sh_info names a section it does not load (no SHF_ALLOC), without an error (livepatch_elf_perform_relocs()). When the relocation section's name and offsets belong to a section Xen does load, that section runs, or is read, with the placeholders the assembler left where addresses belong.",
  ),
  "reloc-section-target-unloaded": warn(
    "Xen skips a relocation section whose sh_info names a section it does not load (no SHF_ALLOC), without an error. This one's name says it is for another section, so something the payload expects relocated may not be.",
  ),
  "reloc-section-untyped": rt("Xen applies only SHT_REL and SHT_RELA sections: one named like a relocation section with another type is passed over without an error, and the code it was meant to relocate runs with the assembler's placeholders."),
  "func-writes-overlap": rt(
    "Xen applies and reverts a payload's records in order (apply_payload() and revert_payload() loop forwards), each saving the bytes it overwrites and writing them back on REVERT; it does not check that two records of one payload write different bytes. When they overlap, the later record saves the earlier one's branch or NOPs instead of Xen's code, and REVERT, restoring it last, writes them back: the revert does not restore Xen's code, and after UNLOAD a branch left there leads into freed memory.",
  ),
  "replace-left-unpatched": rt("REPLACE reverts every applied payload before it checks and applies the replacing one; when that fails they stay reverted, so the host runs unpatched (Xen logs \"SYSTEM MIGHT BE INSECURE\"), and a reverted payload with writable data cannot be applied again without an unload and a new upload."),
  "func-new-addr-not-code": rt(
    "Xen checks only that the branch to new_addr reaches it, never what is there: a new_addr in the payload's data, in the image's data or in no section at all is not code, and the first call of the patched function, after APPLY, takes a fatal page fault.",
  ),
  "func-patch-ends-inside-instruction": rt(
    "Xen writes bytes, not instructions: a NOP-out whose NOPs end inside an instruction of the old function leaves the rest of that instruction in place, and the CPU, falling through the NOPs, runs it with whatever follows as a new instruction. No caller gets the function as built (the NOPs are reached from its entry and never branch), so this is never what a NOP-out means. A NOP-out sized for a 1-byte ret does this on builds that end functions with a 5-byte jmp to a return thunk, as Xen's own xen_nop does on such a build.",
  ),
  "call-after-apply-crashes": rt(
    "After APPLY the audit calls the patched functions it can call as Xen does (the version functions xl info asks for, on the simulated CPU, leaving the host as it was) and compares with the same calls before anything was patched: a crash only the patched host has is what the first xl info does on a real host after this APPLY, and the machine goes down.",
  ),
  "func-new-addr-misaligned": rt(
    "On AArch64 APPLY asks aarch64_insn_gen_branch_imm() for a B from old_addr to new_addr; branch_imm_common() (xen/arch/arm/arm64/insn.c) refuses a target that is not a multiple of 4 (\"A64 instructions must be word aligned\") and AARCH64_BREAK_FAULT, BRK #2, comes back instead. UPLOAD checks only sizes and the ±128 MiB range, so Xen accepts the payload; a release build writes the BRK over the old function and the first call of it traps (\"Unexpected Trap: Undefined Breakpoint Value\"), panicking the host; a debug build fails ASSERT(insn != AARCH64_BREAK_FAULT) during APPLY.",
  ),
  "func-old-addr-misaligned": rt(
    "On AArch64 APPLY asks aarch64_insn_gen_branch_imm() for a B from old_addr; branch_imm_common() (xen/arch/arm/arm64/insn.c) refuses a pc that is not a multiple of 4 and AARCH64_BREAK_FAULT, BRK #2, comes back instead. UPLOAD checks only sizes and the ±128 MiB range, so Xen accepts the payload; a release build writes the BRK's 4 bytes at the misaligned old_addr, across two of the old function's instructions, and the first call of it runs the damaged code; a debug build fails ASSERT(insn != AARCH64_BREAK_FAULT) during APPLY. On ARM32 arch_livepatch_apply() (xen/arch/arm/arm32/livepatch.c) encodes the B itself (or takes `mov r0, r0` for a NOP-out) and stores it through a uint32_t * at old_addr's place in the writable alias of Xen's text, with no alignment check at UPLOAD or there; Xen runs with HSCTLR.A set (alignment checking), so the misaligned store takes an alignment fault, a Data Abort in Xen inside the rendezvous, and the host panics during APPLY.",
  ),
  "func-patch-overruns-symbol": rt("The bytes Xen writes run past the end of the old function in the image, corrupting the code that follows it."),
  // --- warnings ---
  "func-old-size-mismatch": warn("old_size differs from the size of the function in the image; the payload may have been built against a different build."),
  "func-old-addr-not-function-start": warn("old_addr is not the start of a function in the image; Xen would write its branch into the middle of code."),
  "func-name-not-string": warn(
    "The record's name is not a C string (no NUL before its section ends, or bytes that are not a symbol name). Xen reads the name only to look it up when old_addr is NULL (prepare_payload(), resolve_old_address()); with old_addr set it accepts the record and only prints the name with %s (xl debug-keys x, a failed expectation's message), up to the first NUL in its memory. The inspector says the same (LP_NAME_NOT_STRING).",
  ),
  "func-name-mismatch": warn(
    "The function the record names is not the function at old_addr in the image; the payload may patch the wrong code. Not reported for a name that is not a C string (func-name-not-string): Xen never compares the name with old_addr's function, and such bytes name none.",
  ),
  "func-patched-twice": warn("When two payloads applied at once patch the same function, the later applied one's branch overwrites the earlier, and Xen refuses to revert them out of order."),
  "func-applied-byte-set": warn("Xen 4.14–4.18.0 trusted the record's 'applied' byte and would skip this function; newer Xen ignores it."),
  "bug-frame-file-unreadable": warn(
    "x86's do_bug_frame() (xen/common/bug.c) prints a WARN, BUG or ASSERT frame's file name only when it lies inside Xen or a loaded payload (is_kernel(), is_patch()); elsewhere it returns -EINVAL and do_invalid_op() goes to die, so a frame whose file name the payload does not hold turns a warning into a crash of the host when it is reached.",
  ),
  "not-safe-to-reapply": warn("The payload has writable data, so after a REVERT Xen refuses to APPLY it again (its data may be stale); it must be unloaded and uploaded afresh."),
  "func-branch-into-patch": warn("A branch left after the NOPs lands in the middle of one of them, so taking it runs part of a NOP instruction as new code."),
  "revert-vetoed-once": warn("The rollback's first REVERT was vetoed by the payload's pre-revert hook and a second one reverted it: whoever rolls the host back must expect to run REVERT twice."),
  "func-nop-endbr-only": warn("On an old function that starts with ENDBR64 Xen keeps those 4 bytes and NOPs out new_size - 4 bytes after them (livepatch_insn_len()); a NOP-out of exactly 4 bytes writes nothing, so APPLY succeeds and the function runs unchanged."),
  "func-new-addr-not-function-start": warn(
    "new_addr should be the start of a replacement function in the payload's own text; Xen branches to whatever it points at. The middle of a function, a spot no function holds, or Xen's own code runs something other than the replacement the payload was built to provide.",
  ),
  "hook-not-function": warn("A hook pointer that does not point at a function will crash or misbehave when Xen calls it."),
  // --- information ---
  "depends-target": info("APPLY checks .livepatch.depends against Xen's build-id or the payload applied just before."),
  "hook-runs": info("Hooks run payload code inside the hypervisor; reviewers should know what runs, and when."),
  "func-endbr-skip": info("The old function starts with ENDBR64; Xen keeps it and writes the branch 4 bytes later, so CET indirect-branch tracking still works."),
  "func-jump-ends-inside-instruction": info("The jump Xen writes covers part of an instruction; the rest of it stays as dead code, harmless unless something branches into the old function past its entry."),
  "replace-reverts": info("REPLACE reverts every applied payload, newest first, before it applies the replacing one: their functions run the replacing payload's code or Xen's own, they stay loaded as CHECKED, and reverting the replacing payload later brings none of them back."),
  "fields-unresolved": info(
    "A field filled by a relocation whose symbol the reader cannot resolve (symbol tables it cannot read or tell apart, a name it cannot read) has no known value, so the audit derives nothing from it: no NULL hook, no hook that is not a function, no NOP-out. Every view shows such a field as (unresolved).",
  ),
  "func-no-expectation": info("Without an expectation, APPLY does not verify that the bytes being replaced are the ones the payload was built against."),
  // Without an image, one finding per family of checks that could not run.
  "unchecked-xen-build-id": info("Without the target hypervisor image, .livepatch.xen_depends cannot be compared with its build-id; supply --xen (or load a xen-syms)."),
  "unchecked-symbols": info("Without the image, undefined symbols and old_addr/name lookups cannot be resolved, nor new symbols checked for clashes with Xen's."),
  "unchecked-old-function": info("Without the image, old_size cannot be compared with the function's real size, and ENDBR64 at the target cannot be detected."),
  "unchecked-expectations": info("Without the image, expectation bytes cannot be compared with the bytes at old_addr; APPLY would check them."),
  "unchecked-displacement": info("Without the image, Xen's placement of the payload and the old functions' addresses are unknown, so branch and relocation ranges cannot be checked."),
  "elf-unparsable": up(7, -EINVAL, "The file is not an ELF object Xen could read."),
  // --- hypercall arguments, action-time checks, the rendezvous, and what panics the host ---
  "op-flags-invalid": up(1, -EINVAL, "The sysctl's flags word may carry only FORCE; other bits are refused unless FORCE is set too."),
  "payload-name-invalid": up(1, -EINVAL, "A payload name is at most 127 bytes plus its NUL, and the name struct's pad words must be zero."),
  "payload-not-found": ap(0, -ENOENT, "No payload with this name is loaded."),
  "list-nr-too-large": up(1, -E2BIG, "LIST returns at most 1024 entries per call."),
  "list-pad-nonzero": up(1, -EINVAL, "LIST's pad word must be zero."),
  "list-idx-out-of-range": up(1, -EINVAL, "LIST's start index must be below the number of loaded payloads."),
  "action-pad-nonzero": ap(0, -EINVAL, "The action struct's pad word must be zero; Xen tests it before anything else."),
  "payload-empty": up(2, -EINVAL, "An upload of zero bytes is refused before anything is read."),
  "payload-no-memory": up(9, -ENOMEM, "Xen could not allocate the pages the payload's text, rw and ro regions need."),
  "funcs-not-allocated": rt("A .livepatch.funcs section without SHF_ALLOC is never loaded, so Xen reads the function records through a NULL pointer and the host crashes."),
  "func-name-unreadable": rt("With old_addr 0 Xen looks the function up by its name; a name pointer that points nowhere makes the hypervisor take a fatal page fault."),
  "action-already-scheduled": ap(0, -EBUSY, "An action for this payload is already waiting for its rendezvous."),
  "action-cmd-unknown": ap(0, -EOPNOTSUPP, "ACTION knows four commands (UNLOAD 1, REVERT 2, APPLY 3, REPLACE 4); any other cmd is refused, without a console line, once the payload is found and has no action scheduled."),
  "unload-not-checked": ap(0, -EINVAL, "Only a payload that is not applied (CHECKED) can be unloaded; revert it first."),
  "revert-not-top": ap(0, -EBUSY, "Payloads are reverted in the reverse order they were applied: only the top of the applied stack can go."),
  "hook-prerevert-failed": ap(3, -EPERM, "The payload's pre-revert hook vetoed the revert; the hypercall returns the hook's value and the status rc keeps it."),
  "reapply-refused": ap(0, -EINVAL, "A payload with writable data is not applied again after a revert (its data may be stale): the hypercall returns 0 and the status rc is −EINVAL. Unload it and upload it afresh."),
  "expect-old-addr-zero": ap(2, -EFAULT, "An enabled expectation needs an old function to compare with."),
  "hook-preapply-failed": ap(3, -EPERM, "The payload's pre-apply hook vetoed the apply; the hypercall returns the hook's value and the status rc keeps it."),
  "replace-vetoing-hooks": ap(1, -EOPNOTSUPP, "REPLACE is refused when the payload or any applied payload has a pre/post apply/revert hook: those hooks cannot be run in one rendezvous safely."),
  "action-pending": ap(4, -EBUSY, "Xen runs one action at a time; another payload's action is still waiting for its rendezvous. The status rc of this payload is left at −EAGAIN."),
  "rendezvous-timeout": ap(5, -EBUSY, "Every online CPU must reach the rendezvous (and then disable IRQs) within the action's timeout; one that does not makes the action give up with status rc −EBUSY, nothing patched."),
  "hook-apply-failed": ap(5, -EPERM, "The apply action hook, which replaces Xen's own apply routine, returned an error: the payload stays CHECKED with that status rc."),
  "hook-revert-failed": ap(5, -EPERM, "The revert action hook, which replaces Xen's own revert routine, returned an error: the payload stays APPLIED with that status rc."),
  "replace-revert-failed": ap(5, -EINVAL, "REPLACE reverts every applied payload first; one of those reverts failed, so the new payload is not applied."),
  "action-inconsistent": rt("After an apply or revert Xen checks every function's applied state against the rc; a partial result panics the host."),
  "func-nop-overrun": rt("A NOP-out longer than the 31-byte buffer Xen saves the original bytes in overruns it during APPLY and brings the host down."),
  "func-outside-xen-text": rt("On ARM Xen writes patches through a writable alias of its own text; an old function outside that text makes the write fault."),
  "patch-write-fault": rt("The address Xen writes the patch to is not mapped, so the write takes a fatal page fault."),
  "note-read-fault": rt("Xen reads a section (a note, .modinfo, .ex_table, an alternative) where the file says it is; outside the uploaded bytes that read takes a fatal page fault."),
  "symtab-link-zero": rt("A symbol table whose sh_link is 0 makes Xen 4.23 take section 0, which has no header, as the string table: it reads through a NULL pointer and the host crashes."),
  "reloc-info-zero": rt("A relocation section whose sh_info is 0 makes Xen 4.23 take section 0, which has no header, as the section to relocate: it reads through a NULL pointer and the host crashes."),
  "dangling-pointer": rt("A funcs, hook, build-id, depends, .modinfo, bug-frame or .ex_table section without SHF_ALLOC is accepted, but Xen keeps a pointer to it inside the upload buffer, which it frees when the upload ends: it leaves pointers into freed memory."),
  "dangling-pointer-use": rt("Xen read a payload's data through a pointer into the freed upload buffer (the section was not SHF_ALLOC): the host takes a fatal page fault."),
  "code-crash": rt("Code run on the simulated CPU (a payload's hook or replacement function, or Xen's own code it calls) crashed Xen: a fault no exception table fixes up, a BUG, a failed ASSERT or a panic()."),
  "code-outcome-unknown": rt(
    "Code run on the simulated CPU could not be run to its end (an instruction the interpreter does not implement, or its step budget: a hook that never returns hangs a real host inside the rendezvous), so what Xen does next is unknown and the simulation stops there rather than guess. The audit cannot vouch for a plan it could not finish, so it fails closed; `hook NAME KIND RC` in the simulator's console sets a hook's result to see the rest of the plan.",
  ),
} satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];


/**
 * Xen's refusals of an ELF header (its version/type/OS-ABI checks and its machine, class and byte
 * order check). When Xen refuses a file's header it never reads past it, so that refusal is the
 * file's headline; what the audit's own reader makes of the rest of the file comes after it.
 */
export const HEADER_REFUSALS: ReadonlySet<RuleId> = new Set<RuleId>(["elf-header-unsupported", "elf-arch-unsupported"]);

/**
 * Xen checks whose answer on a stand-in Xen (synthetic.ts) rests on what the stand-in took from the
 * files the audit could read: its build-id (from .livepatch.xen_depends), its symbols and old
 * functions (invented for the names and addresses the payloads use), the bytes an expectation wants,
 * its addresses. Each maps to the family the audit reports unchecked without an image. A file the
 * audit could not read gave the stand-in nothing, so such a refusal of it is no answer
 * (standInRefusal() in review.ts). depends-chain-mismatch rests on the stand-in only when it
 * compares with the hypervisor's build-id, not with an applied payload's.
 */
export const STAND_IN_ASSUMED: Readonly<Partial<Record<RuleId, RuleId>>> = {
  "xen-depends-mismatch": "unchecked-xen-build-id",
  "depends-chain-mismatch": "unchecked-xen-build-id",
  "symbol-unresolved": "unchecked-symbols",
  "func-old-addr-unresolved": "unchecked-symbols",
  "func-old-addr-unmapped": "unchecked-old-function",
  "expect-mismatch": "unchecked-expectations",
  "reloc-overflow": "unchecked-displacement",
  "func-distance-out-of-range": "unchecked-displacement",
};

/** Every rule id with its review metadata (the wasm's failure and panic events carry these ids). */
export const CATALOGUE: Readonly<Record<RuleId, Rule>> = RULES;
