// One line of text per hypervisor event, for the timeline and anything else that lists events.
// Built from the typed fields only; every rc says whether it is the hypercall's return value or
// the payload's status rc.
import type { HvEvent, RcKind } from "../protocol/hypervisor.ts";
import { rcText } from "../console/errno.ts";
import { funcRecordLabel, nameNamelessRecord } from "../livepatch/label.ts";

/** "hypercall return −EINVAL (22)" or "status rc −EBUSY (16)". */
export function rcLabel(kind: RcKind, rc: number): string {
  return `${kind === "hypercall" ? "hypercall return" : "status rc"} ${rcText(rc)}`;
}

function ms(ns: number): string {
  return `${+(ns / 1e6).toFixed(3)} ms`;
}

/**
 * What names a nameless funcs record, given its payload and index: the image's name for the old
 * address the simulated Xen resolved, as every view calls it (recordTargetName()); null when
 * nothing does, and the record is `(unnamed)`.
 */
export type RecordTarget = (payload: string, index: number) => string | null;

export function describeEvent(e: HvEvent, recordTarget?: RecordTarget): string {
  switch (e.kind) {
    case "hypercall":
      if (e.op === "UPLOAD") return `UPLOAD of ${e.args.size} bytes${e.args.flags ? `, flags 0x${e.args.flags.toString(16)}` : ""}`;
      if (e.op === "GET") return "GET";
      if (e.op === "LIST") return `LIST from idx ${e.args.idx}, nr ${e.args.nr}`;
      return `ACTION ${e.args.action ?? `cmd ${e.args.cmd}`}, timeout ${e.args.timeout ? ms(e.args.timeout) : "default (30 ms)"}${e.args.flags ? `, flags 0x${e.args.flags.toString(16)}` : ""}`;
    case "hypercall-return": {
      const what = e.op === "ACTION" ? `ACTION ${e.action ?? ""}`.trim() : e.op;
      if (e.op === "LIST" && e.ret >= 0) return `${what}: hypercall return ${e.ret} (entries written)${e.list ? `, ${e.list.remaining} remaining, version ${e.list.version}` : ""}`;
      const got = e.op === "GET" && e.state ? `; ${e.state}, ${rcLabel("status", e.statusRc ?? 0)}` : "";
      return `${what}: ${rcLabel("hypercall", e.ret)}${got}`;
    }
    case "state":
      return e.state === "UNLOADED" ? "unloaded" : `now ${e.state}, ${rcLabel("status", e.statusRc)}`;
    case "placed":
      return `loaded: ${e.funcs} function${e.funcs === 1 ? "" : "s"}; text ${e.text.addr}, rw ${e.rw.addr}, ro ${e.ro.addr}; ${e.pages} page${e.pages === 1 ? "" : "s"}`;
    case "cpus":
      return `${e.online} CPU${e.online === 1 ? "" : "s"} online`;
    case "rendezvous":
      switch (e.phase) {
        case "scheduled":
          return `${e.action} scheduled; CPU0 reaches its idle loop in ${ms(e.masterDelay)}; timeout ${ms(e.timeout)}`;
        case "master":
          return `master: deadline in ${ms(e.timeout)}, waiting for ${e.cpus} CPU${e.cpus === 1 ? "" : "s"}`;
        case "cpu-phase-done":
          return `all ${e.cpus} CPUs in do_livepatch_work; ready`;
        case "irq-phase-done":
          return `every CPU has IRQs off; the master runs ${e.action}`;
        case "quiesce":
          return e.how === "region-perms"
            ? "page permissions relaxed: text RWX, rodata RW in Xen and every loaded payload; TLB flushed"
            : "writable alias of Xen's text mapped";
        case "revive":
          return e.how === "region-perms"
            ? "page permissions tightened: text RX, rodata RO again; each CPU flushes its TLB on the way out"
            : "I-cache invalidated, alias unmapped";
        case "timeout":
          return `timed out in the ${e.quiesce} quiesce phase, ${e.arrived}/${e.cpus}; late: ${e.late.map((c) => `CPU${c}`).join(", ")}; ${rcLabel("status", e.statusRc)}`;
        case "done":
          return `${e.action} ${e.actionRan ? "finished" : "abandoned: nothing patched, no post hook"}; ${rcLabel("status", e.statusRc)}`;
      }
      break;
    case "cpu-phase":
      switch (e.phase) {
        case "master":
          return "won the election: master, NMIs masked, kicking the others";
        case "cpu":
          return `in do_livepatch_work, spinning until ready (${e.arrived}/${e.cpus})`;
        case "irq":
          return `IRQs off, spinning until the master is done (${e.arrived}/${e.cpus})`;
        case "release":
          return "released: back to work";
        case "missed":
          return `missed the deadline in the ${e.quiesce} quiesce phase`;
        case "late":
          return `reached the ${e.quiesce} phase after the rendezvous was abandoned; leaves at once`;
      }
      break;
    case "write": {
      const what =
        e.insn === "branch" ? `branch to ${e.target}` : e.insn === "brk" ? `BRK #2, not a branch to ${e.target} (Xen could not encode it: A64 instructions must be word aligned)` : e.insn === "nop" ? "NOP-out" : "original bytes restored";
      const target = e.func.name || e.payload === null ? null : (recordTarget?.(e.payload, e.func.index) ?? null);
      return `${funcRecordLabel(e.func.index, e.func.name, target)}: ${what} at ${e.addr}: ${e.old} → ${e.new}`;
    }
    case "hook": {
      const marks = e.marks ? `; a knob marks ${e.marks === "consistent" ? "the functions consistently with the rc" : `${e.marks} function(s)`} applied` : "";
      if (!e.executed) {
        const rc = e.rc === undefined ? "void" : `${rcText(e.rc)}${e.overridden ? " (set by a knob)" : " (default)"}`;
        return `${e.hook} hook #${e.index} at ${e.fn}, not executed: ${rc}${marks}`;
      }
      const ran = `${e.instructions} instructions, ${e.calls} calls, ${e.faults} faults, ${e.fixups} fixups`;
      let result: string;
      if (e.outcome === "crashed") result = "crashed Xen";
      else if (e.outcome === "unknown") result = e.rc === undefined || !e.overridden ? "outcome unknown" : `outcome unknown; a knob gives ${rcText(e.rc)}`;
      else if (e.rc === undefined) result = "returned";
      else if (e.overridden) result = `returned ${rcText(e.returned ?? 0)}, overridden by a knob: ${rcText(e.rc)}`;
      else result = `returned ${rcText(e.rc)}`;
      return `${e.hook} hook #${e.index} ${e.code} ran (${ran}): ${result}${marks}`;
    }
    case "run-stop": {
      const what = e.reason === "unsupported" ? `unsupported instruction${e.mnemonic ? ` '${e.mnemonic}'` : ""}${e.bytes ? ` (${e.bytes})` : ""}` : e.reason === "budget" ? "step budget used up" : (e.detail ?? e.reason);
      return `code at ${e.fn} stopped at ${e.pc}: ${what}; its outcome is unknown`;
    }
    case "run": {
      const ran = `${e.instructions} instructions, ${e.calls} calls, ${e.faults} faults, ${e.fixups} fixups`;
      const result = e.outcome === "returned" ? `returned ${e.value}` : e.outcome === "crashed" ? "crashed Xen" : "outcome unknown";
      return `${e.via === "call" ? "call" : "xl info:"} ${e.fn}() ran (${ran}): ${result}`;
    }
    case "console":
      return e.line;
    case "panic":
      return `PANIC: ${e.message ? e.message.replace(/\n/g, " / ") : e.explanation}`;
    case "dangling":
      return `${e.section} is not SHF_ALLOC: Xen keeps a pointer to its ${e.what} in the freed upload buffer (${e.addr}); the first read through it will fault`;
    case "nmi":
      if (e.phase === "handled") return "NMI handled by do_nmi";
      if (e.phase === "lost") return "NMI lost: swallowed by the livepatch NMI callback during the rendezvous";
      if (e.phase === "arm") return "ARM has no NMI; only SError is masked, on the master";
      return `hazard (modelled, not simulated): do_nmi's path goes through ${e.via}, which this ${e.action} rewrites (${e.func || "a function"} at ${e.addr}, payload ${e.patchedBy})`;
    case "check":
      if (e.check === "noop") return `${e.op} in this state does nothing; the hypercall returns 0`;
      if (e.check === "depends") return `.livepatch.depends matches the ${e.against} build-id`;
      return "every enabled expectation matches";
    case "check-failed": {
      const f = e.func;
      const target = f && !f.name && e.payload !== null ? (recordTarget?.(e.payload, f.index) ?? null) : null;
      const explanation = f && target !== null ? nameNamelessRecord(e.explanation, f.index, funcRecordLabel(f.index, null, target)) : e.explanation;
      return `${e.rule}: ${explanation} (${rcLabel(e.rcKind, e.rc)})`;
    }
  }
  return "";
}
