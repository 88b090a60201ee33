// Every rule, table-driven: a case that triggers it (a committed sample, or a sample with a few
// bytes changed) and one that does not, run as a plan through the simulated hypervisor exactly as
// the CLI and the page run it. The expected rule per case is chosen by hand from Xen's checks.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, RULE_IDS, RULES, type AuditHost, type AuditResult, type PlanRole, type RuleId } from "./index.ts";
import { Patch, sample, withFuncsDoubled } from "./test-support/samples.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";

interface Case {
  files: [string, Uint8Array][];
  image?: string;
  roles?: PlanRole[];
}

const X = "x86_64/xen-syms";
const A = "aarch64/xen-syms";
const x = (n: string) => `x86_64/${n}.livepatch`;
const a64 = (n: string) => `aarch64/${n}.livepatch`;
const NONE = null;
const one = (path: string, image: string | null = X): Case => ({ files: [[path, sample(path)]], image: image ?? undefined });
const patched = (path: string, edit: (p: Patch) => void, image: string | null = X): Case => {
  const p = new Patch(sample(path));
  edit(p);
  return { files: [[path, p.bytes]], image: image ?? undefined };
};
const set = (paths: string[], image: string | undefined = X): Case => ({ files: paths.map((p) => [p, sample(p)]), image });

const NOP = x("xen_nop");
const HELLO = x("xen_hello_world");
const noteType = (section: string) => (p: Patch) => p.u32(p.section(section).dataOffset + 8, 4);

const withRoles = (c: Case, roles: PlanRole[]): Case => ({ ...c, roles });

/**
 * Rules a plan cannot reach: hypercall arguments the toolstack always gets right, actions a plan
 * never issues (REVERT, UNLOAD, a second action while one is pending), and timing. The hypervisor's
 * own tests drive each of them (workers/hypervisor/tests).
 */
const NOT_IN_A_PLAN: Partial<Record<RuleId, string>> = {
  "op-flags-invalid": "xen-livepatch always passes valid op flags",
  "payload-name-invalid": "the plan derives names from file names, as xen-livepatch does",
  "payload-not-found": "a plan only acts on payloads it uploaded",
  "list-nr-too-large": "a plan does not LIST",
  "list-pad-nonzero": "a plan does not LIST",
  "list-idx-out-of-range": "a plan does not LIST",
  "action-pad-nonzero": "xen-livepatch always zeroes the pad word",
  "action-already-scheduled": "a plan waits for each action to finish",
  "action-cmd-unknown": "xen-livepatch sends only UNLOAD, REVERT, APPLY and REPLACE",
  "action-pending": "a plan waits for each action to finish",
  "unload-not-checked": "a plan does not UNLOAD",
  "revert-not-top": "the rollback reverts the top of the applied stack first, the only order Xen takes",
  "hook-prerevert-failed": "the rollback runs REVERT again after a first veto (revert-vetoed-once, xen_prepost_hooks); a pre-revert hook that vetoes every REVERT needs a hook knob",
  "hook-revert-failed": "needs a revert action hook that fails and leaves the payload APPLIED (hook knob); Xen's xen_action_hooks_norevert fails but its post-revert hook reverts it",
  "reapply-refused": "a plan does not REVERT and apply again",
  "rendezvous-timeout": "a plan's CPUs always reach the rendezvous",
  "payload-no-memory": "needs a payload larger than the 2 MiB upload limit allows",
  "hook-preapply-failed": "no committed sample's pre-apply hook fails (Xen's xen_prepost_hooks_fail does: test:xen)",
  "hook-apply-failed": "no committed sample's apply action hook fails (Xen's xen_action_hooks_noapply does: test:xen)",
  "audit-incomplete": "only an internal error reaches it (a decoder or host that throws): src/audit/incomplete.test.ts drives it",
  "code-outcome-unknown": "the arm32 odd-branch hello sample's load hook does not return (Xen's JUMP24 rounding): src/audit/checks/arm32Code.test.ts drives it",
  "replace-revert-failed": "needs an applied payload whose revert hook fails (hook knob)",
  "action-inconsistent": "needs an action hook that marks only some functions applied (hook knob)",
  "expect-old-addr-zero": "after a successful upload every old_addr is resolved, so APPLY never sees 0",
  "patch-write-fault": "UPLOAD reads the old function's first bytes, so an unmapped old_addr fails there first",
  "func-outside-xen-text": "needs an ARM payload patching another payload's function (covered by the hypervisor's tests)",
  "dangling-pointer": "an accepted upload's dangling event is not a finding yet; the plan reports the fault it leads to (dangling-pointer-use)",
};

const CASES: Partial<Record<RuleId, [trigger: () => Case, clean: () => Case]>> = {
  "file-unreadable": [() => ({ files: [[HELLO, sample(HELLO).slice(0, 2000)]], image: X }), () => one(HELLO)],
  "plan-invalid": [() => withRoles(set([NOP, x("xen_replace_world")]), ["replace", "replace"]), () => withRoles(set([NOP, x("xen_replace_world")]), ["apply", "replace"])],
  "simulator-rule-unknown": [() => one(HELLO), () => one(HELLO)],
  "host-panic": [() => one(HELLO), () => one(HELLO)],
  // hello_world.c's unload hook hello_world_check with `cmp $0` for `cmp $1` (file byte .text.hello_world_check+11):
  // after APPLY and REVERT its counter is 2, 2-1 = 1 is above 0, so the rollback's REVERT reaches its ud2.
  "code-crash": [() => patched(HELLO, (p) => p.u8(Number(p.section(".text.hello_world_check").offset) + 11, 0)), () => one(HELLO)],
  "revert-vetoed-once": [() => one(x("xen_prepost_hooks")), () => one(HELLO)],
  // xen_replace_world has old_addr 0: Xen looks the name up through a pointer never relocated.
  "funcs-not-allocated": [() => patched(x("xen_replace_world"), (p) => p.shdr(".livepatch.funcs", "flags", 0)), () => one(x("xen_replace_world"))],
  "symtab-link-zero": [() => patched(NOP, (p) => p.shdr(".symtab", "link", 0)), () => one(NOP)],
  "reloc-info-zero": [() => patched(HELLO, (p) => p.shdr(".rela.livepatch.funcs", "info", 0)), () => one(HELLO)],
  // A NOBITS .livepatch.xen_depends far past the end of the file: Xen reads its note there.
  "note-read-fault": [() => patched(NOP, (p) => p.shdr(".livepatch.xen_depends", "type", 8).shdr(".livepatch.xen_depends", "offset", 1n << 24n)), () => one(NOP)],
  // Accepted with .modinfo in the freed upload buffer; APPLY faults displaying it.
  "dangling-pointer-use": [() => patched(HELLO, (p) => p.shdr(".modinfo", "flags", 0)), () => one(HELLO)],
  "payload-empty": [() => ({ files: [[NOP, new Uint8Array(0)]], image: X }), () => one(NOP)],
  "replace-vetoing-hooks": [() => withRoles(one(x("xen_prepost_hooks")), ["replace"]), () => withRoles(one(x("xen_replace_world")), ["replace"])],
  "func-name-unreadable": [() => patched(x("xen_replace_world"), (p) => p.addend(".rela.livepatch.funcs", 0, 1n << 40n)), () => one(x("xen_replace_world"))],
  // xen_changeset starts with ENDBR64: a NOP-out of new_size 4 leaves livepatch_insn_len() = 4 - 4 = 0; 8 writes 4 NOP bytes.
  "func-nop-endbr-only": [() => patched(x("xen_endbr"), (p) => p.reloc(".rela.livepatch.funcs", 1, { type: 0 }).u32(p.func(0, "new_size"), 4)), () => patched(x("xen_endbr"), (p) => p.reloc(".rela.livepatch.funcs", 1, { type: 0 }).u32(p.func(0, "new_size"), 8))],
  // hello applied, then a REPLACE whose expectation fails: Xen has reverted hello by then. replace_world replaces it cleanly.
  "replace-left-unpatched": [() => withRoles(set([HELLO, x("xen_expectations_fail")]), ["applied", "replace"]), () => withRoles(set([HELLO, x("xen_replace_world")]), ["applied", "replace"])],
  "func-nop-overrun": [() => patched(x("xen_endbr"), (p) => p.reloc(".rela.livepatch.funcs", 1, { type: 0 }).u32(p.func(0, "new_size"), 2)), () => one(x("xen_endbr"))],
  "payload-too-large": [() => ({ files: [[NOP, Uint8Array.from([...sample(NOP), ...new Uint8Array(2 * 1024 * 1024)])]], image: X }), () => one(NOP)],
  "payload-name-duplicate": [() => set([NOP, NOP]), () => set([NOP, HELLO])],
  "elf-header-unsupported": [() => patched(NOP, (p) => p.u16(16, 2)), () => one(NOP)],
  "elf-arch-unsupported": [() => one(NOP, A), () => one(NOP, X)],
  "elf-section-table-bad": [() => patched(NOP, (p) => p.u16(0x3e, 0)), () => one(NOP)],
  "elf-too-many-sections": [() => patched(NOP, (p) => p.u16(0x3c, 1024)), () => one(NOP)],
  "section-offset-bad": [() => patched(NOP, (p) => p.shdr(".livepatch.funcs", "offset", 0x10)), () => one(NOP)],
  "section-align-not-power-of-two": [() => patched(NOP, (p) => p.shdr(".livepatch.funcs", "addralign", 3)), () => one(NOP)],
  "section-addr-misaligned": [() => patched(NOP, (p) => p.shdr(".livepatch.funcs", "addr", 4)), () => one(NOP)],
  "section-nobits-too-large": [() => patched(x("xen_data_bss"), (p) => p.shdr(".bss", "size", 3 << 20)), () => one(x("xen_data_bss"))],
  "symtab-missing": [() => patched(NOP, (p) => p.shdr(".symtab", "type", 1)), () => one(NOP)],
  "symtab-duplicate": [() => patched(NOP, (p) => p.shdr(".strtab", "type", 2)), () => one(NOP)],
  "symtab-malformed": [() => patched(NOP, (p) => p.shdr(".symtab", "entsize", 8)), () => one(NOP)],
  "strtab-malformed": [() => patched(NOP, (p) => p.u8(p.section(".strtab").dataOffset + p.section(".strtab").dataSize - 1, 0x41)), () => one(NOP)],
  "arm32-thumb-symbol": [() => patched("arm32/xen_hello_world.livepatch", (p) => p.text("$a\0", "$t\0", p.section(".strtab").dataOffset), "arm32/xen-syms"), () => one("arm32/xen_hello_world.livepatch", "arm32/xen-syms")],
  "xen-depends-missing": [() => one(x("xen_no_xen_buildid")), () => one(NOP)],
  "xen-depends-malformed": [() => patched(NOP, noteType(".livepatch.xen_depends")), () => one(NOP)],
  "xen-depends-mismatch": [() => one(x("xen_wrong_xen_buildid")), () => one(NOP)],
  "xen-image-no-build-id": [() => one(NOP, "@no-build-id"), () => one(NOP)],
  "section-write-exec": [() => patched(HELLO, (p) => p.shdr(".text.xen_hello_world", "flags", 7)), () => one(HELLO)],
  "symbol-common": [() => patched(HELLO, (p) => p.symShndx("xen_extra_version", 0xfff2)), () => one(HELLO)],
  "symbol-unresolved": [() => patched(HELLO, (p) => p.text("xen_extra_version", "xen_extra_versioX", p.section(".strtab").dataOffset)), () => one(HELLO)],
  "symbol-section-reserved": [() => patched(HELLO, (p) => p.symShndx("hello_world_modinfo", 0xff00)), () => one(HELLO)],
  "symbol-section-out-of-range": [() => patched(HELLO, (p) => p.symShndx("hello_world_modinfo", 0x500)), () => one(HELLO)],
  "reloc-section-bad": [() => patched(HELLO, (p) => p.shdr(".rela.livepatch.funcs", "link", 0)), () => one(HELLO)],
  "reloc-rel-unsupported": [() => patched(HELLO, (p) => p.shdr(".rela.livepatch.funcs", "type", 9)), () => one(HELLO)],
  "reloc-symbol-none": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 0, { sym: 0 })), () => one(HELLO)],
  "reloc-symbol-out-of-range": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 0, { sym: 0xffff })), () => one(HELLO)],
  "reloc-against-ignored-symbol": [() => patched(HELLO, (p) => p.u16(p.symbolAt(4) + 6, p.section(".strtab").index)), () => one(HELLO)],
  "reloc-type-unsupported": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 0, { type: 10 })), () => one(HELLO)],
  "reloc-offset-out-of-range": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 0, { offset: 100n })), () => one(HELLO)],
  "reloc-overflow": [() => patched(HELLO, (p) => p.addend(".rela.text.hello_world_count", 0, 1n << 40n)), () => one(HELLO)],
  "depends-missing": [() => patched(NOP, (p) => p.rename(".livepatch.depends", ".livepatch.depend")), () => one(NOP)],
  "build-id-missing": [() => patched(NOP, (p) => p.rename(".note.gnu.build-id", ".note.gnu.build-i")), () => one(NOP)],
  "nothing-to-patch": [() => patched(NOP, (p) => p.rename(".livepatch.funcs", ".livepatch.func")), () => one(NOP)],
  // With its relocations gone too: Xen relocates before it looks at the patching sections.
  "patch-section-empty": [() => patched(NOP, (p) => p.shdr(".livepatch.funcs", "size", 0).shdr(".rela.livepatch.funcs", "size", 0)), () => one(NOP)],
  "funcs-size-not-multiple": [() => patched(NOP, (p) => p.shdr(".livepatch.funcs", "size", 100)), () => one(NOP)],
  "func-version-mismatch": [() => patched(NOP, (p) => p.u8(p.func(0, "version"), 1)), () => one(NOP)],
  "func-old-size-zero": [() => patched(NOP, (p) => p.u32(p.func(0, "old_size"), 0)), () => one(NOP)],
  "func-old-addr-unresolved": [
    () => patched(x("xen_replace_world"), (p) => p.text("xen_extra_version", "xen_extra_versioX")),
    () => one(x("xen_replace_world")),
  ],
  "func-old-size-too-small": [() => one(x("xen_too_small")), () => one(NOP)],
  "func-nop-too-long": [() => patched(NOP, (p) => p.u32(p.func(0, "new_size"), 40).u32(p.func(0, "old_size"), 40)), () => one(NOP)],
  "func-nop-exceeds-old-size": [() => patched(NOP, (p) => p.u32(p.func(0, "new_size"), 20).u32(p.func(0, "old_size"), 10)), () => one(NOP)],
  "func-old-addr-unmapped": [() => patched(HELLO, (p) => p.addend(".rela.livepatch.funcs", 2, 1n << 36n)), () => one(HELLO)],
  // readelf -r: .rela.livepatch.funcs record 1 fills new_addr, record 2 old_addr; +2 is not 4-byte aligned.
  "func-new-addr-misaligned": [() => patched(a64("xen_hello_world"), (p) => p.addend(".rela.livepatch.funcs", 1, 2n), A), () => one(a64("xen_hello_world"), A)],
  "func-old-addr-misaligned": [() => patched(a64("xen_hello_world"), (p) => p.addend(".rela.livepatch.funcs", 2, 2n), A), () => one(a64("xen_hello_world"), A)],
  "func-distance-out-of-range": [() => patched(a64("xen_hello_world"), (p) => p.addend(".rela.livepatch.funcs", 2, 1n << 36n), A), () => one(a64("xen_hello_world"), A)],
  "hook-size-bad": [() => patched(x("xen_prepost_hooks"), (p) => p.shdr(".livepatch.hooks.preapply", "size", 16)), () => one(x("xen_prepost_hooks"))],
  "build-id-malformed": [() => patched(NOP, noteType(".note.gnu.build-id")), () => one(NOP)],
  "build-id-duplicate": [() => ({ files: [[HELLO, sample(HELLO)], ["other/hello_again.livepatch", sample(HELLO)]], image: X }), () => set([HELLO, NOP])],
  "depends-malformed": [() => patched(NOP, noteType(".livepatch.depends")), () => one(NOP)],
  "bug-frames-size": [() => patched(x("xen_alternatives"), (p) => p.shdr(".bug_frames.1", "size", 12)), () => one(x("xen_alternatives"))],
  "alternatives-malformed": [() => patched(x("xen_alternatives"), (p) => p.rename(".altinstr_replacement", ".altinstr_replacemen")), () => one(x("xen_alternatives"))],
  "alternatives-too-long": [() => patched(x("xen_alternatives"), (p) => p.u8(p.section(".altinstructions").dataOffset + 12, 0)), () => one(x("xen_alternatives"))],
  "alt-call-sites-bad": [() => patched(HELLO, (p) => p.rename(".livepatch.hooks.unload", ".alt_call_sites")), () => one(HELLO)],
  "ex-table-size": [() => patched(x("xen_alternatives"), (p) => p.shdr(".ex_table", "size", 12)), () => one(x("xen_alternatives"))],
  "section-unsupported-on-arch": [() => patched(a64("xen_hello_world"), (p) => p.rename(".livepatch.hooks.unload", ".ex_table"), A), () => one(a64("xen_hello_world"), A)],
  "modinfo-malformed": [() => patched(HELLO, (p) => p.u8(p.section(".modinfo").dataOffset + p.section(".modinfo").dataSize - 1, 0x58)), () => one(HELLO)],
  "symbol-duplicate-export": [() => set([x("xen_dup_a"), x("xen_dup_b")]), () => set([x("xen_dup_a")])],
  "depends-chain-mismatch": [() => one(x("xen_bye_world")), () => set([HELLO, x("xen_bye_world")])],
  "expect-reserved-bits": [() => patched(x("xen_expectations"), (p) => p.u8(p.func(0, "expect"), 0x11 | 0x40)), () => one(x("xen_expectations"))],
  "expect-len-exceeds-old-size": [() => patched(x("xen_expectations"), (p) => p.u8(p.func(0, "expect"), (9 << 1) | 1)), () => one(x("xen_expectations"))],
  "expect-mismatch": [() => one(x("xen_expectations_fail")), () => one(x("xen_expectations"))],
  "hook-null-entry": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.hooks.load", 0, { offset: 8n })), () => one(HELLO)],
  // sh_info past the section table: Xen passes over the section, and xen_hello_world's call stays unrelocated.
  "reloc-section-skipped": [() => patched(HELLO, (p) => p.shdr(".rela.text.xen_hello_world", "info", 0xffffffff)), () => one(HELLO)],
  // sh_info 30 (.note.GNU-stack, not SHF_ALLOC): Xen skips it, and .text.xen_hello_world keeps its placeholder.
  "reloc-section-meant-for-loaded": [() => patched(HELLO, (p) => p.shdr(".rela.text.xen_hello_world", "info", 30)), () => one(HELLO)],
  "reloc-section-target-unloaded": [
    () => patched(HELLO, (p) => p.shdr(".rela.text.xen_hello_world", "info", 30).reloc(".rela.text.xen_hello_world", 0, { offset: 0x100n })),
    () => one(HELLO),
  ],
  "reloc-section-untyped": [() => patched(HELLO, (p) => p.shdr(".rela.text.xen_hello_world", "type", 1)), () => one(HELLO)],
  // hello world's one record twice: funcs[1] saves funcs[0]'s jmp, and REVERT writes it back.
  "func-writes-overlap": [() => ({ files: [[HELLO, withFuncsDoubled(sample(HELLO)).bytes]], image: X }), () => one(HELLO)],
  // new_addr relocated against .modinfo's object (read-only data) / one byte into xen_hello_world.
  "func-new-addr-not-code": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 1, { sym: p.symbol("hello_world_modinfo").index })), () => one(HELLO)],
  // The same new_addr: xl info's XENVER_extraversion2 then branches from xen_extra_version into .modinfo.
  "call-after-apply-crashes": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.funcs", 1, { sym: p.symbol("hello_world_modinfo").index })), () => one(HELLO)],
  "func-new-addr-not-function-start": [() => patched(HELLO, (p) => p.addend(".rela.livepatch.funcs", 1, 1n)), () => one(HELLO)],
  "func-patch-overruns-symbol": [() => patched(x("xen_too_small"), (p) => p.u32(p.func(0, "old_size"), 5)), () => one(HELLO)],
  "func-old-size-mismatch": [() => one(x("xen_expectations_fail")), () => one(HELLO)],
  "func-old-addr-not-function-start": [() => patched(HELLO, (p) => p.addend(".rela.livepatch.funcs", 2, 1n)), () => one(HELLO)],
  // The NUL ending "xen_extra_version" (all of .rodata.str1.1) made 'A': no NUL before the section ends; old_addr stays relocated.
  "func-name-not-string": [() => patched(HELLO, (p) => p.u8(p.section(".rodata.str1.1").dataOffset + 17, 0x41)), () => one(HELLO)],
  "func-name-mismatch": [() => patched(HELLO, (p) => p.text("xen_extra_version", "xen_major_version", p.section(".rodata.xen_hello_world.str1.1").dataOffset)), () => one(HELLO)],
  // REPLACE reverts hello before it applies replace_world: the two are never applied together.
  "func-patched-twice": [() => set([HELLO, x("xen_bye_world")]), () => withRoles(set([HELLO, x("xen_replace_world")]), ["apply", "replace"])],
  "replace-reverts": [() => withRoles(set([HELLO, x("xen_replace_world")]), ["apply", "replace"]), () => set([HELLO, x("xen_bye_world")])],
  "func-patch-ends-inside-instruction": [() => one(x("xen_nop_thunk")), () => one(NOP)],
  // The thunk function's jmp retargeted to +2, inside the 5-byte NOP a new_size of 5 writes.
  "func-branch-into-patch": [() => ({ ...patched(x("xen_nop_thunk"), (p) => p.u32(p.func(0, "new_size"), 5)), image: "@branch-into-nop" }), () => one(NOP)],
  // xen_extra_version starts with a 7-byte lea; xen_major_version with a 5-byte mov.
  "func-jump-ends-inside-instruction": [() => one(HELLO), () => one(x("xen_alternatives"))],
  "func-applied-byte-set": [() => patched(NOP, (p) => p.u8(p.func(0, "applied"), 1)), () => one(NOP)],
  "not-safe-to-reapply": [() => one(x("xen_data_bss")), () => one(NOP)],
  // The WARN frame's file pointer moved 1 MiB past .rodata.bug_file: the addend of .rela.bug_frames.1's
  // second record (readelf -r: .rodata.bug_file + 0x4e000004, 16 bytes into the 24-byte record).
  "bug-frame-file-unreadable": [() => patched(x("xen_alternatives"), (p) => p.word(p.section(".rela.bug_frames.1").dataOffset + 24 + 16, 0x4e100004n)), () => one(x("xen_alternatives"))],
  "hook-not-function": [() => patched(HELLO, (p) => p.reloc(".rela.livepatch.hooks.load", 0, { sym: p.symbol("livepatch_xen_hello_world").index })), () => one(HELLO)],
  "depends-target": [() => one(HELLO), () => patched(NOP, (p) => p.rename(".livepatch.depends", ".livepatch.depend"))],
  "hook-runs": [() => one(HELLO), () => one(NOP)],
  // .symtab linked to the build-id note, not a string table: no symbol has a name.
  "fields-unresolved": [() => patched(HELLO, (p) => p.shdr(".symtab", "link", 1)), () => one(HELLO)],
  "func-endbr-skip": [() => one(x("xen_endbr")), () => one(HELLO)],
  "func-no-expectation": [() => one(HELLO), () => one(x("xen_expectations"))],
  "unchecked-xen-build-id": [() => one(NOP, NONE), () => one(NOP)],
  "unchecked-symbols": [() => one(HELLO, NONE), () => one(HELLO)],
  "unchecked-old-function": [() => one(HELLO, NONE), () => one(HELLO)],
  "unchecked-expectations": [() => one(x("xen_expectations"), NONE), () => one(x("xen_expectations"))],
  "unchecked-displacement": [() => one(HELLO, NONE), () => one(HELLO)],
  "elf-unparsable": [() => ({ files: [["junk.livepatch", new TextEncoder().encode("not an ELF object at all, just text")]], image: X }), () => one(NOP)],
};

function imageOf(path: string): { file: string; bytes: Uint8Array } {
  if (path === "@branch-into-nop") {
    const p = new Patch(sample(X));
    const t = p.elf.symbolTables.find((x) => x.sectionType === 2)!;
    const text = p.section(".text");
    const at = text.dataOffset + Number(t.value[t.name.indexOf("xen_thunk_minor_version")] - text.addr) + 5;
    p.bytes.set([0xe9, 0xf8, 0xff, 0xff, 0xff], at); // jmp to the function's +2 (next insn at +10)
    return { file: "xen-syms (thunk jmp retargeted)", bytes: p.bytes };
  }
  if (path !== "@no-build-id") return { file: path, bytes: sample(path) };
  const p = new Patch(sample(X));
  p.u32(p.section(".note.gnu.build-id").dataOffset + 8, 4);
  return { file: "xen-syms (build-id removed)", bytes: p.bytes };
}

let host: AuditHost;
const decoder = createSyncDisassembler(nodeEngines);
beforeAll(async () => {
  host = await nodeAuditHost();
  await Promise.all([decoder.load("x86_64"), decoder.load("aarch64")]);
});

async function run(c: Case): Promise<{ files: { file: string; bytes: Uint8Array }[]; result: AuditResult }> {
  const files = c.files.map(([file, bytes], i) => ({ file, bytes, role: c.roles?.[i] ?? ("apply" as const) }));
  const image = c.image ? imageOf(c.image) : null;
  return { files, result: await runAudit({ image: image ? { file: image.file, bytes: image.bytes } : null, files }, host, { decoder: (m) => decoderForMachine(decoder, m) }) };
}

/** Rules no input can trigger on a correct simulator: they exist so a gap fails closed. */
const UNREACHABLE = new Set<RuleId>(["simulator-rule-unknown", "host-panic"]);

describe("audit rules", () => {
  it("has a trigger and a clean case for every rule a plan can reach, and a reason for the others", () => {
    expect([...Object.keys(CASES), ...Object.keys(NOT_IN_A_PLAN)].sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(RULE_IDS.filter((id) => !UNREACHABLE.has(id) && CASES[id]))("%s", async (id) => {
    const [trigger, clean] = CASES[id]!;
    const t = await run(trigger());
    const hit = t.result.findings.filter((f) => f.id === id);
    expect(hit.length, `${id} not raised; got ${t.result.findings.map((f) => f.id).join(", ")}`).toBeGreaterThan(0);
    for (const f of hit) {
      expect(f.severity).toBe(RULES[id].severity);
      expect(f.why).toBe(RULES[id].why);
      expect(f.message.length).toBeGreaterThan(10);
      if (f.offset !== undefined) expect(f.offset).toBeLessThan(Math.max(...t.files.map((x) => x.bytes.length)));
    }
    if (RULES[id].severity === "error") expect(t.result.verdict).toBe("reject");
    const c = await run(clean());
    expect(c.result.findings.filter((f) => f.id === id)).toEqual([]);

    // An upload/apply failure's rc is the step's: the hypercall's return, or the status rc.
    const hypercallStage = RULES[id].stage === "upload" || RULES[id].stage === "apply";
    for (const f of hypercallStage ? hit.filter((h) => h.rc !== undefined) : []) {
      const name = t.result.files[f.fileIndex!].name;
      const step = t.result.steps.find((st) => st.name === name && (f.rcKind === "status" ? st.statusRc === f.rc : st.ret === f.rc));
      expect(step, `${id}: no step of ${name} returned ${f.rc} (${f.rcKind})`).toBeDefined();
    }
  });
});
