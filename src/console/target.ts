// What the console needs from a simulated hypervisor. `HypervisorApi` (workers/hypervisor/host)
// satisfies it; tests may pass anything of the same shape.
import type { TornResult } from "../protocol/hypervisorData.ts";

export interface ConsoleGet {
  ret: number;
  state: number;
  rc: number;
}

export interface ConsoleListEntry {
  name: string;
  state: number;
  rc: number;
  metadata: string;
}

/** The LIST hypercall's answer (see ListOpResult in workers/hypervisor/host/types.ts). */
export interface ConsoleListOp {
  rc: number;
  nr: number;
  version: number;
  nameTotal: number;
  metaTotal: number;
  entries: ConsoleListEntry[];
}

export type ConsoleStallPhase = "idle" | "irq";

export type ConsoleHookKind = "load" | "unload" | "preapply" | "apply" | "postapply" | "prerevert" | "revert" | "postrevert";

/** `xl info`'s Xen fields (see XlInfo in src/protocol/hypervisorData.ts). */
export interface ConsoleXlInfo {
  hostDown: boolean;
  fields: { key: string; value: string | null; outcome: string; detail?: string }[];
}

/** A function run from the console (see CallResult in src/protocol/hypervisorData.ts). */
export type ConsoleCallResult = { error: string } | { outcome: string; value?: string; string?: string; detail?: string };

/** The mid-write NMI what-if's answer: the simulator's own type (src/protocol), as it is. */
export type ConsoleTornResult = TornResult;

export interface ConsoleTarget {
  upload(name: string, payload: Uint8Array, flags?: number): number;
  get(name: string): ConsoleGet;
  list(): ConsoleListEntry[];
  /** The LIST hypercall. When present, `list` goes through it as the tool does; else through list(). */
  listOp?(idx: number, nr: number, nameCap: number, metaCap: number): ConsoleListOp;
  action(name: string, cmd: 1 | 2 | 3 | 4, timeoutNs?: number, flags?: number): number;
  advance(ns: bigint | number): void;
  now(): bigint;
  cpus(): number;
  setCpus(n: number): void;
  setCpuDelay(cpu: number, ns: bigint | number): void;
  /** Stalls with a phase and persistence; without it, `stall` offers one-shot idle stalls only. */
  setCpuStall?(cpu: number, ns: bigint | number, opts?: { phase?: ConsoleStallPhase; persistent?: boolean }): void;
  clearCpuStall?(cpu: number, phase?: ConsoleStallPhase): void;
  setHookResult(name: string, kind: ConsoleHookKind, rc: number): void;
  setHookMarks(name: string, kind: "apply" | "revert", how: "consistent" | "none" | "all" | "first"): void;
  /** `path`: Xen symbols do_nmi's path goes through (for the torn-code hazard report). */
  injectNmi(cpu: number, opts?: { path?: readonly string[] }): void;
  scheduleNmi(cpu: number, ns: bigint | number, opts?: { path?: readonly string[] }): void;
  readMemory(addr: bigint, len: number): Uint8Array | null;
  /** Runs a function of Xen's (or a payload's) on the simulated CPU; without it `call` is refused. */
  call?(target: string, args: readonly bigint[]): ConsoleCallResult;
  /** The mid-write NMI what-if (TornResult in src/protocol); without it `torn` is refused. */
  torn?(payload: string, written: number, cpu: number, rendezvous: boolean): ConsoleTornResult;
  /** `xl info`'s Xen fields; without it `xl info` is refused. */
  xlInfo?(): ConsoleXlInfo;
  symbol(name: string): { addr: bigint; size: number } | undefined;
  /** A symbol of a loaded payload (Xen's symbol lookups see them too), in upload order. */
  payloadSymbol?(name: string): { addr: bigint; size: number; payload: string } | undefined;
  consoleLines(): string[];
  debugKeys(key: string): string;
  halted(): boolean;
}

/** Output so far, in the order it was written, stream by stream (the tool's stdout is unbuffered). */
export interface OutputChunk {
  stream: "stdout" | "stderr";
  text: string;
}

export interface CommandResult {
  /** stdout and stderr interleaved as a terminal would show them. */
  output: string;
  chunks: OutputChunk[];
  /** The process exit status the real tool would return (0, 1 or 2). */
  status: number;
}

/** Collects one command's output. */
export class Output {
  readonly chunks: OutputChunk[] = [];
  out(text: string): void {
    this.push("stdout", text);
  }
  err(text: string): void {
    this.push("stderr", text);
  }
  private push(stream: OutputChunk["stream"], text: string): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.stream === stream) last.text += text;
    else this.chunks.push({ stream, text });
  }
  result(status: number): CommandResult {
    return { output: this.chunks.map((c) => c.text).join(""), chunks: this.chunks, status };
  }
}
