// The simulator's own console commands: knobs a scenario turns (CPUs, stalls, hook results,
// NMIs, time) and windows into the host (Xen's log, memory, the 'x' debug key).
import type { ConsoleHookKind, ConsoleStallPhase, ConsoleTarget, Output } from "./target.ts";
import { runCall, runXl } from "./runcmds.ts";
import { runTorn } from "./torncmd.ts";

export const MAX_MEM_DUMP = 4096;
export const MAX_CPUS = 64;
/** The wasm looks at no more than this many NMI path symbols. */
export const MAX_NMI_PATH = 16;

const HOOK_ALIASES: Record<string, ConsoleHookKind> = {
  load: "load",
  unload: "unload",
  preapply: "preapply",
  "pre-apply": "preapply",
  apply: "apply",
  postapply: "postapply",
  "post-apply": "postapply",
  prerevert: "prerevert",
  "pre-revert": "prerevert",
  revert: "revert",
  postrevert: "postrevert",
  "post-revert": "postrevert",
};

const MARKS = ["consistent", "none", "all", "first"] as const;
type Marks = (typeof MARKS)[number];

export const SIM_USAGE = `Simulator commands:
  debug-keys x            Xen's 'x' debug key: dump every payload
  dmesg                   Xen's console log so far
  mem SYMBOL|0xADDR LEN   hex dump of simulated memory (at most ${MAX_MEM_DUMP} bytes); SYMBOL: Xen's or a loaded payload's
  cpus N                  number of online CPUs (1-${MAX_CPUS})
  stall CPU MS [idle|irq] [once|always]
                          CPU stalls MS milliseconds at the next rendezvous (once, the default)
                          or at every one until cleared (always): idle (the default) delays its
                          arrival in the idle loop, so a long stall times out the "CPU quiesce
                          phase"; irq delays disabling its IRQs once the others are in, which
                          times out the "IRQ quiesce phase". The timeout is shared: 30 ms
  stall CPU 0 [idle|irq]  clears CPU's stalls (both phases unless one is named): default timing
  hook NAME KIND RC [MARKS]
                          override the value payload NAME's KIND hook returns (KIND: preapply
                          apply postapply prerevert revert postrevert): its code still runs, then
                          Xen goes on with RC. For the apply/revert action hooks MARKS overrides
                          which functions the hook leaves marked applied: consistent (with RC),
                          none, all, first
  nmi CPU [MS] [--path SYMBOL[,SYMBOL...]]
                          deliver an NMI to CPU now, or after MS more milliseconds. Inside a
                          rendezvous it is lost (swallowed by the livepatch NMI callback); when
                          do_nmi's path (default: do_nmi; --path names other Xen functions) goes
                          through a function the action rewrites, a "torn" event notes that on
                          real hardware do_nmi could run half-written code (not simulated)
  torn PAYLOAD BYTES [--cpu N] [--rendezvous]
                          what-if, leaving no trace: BYTES of the bytes APPLY would write for
                          PAYLOAD's first function are stored when an NMI reaches CPU N (default
                          1), whose handler calls that function. Plain stores (the default): it
                          runs the half-written bytes; --rendezvous: Xen's way, the NMI is
                          swallowed and the function runs after the release, whole
  advance MS              let MS milliseconds of virtual time pass
  xl info                 the xl info fields Xen's own functions produce (xen_major ... build_id),
                          run on the simulated CPU as the version hypercalls run them
  call SYMBOL [ARG...]    run a function of Xen or of a loaded payload with integer arguments:
                          SYMBOL(...) = 0xVALUE, and the string when VALUE points at one
  help                    this text and the xen-livepatch usage

Two kinds of rc: the hypercall's return is what UPLOAD or ACTION answers at once ("failed" with
"Error N" right after "Applying X... "); the status rc is what GET reports for a payload later,
set by the work done at the rendezvous (-EAGAIN while it is pending; "Error N" after the tool's
60 ms wait). In dmesg, "finished APPLY with rc=N" and "post-apply hook function with rc=N" show
the status rc; "(rc=N), aborting!" after a pre-hook or an expectation shows the rc the hypercall
returns (the status rc for REPLACE, which checks expectations at the rendezvous).
`;

function usage(out: Output, text: string): number {
  out.err(`usage: ${text}\n`);
  return 1;
}

/** Decimal or 0x-hex integer; null for anything else. */
export function parseInteger(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  const neg = text.startsWith("-");
  const body = neg ? text.slice(1) : text;
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(body)) return null;
  const v = BigInt(body);
  return neg ? -v : v;
}

/** A day of virtual time: more in one command is a typo, and 2^64 ns of clock would wrap. */
const MAX_MS = 86_400_000n;

/** Milliseconds, fractions allowed, to whole nanoseconds; null above MAX_MS. */
export function parseMillis(text: string | undefined): bigint | null {
  if (text === undefined || !/^[0-9]+(\.[0-9]{1,6})?$/.test(text)) return null;
  const [whole, frac = ""] = text.split(".");
  const ns = BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, "0"));
  return ns > MAX_MS * 1_000_000n ? null : ns;
}

function formatMs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const rest = ns % 1_000_000n;
  return rest === 0n ? `${ms}` : `${ms}.${rest.toString().padStart(6, "0").replace(/0+$/, "")}`;
}

export function hexDump(addr: bigint, bytes: Uint8Array): string {
  let text = "";
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, "0"));
    text += `0x${(addr + BigInt(at)).toString(16)}: ${row.join(" ")}\n`;
  }
  return text;
}

export type SimCommand = (hv: ConsoleTarget, out: Output, args: string[]) => number;

export const SIM_COMMANDS: Record<string, SimCommand> = {
  "debug-keys"(hv, out, args) {
    if (args.length !== 1 || args[0] !== "x") return usage(out, "debug-keys x (the only livepatch key)");
    out.out(hv.debugKeys("x").split("\n").filter((l) => l !== "").map((l) => `(XEN) ${l}\n`).join(""));
    return 0;
  },
  dmesg(hv, out, args) {
    if (args.length !== 0) return usage(out, "dmesg");
    out.out(hv.consoleLines().map((l) => `(XEN) ${l}\n`).join(""));
    return 0;
  },
  mem(hv, out, args) {
    if (args.length !== 2) return usage(out, "mem SYMBOL|0xADDR LEN");
    const [where, lenText] = args;
    let addr = /^0[xX]/.test(where) ? parseInteger(where) : null;
    if (addr === null) {
      const sym = hv.symbol(where) ?? hv.payloadSymbol?.(where);
      if (!sym) {
        out.err(`mem: no symbol or address '${where}'\n`);
        return 1;
      }
      addr = sym.addr;
    }
    const len = parseInteger(lenText);
    if (len === null || len <= 0n || len > BigInt(MAX_MEM_DUMP)) {
      out.err(`mem: LEN must be 1..${MAX_MEM_DUMP}\n`);
      return 1;
    }
    if (addr < 0n || addr >= 1n << 64n) {
      out.err(`mem: address out of range\n`);
      return 1;
    }
    const bytes = hv.readMemory(addr, Number(len));
    if (!bytes) {
      out.err(`mem: 0x${addr.toString(16)}+${len} is not mapped\n`);
      return 1;
    }
    out.out(hexDump(addr, bytes));
    return 0;
  },
  cpus(hv, out, args) {
    const n = parseInteger(args[0]);
    if (args.length !== 1 || n === null || n < 1n || n > BigInt(MAX_CPUS)) return usage(out, `cpus N (1-${MAX_CPUS})`);
    hv.setCpus(Number(n));
    out.out(`${n} CPU${n === 1n ? "" : "s"} online\n`);
    return 0;
  },
  stall(hv, out, args) {
    const use = "stall CPU MS [idle|irq] [once|always]   (MS 0 clears)";
    const cpu = parseInteger(args[0]);
    const ns = parseMillis(args[1]);
    let phase: ConsoleStallPhase | undefined;
    let persistent: boolean | undefined;
    for (const word of args.slice(2)) {
      if ((word === "idle" || word === "irq") && phase === undefined) phase = word;
      else if ((word === "once" || word === "always") && persistent === undefined) persistent = word === "always";
      else return usage(out, use);
    }
    if (args.length < 2 || args.length > 4 || cpu === null || ns === null) return usage(out, use);
    if (cpu < 0n || cpu >= BigInt(hv.cpus())) {
      out.err(`stall: no CPU ${cpu} (${hv.cpus()} online)\n`);
      return 1;
    }
    const c = Number(cpu);
    if (!hv.setCpuStall || !hv.clearCpuStall) {
      if (phase === "irq" || persistent || ns === 0n) {
        out.err("stall: this target supports one-shot idle stalls only\n");
        return 1;
      }
      hv.setCpuDelay(c, ns);
      out.out(`CPU${cpu} will take ${formatMs(ns)} ms to reach its idle loop at the next rendezvous\n`);
      return 0;
    }
    if (ns === 0n) {
      hv.clearCpuStall(c, phase);
      out.out(`CPU${cpu}: ${phase ? `${phase} stall` : "stalls"} cleared; default timing\n`);
      return 0;
    }
    hv.setCpuStall(c, ns, { phase: phase ?? "idle", persistent: persistent ?? false });
    const what = phase === "irq" ? "to disable its IRQs once every CPU is in" : "to reach its idle loop";
    const when = persistent ? `at every rendezvous until 'stall ${cpu} 0'` : "at the next rendezvous";
    out.out(`CPU${cpu} will take ${formatMs(ns)} ms ${what} ${when}\n`);
    return 0;
  },
  hook(hv, out, args) {
    const kind = HOOK_ALIASES[args[1] ?? ""];
    const rc = parseInteger(args[2]);
    const marks = args[3];
    const badMarks = marks !== undefined && (!MARKS.includes(marks as Marks) || (kind !== "apply" && kind !== "revert"));
    if (args.length < 3 || args.length > 4 || !kind || rc === null || rc < -(2n ** 31n) || rc >= 2n ** 31n || badMarks) {
      return usage(out, "hook NAME KIND RC [consistent|none|all|first] (KIND: preapply apply postapply prerevert revert postrevert)");
    }
    hv.setHookResult(args[0], kind, Number(rc));
    let text = `${args[0]}: the ${kind} hook's result is overridden: Xen goes on with ${rc} whatever its code returns`;
    if (marks !== undefined) {
      hv.setHookMarks(args[0], kind as "apply" | "revert", marks as Marks);
      text += `; afterwards ${marks === "consistent" ? "the functions are marked applied consistently with that rc" : `${marks} function(s) are marked`}`;
    }
    out.out(`${text}\n`);
    return 0;
  },
  nmi(hv, out, args) {
    const use = "nmi CPU [MS] [--path SYMBOL[,SYMBOL...]]";
    const rest: string[] = [];
    const path: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === "--path") {
        const list = args[++i];
        if (list === undefined) return usage(out, use);
        path.push(...list.split(",").filter((x) => x !== ""));
      } else rest.push(args[i]);
    }
    const cpu = parseInteger(rest[0]);
    const delay = rest.length === 2 ? parseMillis(rest[1]) : 0n;
    if (rest.length < 1 || rest.length > 2 || cpu === null || delay === null || path.length > MAX_NMI_PATH) return usage(out, use);
    if (cpu < 0n || cpu >= BigInt(hv.cpus())) {
      out.err(`nmi: no CPU ${cpu} (${hv.cpus()} online)\n`);
      return 1;
    }
    const unknown = path.find((sym) => !hv.symbol(sym));
    if (unknown !== undefined) {
      out.err(`nmi: no Xen symbol '${unknown}'\n`);
      return 1;
    }
    const opts = path.length > 0 ? { path } : undefined;
    const via = path.length > 0 ? ` (do_nmi path: ${path.join(", ")})` : "";
    if (delay === 0n) {
      hv.injectNmi(Number(cpu), opts);
      out.out(`NMI sent to CPU${cpu}${via}\n`);
    } else {
      hv.scheduleNmi(Number(cpu), delay, opts);
      out.out(`NMI will reach CPU${cpu} in ${formatMs(delay)} ms${via}\n`);
    }
    return 0;
  },
  xl: (hv, out, args) => runXl(hv, out, args),
  call: (hv, out, args) => runCall(hv, out, args),
  torn: (hv, out, args) => runTorn(hv, out, args),
  advance(hv, out, args) {
    const ns = parseMillis(args[0]);
    if (args.length !== 1 || ns === null) return usage(out, "advance MS   (at most 86400000, a day)");
    hv.advance(ns);
    out.out(`virtual time is now ${formatMs(hv.now())} ms\n`);
    return 0;
  },
};
