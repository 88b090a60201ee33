// An audit runs the reviewer's plan through the simulated hypervisor: what Xen accepts, refuses and
// writes is decided there alone (the wasm), and this module turns its typed failures into findings,
// then adds the review advice that is not a Xen check. Without an image it boots a stand-in Xen
// (synthetic.ts) and says which families of checks rest on assumptions.
import type { ElfFile } from "../elf/index.ts";
import { makeFinding, payloadName } from "./context.ts";
import type { CheckFailedEvent, PanicEvent } from "../protocol/hypervisor.ts";
import type { AuditHost, HostStep, Placement } from "./host.ts";
import { executionOrder, planProblem, type AuditPlan } from "./plan.ts";
import { readInput, type ReadFile } from "./read.ts";
import { reviewPayload, patchedTwice, standInRefusal, uncheckedFamilies, type AppliedOver, type Reviewed } from "./review.ts";
import { HEADER_REFUSALS, RULES, type RuleId } from "./rules.ts";
import { syntheticImage } from "./synthetic.ts";
import { imageHeading, xenImage, type XenImage } from "./image.ts";
import { machineLabel, nameNamelessRecord } from "../livepatch/index.ts";
import { recordLabels } from "./labels.ts";
import { exerciseRollback, rollbackSkipped } from "./rollback.ts";
import { replaceAborted } from "./replaceAbort.ts";
import type { Decode } from "./checks/boundaries.ts";
import { describeCallCrash, newCallCrash, patchedFunctions } from "./checks/calls.ts";
import type { AuditResult, Finding, PlanStep, Rollback } from "./types.ts";

function isRule(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}

function failureFinding(f: CheckFailedEvent, file: { file: string; fileIndex: number }, prefix: string): Finding {
  const id: RuleId = isRule(f.rule) ? f.rule : "simulator-rule-unknown";
  const func = f.func ? { index: f.func.index, name: f.func.name ?? null } : undefined;
  const text = isRule(f.rule) ? f.explanation : `${f.explanation} (simulator rule ${f.rule})`;
  const finding = makeFinding(id, `${prefix}${text}`, { section: f.section, sectionIndex: f.sectionIndex, offset: f.offset, length: f.length, func, rc: f.rc }, file);
  finding.rc = f.rc;
  finding.rcKind = f.rcKind;
  return finding;
}

/** A panic carries the rule that brought the host down when the simulator knows it. */
function panicFinding(p: PanicEvent, op: string, file: { file: string; fileIndex: number }, prefix: string): Finding {
  const id: RuleId = p.rule && isRule(p.rule) ? p.rule : "host-panic";
  // A host the simulator stops without a panic() (memory corruption Xen does not notice) has no message to quote.
  const what = p.message ? `the host panics during ${op}: "${p.message}"` : `the host goes down during ${op}, with no message from Xen`;
  return makeFinding(id, `${prefix}${what} (${p.explanation})`, {}, file);
}

function stepRecord(file: string, name: string, op: PlanStep["op"], s: HostStep): PlanStep {
  const rec: PlanStep = { file, name, op, ret: s.ret, console: s.console };
  if (s.state !== undefined) rec.state = s.state;
  if (s.statusRc !== undefined) rec.statusRc = s.statusRc;
  if (s.panic) rec.panic = s.panic.message;
  return rec;
}

/**
 * Errors that report what running the plan did to the host (the audit's own calls after APPLY), not
 * why: when the same file has an error for the same funcs record, that one is the cause.
 */
const OUTCOMES: ReadonlySet<string> = new Set(["call-after-apply-crashes"]);

/**
 * The first error's reason, for the one-line verdict; an outcome's cause instead of the outcome
 * (an AArch64 misaligned new_addr: func-new-addr-misaligned, not the crash of xl info's call of the
 * BRK #2 it leaves). Both stay in the findings.
 */
function reasonOf(findings: readonly Finding[]): string | null {
  const errors = findings.filter((f) => f.severity === "error");
  const first = errors[0];
  const cause = first && OUTCOMES.has(first.id) && first.func ? errors.find((f) => !OUTCOMES.has(f.id) && f.fileIndex === first.fileIndex && f.func?.index === first.func?.index) : undefined;
  const e = cause ?? first;
  // file-unreadable's message starts with its file already.
  return e ? `${e.file && !e.message.startsWith(e.file) ? `${e.file}: ` : ""}${e.message}` : null;
}

/**
 * A file whose header Xen refused leads with that refusal: the audit's reader, having read the file
 * in the layout its header claims, may fail on what it finds there (a section table past the end of
 * a file whose byte order was flipped), but that is a consequence of the header, not the reason Xen
 * gives. Its file-unreadable finding moves to just after Xen's refusal and says what it follows.
 */
export function headerRefusalFirst(findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const refusal of findings.filter((f) => f.fileIndex !== undefined && HEADER_REFUSALS.has(f.id as RuleId))) {
    const at = out.findIndex((f) => f.id === "file-unreadable" && f.fileIndex === refusal.fileIndex);
    if (at < 0 || at > out.indexOf(refusal)) continue;
    const [unreadable] = out.splice(at, 1);
    const context = { ...unreadable, message: `${unreadable.message}; this is how the audit reads the file past the header Xen refused (${refusal.id})` };
    out.splice(out.indexOf(refusal) + 1, 0, context);
  }
  return out;
}

export interface RunOptions {
  /** Files whose bytes could not be fetched at all, with the reason (no such file, ...). */
  unreadable?: ReadonlyMap<string, string>;
  /** Loads the instruction decoder for the image's ELF machine (instruction-boundary review). */
  decoder?: (machine: number) => Promise<Decode | undefined>;
}

/** What an audit has found and done so far: an audit that cannot finish reports it (runAudit()). */
interface SoFar {
  findings: Finding[];
  inputs: ReadFile[];
  steps: PlanStep[];
  placements: Map<number, Placement>;
}

/**
 * Runs the plan. An audit that cannot finish (an internal error anywhere: the decoder, the host, a
 * review) still answers: the error finding `audit-incomplete` first, with what was found and done
 * before it, so the verdict is a rejection and a JSON consumer gets a whole document. It never
 * fails open, and never without a report.
 */
export async function runAudit(plan: AuditPlan, host: AuditHost, opts: RunOptions = {}): Promise<AuditResult> {
  const sofar: SoFar = { findings: [], inputs: [], steps: [], placements: new Map() };
  try {
    return await auditPlan(plan, host, opts, sofar);
  } catch (e) {
    return incomplete(plan, host, sofar, e);
  }
}

async function incomplete(plan: AuditPlan, host: AuditHost, sofar: SoFar, e: unknown): Promise<AuditResult> {
  const why = e instanceof Error ? e.message : String(e);
  const findings = [makeFinding("audit-incomplete", `the audit could not finish (internal error: ${why}); what it found before that is listed below`, {}), ...sofar.findings];
  let halted = false;
  try {
    halted = await host.halted();
  } catch {
    // A host that cannot answer has nothing to add: the plan is rejected either way.
  }
  const result = finish(plan, sofar.inputs, findings, sofar.steps, null, plan.image === null, [], sofar.placements, halted, null, rollbackSkipped("the audit could not finish"));
  // Files the audit had not read yet are still named, as unread.
  if (sofar.inputs.length < plan.files.length)
    result.files = plan.files.map((f, i) => result.files.find((r) => r.file === f.file) ?? { file: f.file, name: payloadName(f.file), role: f.role, size: f.bytes.length, readable: false, placement: sofar.placements.get(i) ?? null });
  if (plan.image) result.image = { file: plan.image.file, arch: null, buildId: null };
  return result;
}

async function auditPlan(plan: AuditPlan, host: AuditHost, opts: RunOptions, sofar: SoFar): Promise<AuditResult> {
  const findings = sofar.findings;
  const problem = planProblem(plan.files);
  if (problem) findings.push(makeFinding("plan-invalid", problem, {}));

  const inputs: ReadFile[] = plan.files.map((f, i) => readInput(f.file, i, f.bytes, "payload", opts.unreadable?.get(f.file)));
  sofar.inputs = inputs;
  for (const r of inputs) if (r.unreadable) findings.push(r.unreadable);

  let image: XenImage | null = null;
  let imageElf: ElfFile | null = null;
  if (plan.image) {
    const r = readInput(plan.image.file, -1, plan.image.bytes, "image", opts.unreadable?.get(plan.image.file));
    if (r.unreadable || !r.elf) {
      const f = r.unreadable!;
      delete f.fileIndex;
      findings.push(f);
      return finish(plan, inputs, findings, [], null, false, [], new Map(), false, r.elf ? imageHeading(r.elf) : null);
    }
    imageElf = r.elf;
    image = xenImage(plan.image.file, r.elf);
  }

  // Every file whose bytes were fetched is uploaded, parsed or not: Xen refuses an empty upload or
  // one that is not ELF with its own return code, so the simulator must be asked. Every readable ELF
  // shapes the stand-in, payload or not; with none (a lone PNG) the stand-in is x86-64.
  const steps = sofar.steps;
  const placements = sofar.placements;
  // Which payloads the simulated Xen holds APPLIED, in order, read from its state events only;
  // and, for each payload it applied, the ones still applied under it and those its REPLACE reverted.
  const byName = new Map<string, number>();
  let applied: number[] = [];
  const track = (s: HostStep) => {
    for (const e of s.states) {
      const at = byName.get(e.payload);
      if (at === undefined) continue;
      applied = applied.filter((j) => j !== at);
      if (e.state === "APPLIED") applied.push(at);
    }
  };
  const applies = new Map<number, AppliedOver>();
  const fetched = plan.files.some((f) => !opts.unreadable?.has(f.file));
  if (!imageElf && !fetched) return finish(plan, inputs, findings, steps, null, false, []);
  const readable = inputs.filter((r): r is ReadFile & { elf: ElfFile } => r.elf !== null);
  const synthetic = imageElf ? null : syntheticImage(readable.map((r) => ({ elf: r.elf, model: r.model })));
  await host.boot(imageElf ? { real: imageElf } : { synthetic: synthetic! });
  // The version functions as the image was built, called once before anything is patched: a crash
  // after APPLY counts only when the calls before it did not crash (a stand-in's functions are no evidence).
  let calls = image ? await host.versionCalls() : null;

  for (const i of executionOrder(plan.files)) {
    const pf = plan.files[i];
    // Bytes that could not be fetched are not the file: uploading their empty stand-in would add a
    // refusal (payload-empty) and a step Xen never saw; file-unreadable already rejects the plan.
    if (opts.unreadable?.has(pf.file)) continue;
    const file = { file: pf.file, fileIndex: i };
    const name = payloadName(pf.file);
    const prefix = pf.role === "applied" ? "on the host: " : "";
    // A stand-in took nothing from a file the audit could not read: its refusals that rest on what
    // the stand-in took are no answer (standInRefusal()); Xen's own checks of the bytes still are.
    const noAnswer = synthetic !== null && inputs[i].unreadable !== null;
    const refusal = (f: CheckFailedEvent, op: string) => (noAnswer && standInRefusal(f, op, file, prefix)) || failureFinding(f, file, prefix);
    const up = await host.upload(name, pf.bytes);
    if (up.ret === 0) byName.set(name, i);
    track(up);
    steps.push(stepRecord(pf.file, name, "upload", up));
    for (const f of up.failures) findings.push(refusal(f, "UPLOAD"));
    if (up.panic) findings.push(panicFinding(up.panic, "UPLOAD", file, prefix));
    // A host that panicked answers no later hypercall: the plan stops at the step that brought it down.
    if (await host.halted()) break;
    if (up.ret !== 0) continue;
    const placed = await host.placement(name);
    if (placed) placements.set(i, placed);
    if (pf.role === "upload") continue;
    const cmd = pf.role === "replace" ? "REPLACE" : "APPLY";
    const before = applied;
    const act = await host.action(name, cmd);
    track(act);
    if (applied.includes(i)) {
      // In the order Xen reverted them (newest first), as its state events say.
      const replaced = [...new Set(act.states.map((e) => byName.get(e.payload)))].filter((j): j is number => j !== undefined && before.includes(j) && !applied.includes(j));
      applies.set(i, { under: applied.filter((j) => j !== i), replaced });
    }
    steps.push(stepRecord(pf.file, name, cmd === "REPLACE" ? "replace" : "apply", act));
    const refused = act.failures.map((f) => refusal(f, cmd));
    findings.push(...refused);
    if (cmd === "REPLACE" && !applied.includes(i)) {
      // Xen reverted the applied payloads before the REPLACE failed: say so (replaceAbort.ts).
      const reapply = (n: string) => {
        const j = byName.get(n);
        return j === undefined ? null : (placements.get(j)?.payload.safeToReapply ?? null);
      };
      findings.push(...replaceAborted({ act, name, before: before.map((j) => payloadName(plan.files[j].file)), safeToReapply: reapply, file, prefix }, refused));
    }
    if (act.panic) findings.push(panicFinding(act.panic, cmd, file, prefix));
    else if (act.failures.length === 0 && (act.ret !== 0 || act.state !== 2)) {
      // An outcome without a typed failure is a simulator gap: never read it as success.
      findings.push(makeFinding("simulator-rule-unknown", `${prefix}${cmd} did not apply (hypercall ${act.ret}, status rc ${act.statusRc ?? "?"}) and the simulator named no check`, { rc: (act.ret || act.statusRc) ?? undefined }, file));
    }
    if (await host.halted()) break;
    if (image && calls && applied.includes(i)) {
      // Call the patched functions as xl info does, on the host as this APPLY left it (checks/calls.ts);
      // a crash an earlier APPLY of the plan already caused is that one's finding.
      const patched = applied.flatMap((j) => patchedFunctions(placements.get(j)?.patches ?? [], image).map((p) => ({ ...p, mine: j === i })));
      const now = await host.versionCalls();
      const crash = newCallCrash(calls, now, patched);
      calls = now;
      const mine = crash && patched.find((p) => p.mine && crash.fns.includes(p.fn));
      if (crash) findings.push(makeFinding("call-after-apply-crashes", `${prefix}${describeCallCrash(crash, cmd)}`, mine ? { func: { index: mine.index, name: mine.name } } : {}, file));
    }
  }

  // The rollback: what the plan applied is reverted, top first, on the same host (rollback.ts).
  let rollback: Rollback;
  if (await host.halted()) rollback = rollbackSkipped("the host panicked during the plan");
  else if (applied.length === 0) rollback = rollbackSkipped("the plan left no payload applied");
  else {
    const files = plan.files.map((f) => ({ file: f.file, name: payloadName(f.file) }));
    const out = await exerciseRollback({ host, applied, files, failure: failureFinding, panic: panicFinding, record: stepRecord });
    findings.push(...out.findings);
    rollback = out.rollback;
  }

  // The wasm spells a nameless record funcs[<index>] (unnamed) (its funcRecordLabel()); a finding it
  // worded names the record as the review and every view do once the placement is known.
  for (const f of findings) {
    if (f.fileIndex === undefined || !f.func || f.func.name) continue;
    const r = inputs[f.fileIndex];
    f.message = nameNamelessRecord(f.message, f.func.index, recordLabels(r?.model ?? null, placements.get(f.fileIndex) ?? null, image)(f.func.index, null));
  }

  const decode = imageElf && opts.decoder ? await opts.decoder(imageElf.header.machine) : undefined;
  const reviewed: Reviewed[] = [];
  for (const r of inputs) {
    if (!r.elf || !r.model) continue;
    const others = inputs.filter((o) => o !== r).map((o) => ({ file: o.file, buildId: o.model?.buildId?.buildId ?? null }));
    const out = reviewPayload({ file: r.file, fileIndex: r.fileIndex, elf: r.elf, model: r.model, placement: placements.get(r.fileIndex) ?? null, image, role: plan.files[r.fileIndex].role, others, decode });
    findings.push(...out.findings);
    reviewed.push(out);
    if (!image) findings.push(...uncheckedFamilies(r, synthetic?.assumptions ?? []));
  }
  findings.push(...patchedTwice(reviewed, applies));
  return finish(plan, inputs, oneFindingPerTwin(findings), steps, image, !imageElf, synthetic?.assumptions ?? [], placements, await host.halted(), undefined, rollback);
}

/**
 * A rule the run and the review both raise for one file with the same words (ARM32's misaligned
 * old_addr: the preview's trap, which is also the panic during APPLY) is one finding: the run's,
 * which quotes Xen's panic, at the review's place in the file (the field Xen reads).
 */
export function oneFindingPerTwin(findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const located of findings) {
    if (located.offset === undefined) continue;
    const run = out.find((f) => f !== located && f.id === located.id && f.fileIndex === located.fileIndex && f.offset === undefined && f.message.includes(located.message));
    if (!run) continue;
    for (const k of ["section", "sectionIndex", "offset", "length", "func"] as const) if (located[k] !== undefined) Object.assign(run, { [k]: located[k] });
    out.splice(out.indexOf(located), 1);
  }
  return out;
}

function finish(
  plan: AuditPlan,
  inputs: ReadFile[],
  findings: Finding[],
  steps: PlanStep[],
  image: XenImage | null,
  assumed: boolean,
  assumptions: string[],
  placements: Map<number, Placement> = new Map(),
  halted = false,
  /** The image's machine and build-id, also when the image was refused after its header was read. */
  heading: { arch: string; buildId: string | null } | null = image ? { arch: machineLabel(image.machine), buildId: image.buildId } : null,
  rollback: Rollback = rollbackSkipped(steps.length ? "the plan left no payload applied" : "nothing was uploaded"),
): AuditResult {
  const ordered = headerRefusalFirst(findings);
  return {
    verdict: ordered.some((f) => f.severity === "error") ? "reject" : "accept",
    reason: reasonOf(ordered),
    findings: ordered,
    files: inputs.map((r) => ({ file: r.file, name: payloadName(r.file), role: plan.files[r.fileIndex].role, size: r.bytes.length, readable: !r.unreadable, placement: placements.get(r.fileIndex) ?? null })),
    image: plan.image ? { file: plan.image.file, arch: heading?.arch ?? null, buildId: heading?.buildId ?? null } : null,
    assumed,
    assumptions,
    steps,
    halted,
    rollback,
  };
}
