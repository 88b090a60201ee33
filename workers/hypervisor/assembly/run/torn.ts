// An NMI landing while a function is being rewritten (issue 15's lesson), as a what-if that leaves
// nothing behind: the bytes APPLY would write for a payload's first function (planPatch, the code
// applyFunc writes with) are stored one by one at old_addr; after `written` of them an NMI reaches
// `cpu`, whose handler calls that function.
//
// Plain copy, no rendezvous (what Xen does NOT do): the handler runs the half-written bytes on the
// simulated CPU, and the answer is whatever they make it do.
// Xen's way (xen/common/livepatch.c do_livepatch_work(), xen/arch/x86/livepatch.c
// arch_livepatch_mask()): every other CPU spins in the rendezvous with IRQs off, and while the
// master patches, mask_nmi_callback() swallows every NMI ("if we do receive 'real' NMIs we have
// lost them"), so the handler never reaches the function; the CPU next runs it after the release,
// whole. #MC is not masked there: a machine check still runs its handler.
import { findPayload } from "../payload";
import { planPatch, INSN_NOP } from "../patch";
import { memRead, memWrite } from "../memory";
import { jsonStr } from "../events";
import { toHex, hex64 } from "../bytes";
import { arch, ARCH_X86_64 } from "../image";
import { onlineCpus } from "../rendezvous";
import { isHalted } from "../halt";
import { runXen, RunContext, RunResult, quietBegin, quietEnd, OUTCOME_NAMES, OUTCOME_RETURNED, OUTCOME_UNKNOWN } from "./runner";
import { symbolText } from "./symbolize";
import { RETURN_SENTINEL } from "../cpu/consts";

/** Instructions traced from the handler's entry into the function (the path, not the whole run). */
const TRACE_STEPS: i32 = 8;

function nmiContext(cpu: i32): RunContext {
  const ctx = new RunContext();
  ctx.cpu = cpu;
  // An NMI handler runs with interrupts off.
  ctx.irqsOn = false;
  ctx.quiet = true;
  return ctx;
}

/** The first instructions the run executes: one quiet run per step, stopped by the budget. */
function trace(entry: u64, cpu: i32): u64[] {
  const pcs: u64[] = [entry];
  for (let n = 1; n < TRACE_STEPS; n++) {
    const ctx = nmiContext(cpu);
    ctx.budget = <u64>n;
    const r = runXen(entry, [], ctx);
    // Past the last ret the CPU is at the call's return sentinel: the run is over.
    if (r.outcome != OUTCOME_UNKNOWN || r.reason != "budget" || r.pc == RETURN_SENTINEL) break;
    pcs.push(r.pc);
  }
  return pcs;
}

function named(a: u64): string {
  const s = symbolText(a, false);
  return '{"addr":' + jsonStr(hex64(a)) + ',"symbol":' + (s === null ? "null" : jsonStr(s!)) + "}";
}

function runJson(r: RunResult, pcs: u64[]): string {
  let s = '{"outcome":' + jsonStr(OUTCOME_NAMES[r.outcome]);
  if (r.outcome == OUTCOME_RETURNED) s += ',"value":' + jsonStr(hex64(r.value));
  else s += ',"detail":' + jsonStr(r.message.length > 0 ? r.message : r.reason + (r.mnemonic.length > 0 ? " " + r.mnemonic : "") + " at " + hex64(r.pc));
  s += ',"instructions":' + r.insns.toString() + ',"path":[';
  for (let i = 0; i < pcs.length; i++) s += (i > 0 ? "," : "") + named(pcs[i]);
  return s + "]}";
}

/** JSON (TornResult in src/protocol/hypervisorData.ts), or {"error": ...}. */
export function tornJson(name: string, written: i32, cpu: i32, rendezvous: bool): string {
  if (isHalted()) return '{"error":"the host is down"}';
  if (arch != ARCH_X86_64) return '{"error":"only x86-64 payloads: an NMI is an x86 event"}';
  const p = findPayload(name);
  if (p === null) return '{"error":' + jsonStr("no payload " + name) + "}";
  if (p.funcs.length == 0) return '{"error":' + jsonStr(name + " patches no function") + "}";
  if (p.fstate[0].applied != 0) return '{"error":' + jsonStr(name + " is applied: revert it first") + "}";
  if (cpu < 0 || cpu >= onlineCpus()) return '{"error":' + jsonStr("no CPU " + cpu.toString()) + "}";
  const plan = planPatch(p, 0, -1);
  const insn = plan.insn;
  if (plan.fault >= 0 || insn.length == 0) return '{"error":' + jsonStr(name + "'s first function cannot be written: " + plan.explanation) + "}";
  if (written < 0 || written > insn.length) return '{"error":' + jsonStr("BYTES must be 0.." + insn.length.toString()) + "}";
  const before = memRead(plan.at, insn.length + 1);
  if (before === null) return '{"error":"old_addr is not mapped"}';
  const f = p.funcs[0];
  const entry = f.oldAddr;
  let s = '{"payload":' + jsonStr(name) + ',"func":' + jsonStr(f.name) + ',"addr":' + jsonStr(hex64(plan.at)) + ',"entry":' + jsonStr(hex64(entry));
  s += ',"insn":' + jsonStr(plan.kind == INSN_NOP ? "nop" : "branch") + ',"bytes":' + jsonStr(toHex(insn)) + ',"written":' + written.toString();
  s += ',"before":' + jsonStr(toHex(before!)) + ',"mode":' + jsonStr(rendezvous ? "rendezvous" : "plain") + ',"cpu":' + cpu.toString();
  quietBegin();
  memWrite(plan.at, insn, 0, written);
  s += ',"seen":' + jsonStr(toHex(memRead(plan.at, insn.length + 1)!));
  if (rendezvous) {
    // The handler stops in mask_nmi_callback(); the CPU runs the function after the release.
    memWrite(plan.at, insn, 0, insn.length);
    s += ',"entered":false,"after":' + jsonStr(toHex(memRead(plan.at, insn.length + 1)!));
  } else s += ',"entered":true';
  const pcs = trace(entry, cpu);
  const r = runXen(entry, [], nmiContext(cpu));
  quietEnd();
  return s + ',"run":' + runJson(r, pcs) + "}";
}
