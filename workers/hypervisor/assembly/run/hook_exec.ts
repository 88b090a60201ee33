// A payload hook run as code at Xen's moment, with Xen's argument: load/unload hooks take none;
// pre/post and action hooks get the payload's `struct payload` (laid out for the running Xen's
// architecture, run/payload_struct.ts: a 32-bit pointer on arm32). The hook event reports the run
// (instructions, calls, faults, fixups, services) and its outcome; a run that cannot finish
// (unsupported instruction, step budget) first gets a `run-stop` event saying exactly where.
import { Payload, HOOK_LOAD, HOOK_UNLOAD } from "../payload";
import { runXen, RunContext, RunResult, OUTCOME_UNKNOWN } from "./runner";
import { payloadStruct } from "./payload_struct";
import { symbolText } from "./symbolize";
import { runStopEvent } from "./report";

/**
 * True when hooks of this architecture can run: every architecture has an interpreter now
 * (x86-64 cpu/x86, AArch64 cpu/a64, ARM32 cpu/a32), so this is the one switch that says so.
 */
export function hooksRunnable(): bool {
  return true;
}

/** The name a hook's code goes by ("fn+0x0/0x16 [payload]" without the offset), or its address. */
export function codeName(fn: u64): string {
  const s = symbolText(fn, false);
  return s !== null ? s : "0x" + fn.toString(16);
}

/** Runs hook `fn` of `p` (kind from payload.ts) on `cpu`; `irqsOn` false inside the rendezvous. */
export function execHook(p: Payload, kind: i32, label: string, fn: u64, cpu: i32, irqsOn: bool): RunResult {
  const ctx = new RunContext();
  ctx.cpu = cpu;
  ctx.irqsOn = irqsOn;
  ctx.payload = p.name;
  ctx.crashWhat = "the " + label + " hook " + codeName(fn) + " crashed Xen";
  const args: u64[] = [];
  if (kind != HOOK_LOAD && kind != HOOK_UNLOAD) {
    args.push(payloadStruct(p));
  }
  const r = runXen(fn, args, ctx);
  if (r.outcome == OUTCOME_UNKNOWN) runStopEvent(r, cpu, p.name, fn);
  return r;
}
