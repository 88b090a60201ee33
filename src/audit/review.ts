// The reviewer's advice: what is worth knowing about a payload that Xen itself does not check.
// Facts about Xen's behaviour (where the payload landed, the old address Xen resolved, the bytes
// APPLY writes, re-apply safety) come from the simulator's placement; the file's own content comes
// from the livepatch model; the image's symbols tell what the old function really is.
import type { ElfFile } from "../elf/index.ts";
import { type HookKind, type HookSection, type LivepatchModel } from "../livepatch/index.ts";
import { escapeName, UNRESOLVED } from "../livepatch/label.ts";
import { makeFinding, type Where } from "./context.ts";
import type { CheckFailedEvent, PatchPreview } from "../protocol/hypervisor.ts";
import { rcText } from "../console/errno.ts";
import { reviewBoundaries, type Decode } from "./checks/boundaries.ts";
import { reviewRelocSections } from "./checks/relocSections.ts";
import { endbrOnlyNop } from "./checks/endbrNop.ts";
import { writeOverlaps } from "./checks/overlaps.ts";
import { reviewNewAddr } from "./checks/newAddr.ts";
import type { Placement } from "./host.ts";
import { recordLabels, type RecordLabel } from "./labels.ts";
import type { XenImage } from "./image.ts";
import type { PlanRole } from "./plan.ts";
import type { ReadFile } from "./read.ts";
import { RULES, STAND_IN_ASSUMED, type RuleId } from "./rules.ts";
import { nameNamelessRecord } from "../livepatch/index.ts";

const isRuleId = (id: string): id is RuleId => Object.prototype.hasOwnProperty.call(RULES, id);
import type { Finding } from "./types.ts";

export interface ReviewInput {
  file: string;
  fileIndex: number;
  elf: ElfFile;
  model: LivepatchModel;
  placement: Placement | null;
  image: XenImage | null;
  role: PlanRole;
  /** Build-ids of the other payloads in the plan, by file, to name what `.livepatch.depends` points at. */
  others: { file: string; buildId: string | null }[];
  /** The image's instruction decoder (instruction-boundary review); absent: that review is skipped. */
  decode?: Decode;
}

export interface Reviewed {
  file: string;
  fileIndex: number;
  placement: Placement | null;
  findings: Finding[];
  /** Where record `index`'s old_addr field is in the file (.livepatch.funcs), for a finding about what it patches. */
  oldAddrWhere(index: number): Where;
}

// Xen refuses a REPLACE when the replacing payload or any applied one has a pre/post apply or
// revert hook (has_payload_any_vetoing_hooks(), livepatch_applied_have_vetoing_hooks() in
// livepatch_action()): such a payload's hooks never run as part of one.
const VETOING = new Set<HookKind>(["preapply", "postapply", "prerevert", "postrevert"]);
const NO_REPLACE = "never in a REPLACE, which Xen refuses for a payload with pre/post hooks";

function when(kind: HookKind, vetoing: boolean): string {
  switch (kind) {
    case "load":
      return `on the master CPU inside the rendezvous, with IRQs off, before any function is patched (${vetoing ? `APPLY; ${NO_REPLACE}` : "native APPLY and the apply half of REPLACE"})`;
    case "unload":
      return `on the master CPU inside the rendezvous, with IRQs off, after the functions are reverted (${vetoing ? `REVERT; not on UNLOAD, and ${NO_REPLACE}` : "native REVERT and REPLACE; not on UNLOAD"})`;
    case "preapply":
      return "in hypercall context (dom0's vCPU, IRQs on) before APPLY is scheduled; a non-zero return vetoes the APPLY";
    case "apply":
      return "instead of Xen's own apply routine, inside the rendezvous: no load hooks or patching happen unless it does them, and it must leave every function's applied state consistent or Xen panics";
    case "postapply":
      return "on the master CPU after the rendezvous is released (IRQs back on), only when the action ran; never after REPLACE or a timeout";
    case "prerevert":
      return "in hypercall context before REVERT is scheduled; a non-zero return vetoes the REVERT";
    case "revert":
      return `instead of Xen's own revert routine (${vetoing ? `REVERT; ${NO_REPLACE}` : "REVERT, and when a later payload REPLACEs this one"}); it must keep the functions' state consistent or Xen panics`;
    case "postrevert":
      return "on the master CPU after the rendezvous is released, only when the REVERT ran";
  }
}

/**
 * A single hook (pre-/post- apply/revert, apply/revert action) whose pointer is NULL: Xen calls one
 * only `if ( is_hook_enabled(...) )`, `(hook) && *(hook)` (xen/common/livepatch.c), so it is skipped.
 * Only the load/unload arrays call every entry, NULL or not (hook-null-entry).
 */
function skippedSingleHook(h: HookSection): boolean {
  return h.kind !== "load" && h.kind !== "unload" && h.entries.length > 0 && h.entries.every((e) => e.pointer.target.kind === "null");
}

function skippedSingleHookText(kind: HookKind): string {
  const instead = kind === "apply" ? "; Xen runs its own apply_payload() instead" : kind === "revert" ? "; Xen runs its own revert_payload() instead" : "";
  return `${kind} hook is NULL: Xen skips it (is_hook_enabled() in xen/common/livepatch.c), so nothing runs and nothing can veto${instead}`;
}

const hexAddr = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

function hookTarget(h: HookSection, i: number): string {
  const t = h.entries[i].pointer.target;
  if (t.kind === "null") return "NULL";
  if (t.kind === "absolute") return hexAddr(t.value);
  if (t.kind === "unresolved") return UNRESOLVED;
  return t.addend ? `${t.symbol}+0x${t.addend.toString(16)}` : t.symbol;
}

export function reviewPayload(input: ReviewInput): Reviewed {
  const { file, fileIndex, model, placement, image } = input;
  const findings: Finding[] = [];
  const emit = (id: RuleId, message: string, where: Where = {}) => findings.push(makeFinding(id, message, where, { file, fileIndex }));
  const ptr = model.pointerSize;
  const funcWhere = (index: number, field: number, length: number): Where => {
    const fn = model.funcs[index];
    return { section: model.funcsSection ?? ".livepatch.funcs", offset: fn.offset + field, length, func: { index, name: fn.name.text } };
  };
  const oldAddrWhere = (index: number): Where => (model.funcs[index] ? funcWhere(index, 2 * ptr, ptr) : { section: model.funcsSection ?? ".livepatch.funcs" });

  // A NULL single hook is no hook: Xen's is_hook_enabled() skips it, for the vetoing check too.
  const vetoing = model.hooks.some((h) => VETOING.has(h.kind) && !skippedSingleHook(h));
  for (const h of model.hooks) {
    const where = { section: `.livepatch.hooks.${h.kind}`, sectionIndex: h.sectionIndex, offset: h.offset, length: Math.max(1, h.size) };
    if (skippedSingleHook(h)) {
      emit("hook-runs", skippedSingleHookText(h.kind), where);
      continue;
    }
    const names = h.entries.map((_, i) => hookTarget(h, i));
    emit("hook-runs", `${h.kind} hook${names.length > 1 ? "s" : ""} ${names.join(", ")} run${names.length > 1 ? "" : "s"} ${when(h.kind, vetoing)}`, where);
    h.entries.forEach((e, i) => {
      const t = e.pointer.target;
      const at = { section: where.section, sectionIndex: h.sectionIndex, offset: e.offset, length: ptr };
      if (t.kind === "null" && (h.kind === "load" || h.kind === "unload")) emit("hook-null-entry", `.livepatch.hooks.${h.kind}[${i}] is NULL; Xen would call address 0`, at);
      else if (t.kind === "symbol" && t.defined && t.symbolType !== undefined && t.symbolType !== 2) emit("hook-not-function", `.livepatch.hooks.${h.kind}[${i}] points at ${hookTarget(h, i)}, which is not a function`, at);
    });
  }

  // The reason fields are unresolved, said once per reason (LP_UNRESOLVED, from unresolvedSymbol()).
  for (const d of model.diagnostics) if (d.code === "LP_UNRESOLVED") emit("fields-unresolved", d.message);
  // A bug frame's file name the payload does not hold (LP_BUG_FILE_UNREADABLE, x86 only: bugframes.ts).
  for (const d of model.diagnostics)
    if (d.code === "LP_BUG_FILE_UNREADABLE") emit("bug-frame-file-unreadable", d.message, { section: d.section === undefined ? undefined : input.elf.sections[d.section]?.name, sectionIndex: d.section, offset: d.offset, length: 4 });

  for (const r of reviewRelocSections(input.elf)) emit(r.id, r.message, r.where);

  const d = model.depends;
  if (d?.buildId) {
    const xen = image?.buildId ?? model.xenDepends?.buildId ?? null;
    const other = input.others.find((o) => o.buildId === d.buildId);
    const target = d.buildId === xen ? "Xen itself" : other ? other.file : "a payload that is not in this plan";
    emit("depends-target", `depends on ${target} (${d.buildId})`, { section: d.section, sectionIndex: d.sectionIndex, offset: d.offset, length: Math.max(1, d.size) });
  }

  const labelOf = recordLabels(model, placement, image);
  /** Records whose name is not a C string: the name's bytes say nothing of old_addr's function. */
  const notCString = new Set<number>();
  for (const fn of model.funcs) {
    const label = labelOf(fn.index, fn.name.text);
    // A name that is not a C string, with the inspector's words and severity (nameNotStringCost()):
    // a warning when old_addr is set; when it is NULL the simulated Xen's failed lookup says it.
    const at = fn.name.reloc?.recordOffset ?? fn.name.offset;
    const notString = model.diagnostics.find((x) => x.code === "LP_NAME_NOT_STRING" && x.offset === at);
    if (notString) notCString.add(fn.index);
    if (notString?.severity === "warning") emit("func-name-not-string", `${label}: ${notString.message.slice(notString.message.indexOf(": ") + 2)}`, funcWhere(fn.index, 0, ptr));
    if (fn.appliedByte) emit("func-applied-byte-set", `${label}: the 'applied' byte is ${fn.appliedByte}`, funcWhere(fn.index, ptr === 8 ? 64 : 52, 1));
    if (fn.expect && !fn.expect.enabled) emit("func-no-expectation", `${label}: no expectation guards the bytes at old_addr`, funcWhere(fn.index, ptr === 8 ? 72 : 60, 1));
  }

  if (placement) {
    if (!placement.payload.safeToReapply) {
      const rw = placement.payload.sections.filter((s) => s.region === "rw" && s.size > 0 && s.name !== ".livepatch.funcs");
      const first = rw[0] ? input.elf.sections[rw[0].index] : null;
      emit(
        "not-safe-to-reapply",
        `writable data in ${rw.map((s) => `${s.name} (${s.size} bytes)`).join(", ")}: after a REVERT, APPLY sets status rc −EINVAL until the payload is unloaded and uploaded again`,
        first ? { section: first.name, sectionIndex: first.index, offset: first.header.offset, length: first.header.size } : {},
      );
    }
    for (const o of writeOverlaps(placement.patches)) {
      const pf = placement.patches.find((p) => p.index === o.later)!;
      const first = labelOf(o.earlier, placement.patches.find((p) => p.index === o.earlier)?.name);
      const n = Number(o.to - o.from);
      const what = o.earlierInsn === "nop" ? "NOPs" : "branch";
      const left =
        o.coversEarlier && o.earlierInsn === "branch"
          ? `puts funcs[${o.earlier}]'s branch back: Xen keeps running the payload's code there, and after UNLOAD branches into freed memory`
          : `leaves ${n} byte${n === 1 ? "" : "s"} of funcs[${o.earlier}]'s ${what} in Xen's code at ${hexAddr(o.from)}, not Xen's own bytes`;
      emit(
        "func-writes-overlap",
        `${labelOf(o.later, pf.name)}: its ${pf.bytes.length / 2}-byte write at ${pf.addr} overlaps ${first}'s at ${hexAddr(o.from)}..${hexAddr(o.to)}: APPLY (records in order) saves funcs[${o.earlier}]'s ${what} there instead of Xen's bytes, and REVERT restores funcs[${o.later}] after funcs[${o.earlier}], so it ${left}`,
        oldAddrWhere(o.later),
      );
    }
    for (const n of reviewNewAddr(input.elf, model, placement.payload.sections, placement.patches, image, labelOf)) emit(n.id, n.message, funcWhere(n.index, ptr, ptr));
    // What APPLY writes is a trap, not the branch (AArch64 BRK #2 for a misaligned old_addr or
    // new_addr): the simulated Xen's preview names the rule and says why (patch.ts brkTrap()).
    for (const pf of placement.patches) {
      if (!pf.trap) continue;
      const field = pf.trap === "func-old-addr-misaligned" ? 2 * ptr : ptr;
      const text = nameNamelessRecord(pf.trapMessage ?? "", pf.index, labelOf(pf.index, pf.name));
      // A rule the catalogue lacks is a simulator gap: fail closed, never skip it.
      if (isRuleId(pf.trap)) emit(pf.trap, text, funcWhere(pf.index, field, ptr));
      else emit("simulator-rule-unknown", `${text} (simulator rule ${pf.trap})`, funcWhere(pf.index, field, ptr));
    }
    for (const pf of placement.patches) reviewTarget(pf, placement.payload.funcs[pf.index]?.oldSize ?? 0, input, emit, funcWhere, labelOf, notCString.has(pf.index));
    if (image && input.decode && model.arch)
      for (const b of reviewBoundaries(model.arch, image, placement.patches, input.decode, labelOf))
        emit(b.id, b.message, b.field === "new_size" ? funcWhere(b.index, 3 * ptr, 4) : funcWhere(b.index, 2 * ptr, ptr));
  }
  return { file, fileIndex, placement, findings, oldAddrWhere };
}

function reviewTarget(pf: PatchPreview, oldSize: number, input: ReviewInput, emit: (id: RuleId, message: string, where?: Where) => void, funcWhere: (i: number, field: number, len: number) => Where, labelOf: RecordLabel, nameNotString: boolean): void {
  const { model, image } = input;
  const ptr = model.pointerSize;
  const fn = model.funcs[pf.index];
  if (!fn) return;
  const label = labelOf(pf.index, pf.name);
  const oldAddr = BigInt(pf.oldAddr);
  if (pf.patchOffset > 0 && pf.bytes.length > 0)
    emit("func-endbr-skip", `${label}: ${pf.oldAddr} starts with ENDBR64; Xen writes ${pf.bytes} at ${pf.addr}`, funcWhere(pf.index, 2 * ptr, ptr));
  const endbrOnly = endbrOnlyNop(pf, label);
  if (endbrOnly) emit("func-nop-endbr-only", endbrOnly, funcWhere(pf.index, 3 * ptr, 4));
  if (!image) return;
  const sym = image.symbolAt(oldAddr);
  if (!sym) {
    emit("func-old-addr-not-function-start", `${label}: old_addr ${pf.oldAddr} is not inside any function of ${image.file}`, funcWhere(pf.index, 2 * ptr, ptr));
    return;
  }
  if (sym.addr !== oldAddr) {
    emit("func-old-addr-not-function-start", `${label}: old_addr ${pf.oldAddr} is ${sym.name}+${hexAddr(oldAddr - sym.addr)}, not the start of a function`, funcWhere(pf.index, 2 * ptr, ptr));
    return;
  }
  const bare = (n: string) => n.slice(n.indexOf("#") + 1);
  // Xen reads a record's name only to look it up when old_addr is NULL (resolve_old_address() in
  // xen/common/livepatch.c); with old_addr set it never compares it with anything and only prints
  // it. A name that is not a C string (func-name-not-string, or the failed lookup) is the cause to
  // report: the bytes Xen reads up to a NUL in its memory name no function, so a mismatch is noise.
  if (pf.name && !nameNotString && bare(pf.name) !== bare(sym.name) && image.lookup(pf.name)?.addr !== oldAddr)
    emit("func-name-mismatch", `${label}: the record names ${escapeName(pf.name)}, but ${pf.oldAddr} is ${sym.name} in ${image.file}`, funcWhere(pf.index, 0, ptr));
  if (sym.size !== BigInt(oldSize)) emit("func-old-size-mismatch", `${label}: old_size is ${oldSize} but ${sym.name} is ${sym.size} bytes in ${image.file}`, funcWhere(pf.index, ptr === 8 ? 28 : 16, 4));
  const written = pf.patchOffset + pf.bytes.length / 2;
  if (sym.func && sym.size > 0n && BigInt(written) > sym.size)
    emit("func-patch-overruns-symbol", `${label}: Xen writes ${written} bytes at ${sym.name}, which is only ${sym.size} bytes long`, funcWhere(pf.index, ptr === 8 ? 28 : 16, 4));
}

/**
 * What the simulated Xen did when it applied a payload (plan indices, read from its state events):
 * the payloads still APPLIED under it, in order, and those its REPLACE reverted first.
 */
export interface AppliedOver {
  under: number[];
  replaced: number[];
}

/**
 * Two records that patch the same old function in two payloads the simulated Xen held APPLIED at
 * once (two records of one payload are writeOverlaps(), reviewed per payload) (the later one's branch wins, and Xen reverts only the top of the
 * applied list: "can't unload. Top is", −EBUSY). A REPLACE holds nothing at once: Xen reverts every
 * applied payload before it applies the replacing one (livepatch_do_action(), REPLACE), so for each
 * payload it reverted the finding says that instead, and which functions change hands or go back
 * to Xen's own code.
 */
export function patchedTwice(all: readonly Reviewed[], applies: ReadonlyMap<number, AppliedOver>): Finding[] {
  const out: Finding[] = [];
  const byIndex = new Map(all.map((r) => [r.fileIndex, r]));
  const what = (pf: PatchPreview) => pf.name || pf.oldAddr;
  for (const r of all) {
    const patches = r.placement?.patches ?? [];
    const file = { file: r.file, fileIndex: r.fileIndex };
    // A record patched twice is located at this (the later) payload's record, at its old_addr field,
    // as func-writes-overlap locates the later of two records of one payload.
    const push = (id: RuleId, msg: string, pf?: PatchPreview) => out.push(makeFinding(id, msg, pf ? { ...r.oldAddrWhere(pf.index), func: { index: pf.index, name: pf.name } } : {}, file));
    const a = applies.get(r.fileIndex);
    if (!a) continue;
    for (const pf of patches) {
      const prev = [...a.under].reverse().map((j) => byIndex.get(j)).find((o) => o?.placement?.patches.some((q) => q.oldAddr === pf.oldAddr));
      if (prev) push("func-patched-twice", `${what(pf)} is also patched by ${prev.file}; applied after it, this payload's branch wins, and ${prev.file} cannot be reverted before this one (−EBUSY)`, pf);
    }
    for (const j of a.replaced) {
      const o = byIndex.get(j);
      if (!o) continue;
      const theirs = o.placement?.patches ?? [];
      const shared = theirs.filter((q) => patches.some((pf) => pf.oldAddr === q.oldAddr)).map(what);
      const dropped = theirs.filter((q) => !patches.some((pf) => pf.oldAddr === q.oldAddr)).map(what);
      const runs = (n: string[]) => (n.length > 1 ? "run" : "runs");
      let msg = `the REPLACE first reverts ${o.file} (it stays loaded, as CHECKED)`;
      if (shared.length) msg += `: ${shared.join(", ")} then ${runs(shared)} this payload's code, and reverting this payload later restores Xen's own code there, not that payload's`;
      if (dropped.length) msg += `${shared.length ? "; " : ": "}${dropped.join(", ")}, which this payload does not patch, ${runs(dropped)} Xen's own code again`;
      push("replace-reverts", msg);
    }
  }
  return out;
}

/** What the stand-in takes from a file for each family of STAND_IN_ASSUMED checks. */
const STAND_IN_TAKES: Partial<Record<RuleId, string>> = {
  "unchecked-xen-build-id": "the build-id its .livepatch.xen_depends names",
  "unchecked-symbols": "the Xen symbols it uses",
  "unchecked-old-function": "its old functions",
  "unchecked-expectations": "the bytes its expectations want",
  "unchecked-displacement": "addresses that fit its branches and relocations",
};

/**
 * A stand-in Xen's refusal of a file the audit could not read, in a check whose answer rests on
 * what the stand-in took from the files (STAND_IN_ASSUMED): it took nothing from this one (the
 * reader could not read it), so the refusal is no answer about the real Xen, and no finding is
 * derived from it, as nothing is derived from an unresolved symbol (unresolvedSymbol()). The
 * family is said unchecked instead, naming the refusal the plan shows. Null for any other refusal.
 */
export function standInRefusal(f: CheckFailedEvent, op: string, file: { file: string; fileIndex: number }, prefix = ""): Finding | null {
  const family = STAND_IN_ASSUMED[f.rule as RuleId];
  if (!family || (f.rule === "depends-chain-mismatch" && f.other !== "hypervisor")) return null;
  return makeFinding(
    family,
    `${prefix}not checked: the stand-in Xen refused ${op} by ${f.rule}, ${rcText(f.rc)}, but the audit could not read this file, so the stand-in took nothing from it (${STAND_IN_TAKES[family]}) and its refusal says nothing of the real Xen's answer`,
    {},
    file,
  );
}

/** Without the image, the families of checks that ran only against assumptions. */
export function uncheckedFamilies(r: ReadFile, assumptions: readonly string[]): Finding[] {
  if (!r.model) return [];
  const file = { file: r.file, fileIndex: r.fileIndex };
  const out = [makeFinding("unchecked-xen-build-id", `.livepatch.xen_depends is taken as the target's build-id (${assumptions[0] ?? "assumed"})`, {}, file)];
  out.push(makeFinding("unchecked-symbols", `undefined symbols and name lookups resolve against invented Xen functions, not the real image`, {}, file));
  if (r.model.funcs.length) {
    out.push(makeFinding("unchecked-old-function", `old_size and ENDBR64 of ${r.model.funcs.length} old function(s) cannot be checked against the image`, {}, file));
    out.push(makeFinding("unchecked-displacement", "branch distances and relocation ranges hold for the stand-in Xen's addresses, not necessarily the real one's", {}, file));
    if (r.model.funcs.some((f) => f.expect?.enabled)) out.push(makeFinding("unchecked-expectations", "expectation bytes are assumed to be present; APPLY on the real host compares them", {}, file));
  }
  return out;
}
