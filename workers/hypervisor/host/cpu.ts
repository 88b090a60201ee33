// Typed face of the interpreter's wasm exports (workers/hypervisor/assembly/cpu/api.ts): run a
// function of the simulated Xen and read why it stopped. The numbers mirror assembly/cpu/consts.ts.

export type CpuArch = "x86_64" | "aarch64" | "arm32";
export const CPU_ARCH_CODE: Record<CpuArch, number> = { x86_64: 1, aarch64: 2, arm32: 3 };

export const FAULT_KINDS = [
  "none",
  "unmapped",
  "non-canonical",
  "write-read-only",
  "fetch-not-executable",
  "divide",
  "undefined",
  "breakpoint",
  "general-protection",
  "pc-alignment",
  "alignment",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface CpuFault {
  kind: "fault";
  /** The instruction that faulted (for int3: the int3 itself; `resume` is the next byte). */
  pc: bigint;
  fault: FaultKind;
  /** x86: the exception vector (0 #DE, 3 #BP, 6 #UD, 12 #SS, 13 #GP, 14 #PF); A64: ESR_ELx.EC. */
  vector: number;
  /** The faulting data or fetch address (CR2 / FAR); 0 when the exception has none. */
  address: bigint;
  /** x86 page-fault error code; A64 ISS (WnR, fault status); 0 otherwise. */
  error: number;
  /** Where the exception tables send it, or null when no table has an entry (a Xen crash). */
  fixup: bigint | null;
  /** A64 brk: the immediate; A64 udf: the immediate. */
  info: bigint;
  /** Where execution would continue past the exception (x86 int3: the next instruction). */
  resume: bigint;
}

export type CpuStop =
  | { kind: "returned"; value: bigint }
  | { kind: "service"; pc: bigint; id: number; args: bigint[]; returnTo: bigint }
  | CpuFault
  | { kind: "unsupported"; pc: bigint; bytes: Uint8Array; mnemonic: string | null }
  | { kind: "budget"; pc: bigint }
  | { kind: "halt"; pc: bigint }
  | { kind: "not-started" };

export interface CpuCounters {
  instructions: number;
  calls: number;
  faults: number;
  fixups: number;
  services: number;
}

/** The exports this wrapper needs, as the raw bindings lift them. */
export interface CpuExports {
  cpuReset(): void;
  cpuAddService(addr: bigint, id: number): void;
  cpuClearServices(): void;
  cpuAddExTable(textStart: bigint, textEnd: bigint, tableStart: bigint, tableEnd: bigint): void;
  cpuRemoveExTable(textStart: bigint): void;
  cpuSetAutoFixup(on: boolean): void;
  cpuSetArg(i: number, v: bigint): void;
  cpuCall(arch: number, entry: bigint, nargs: number, stackBase: bigint, stackSize: bigint, budget: bigint): number;
  cpuContinue(budget: bigint): number;
  cpuServiceReturn(value: bigint, budget: bigint): number;
  cpuFixup(budget: bigint): number;
  cpuResumeAt(pc: bigint, budget: bigint): number;
  cpuStopPc(): bigint;
  cpuReturnValue(): bigint;
  cpuFaultKind(): number;
  cpuFaultVector(): number;
  cpuFaultAddr(): bigint;
  cpuFaultError(): number;
  cpuFaultFixup(): bigint;
  cpuFaultInfo(): bigint;
  cpuFaultResume(): bigint;
  cpuServiceId(): number;
  cpuServiceArg(i: number): bigint;
  cpuServiceReturnAddress(): bigint;
  cpuUnsupportedBytes(): Uint8Array | null;
  cpuUnsupportedMnemonic(): string | null;
  cpuCounter(which: number): bigint;
  cpuReg(which: number): bigint;
  cpuSetReg(arch: number, which: number, v: bigint): void;
}

/** Steps a call may take before it ends with a "budget" stop, unless the caller says otherwise. */
export const DEFAULT_BUDGET = 10_000_000n;

export interface StackRegion {
  base: bigint;
  size: bigint;
}

export interface CpuRunner {
  /** Forgets services, exception tables and the paused run. */
  reset(): void;
  addService(addr: bigint, id: number): void;
  clearServices(): void;
  /** A text region and its exception table ([start, end) of 8-byte entries), Xen's or a payload's. */
  addExTable(text: { start: bigint; end: bigint }, table: { start: bigint; end: bigint }): void;
  removeExTable(textStart: bigint): void;
  /** Resume at fixups inside the run (counted) instead of stopping at the fault. */
  setAutoFixup(on: boolean): void;
  call(arch: CpuArch, entry: bigint, args: readonly bigint[], stack: StackRegion, budget?: bigint): CpuStop;
  continue(budget?: bigint): CpuStop;
  serviceReturn(value: bigint, budget?: bigint): CpuStop;
  fixup(budget?: bigint): CpuStop;
  resumeAt(pc: bigint, budget?: bigint): CpuStop;
  counters(): CpuCounters;
  /** x86: 0-15 rax..r15, 16 rip, 17 rflags, 18/19 fs/gs base. A64: 0-30, 31 sp, 32 pc, 33 nzcv, 34 tpidr_el2. A32: 0-15 r0..r15, 16 cpsr. */
  reg(which: number): bigint;
  setReg(arch: CpuArch, which: number, v: bigint): void;
}

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

function stopOf(w: CpuExports, kind: number): CpuStop {
  switch (kind) {
    case 1:
      return { kind: "returned", value: u64(w.cpuReturnValue()) };
    case 2:
      return {
        kind: "service",
        pc: u64(w.cpuStopPc()),
        id: w.cpuServiceId(),
        args: Array.from({ length: 8 }, (_, i) => u64(w.cpuServiceArg(i))),
        returnTo: u64(w.cpuServiceReturnAddress()),
      };
    case 3: {
      const fixup = u64(w.cpuFaultFixup());
      return {
        kind: "fault",
        pc: u64(w.cpuStopPc()),
        fault: FAULT_KINDS[w.cpuFaultKind()] ?? "none",
        vector: w.cpuFaultVector(),
        address: u64(w.cpuFaultAddr()),
        error: w.cpuFaultError() >>> 0,
        fixup: fixup === 0n ? null : fixup,
        info: u64(w.cpuFaultInfo()),
        resume: u64(w.cpuFaultResume()),
      };
    }
    case 4:
      return {
        kind: "unsupported",
        pc: u64(w.cpuStopPc()),
        bytes: (w.cpuUnsupportedBytes() ?? new Uint8Array(0)).slice(),
        mnemonic: w.cpuUnsupportedMnemonic() || null,
      };
    case 5:
      return { kind: "budget", pc: u64(w.cpuStopPc()) };
    case 6:
      return { kind: "halt", pc: u64(w.cpuStopPc()) };
    default:
      return { kind: "not-started" };
  }
}

export function cpuRunner(w: CpuExports): CpuRunner {
  return {
    reset: () => w.cpuReset(),
    addService: (addr, id) => w.cpuAddService(u64(addr), id | 0),
    clearServices: () => w.cpuClearServices(),
    addExTable: (text, table) => w.cpuAddExTable(u64(text.start), u64(text.end), u64(table.start), u64(table.end)),
    removeExTable: (start) => w.cpuRemoveExTable(u64(start)),
    setAutoFixup: (on) => w.cpuSetAutoFixup(on),
    call(arch, entry, args, stack, budget = DEFAULT_BUDGET) {
      if (args.length > 8) throw new RangeError(`at most 8 integer arguments (got ${args.length})`);
      args.forEach((a, i) => w.cpuSetArg(i, u64(a)));
      return stopOf(w, w.cpuCall(CPU_ARCH_CODE[arch], u64(entry), args.length, u64(stack.base), u64(stack.size), u64(budget)));
    },
    continue: (budget = DEFAULT_BUDGET) => stopOf(w, w.cpuContinue(u64(budget))),
    serviceReturn: (value, budget = DEFAULT_BUDGET) => stopOf(w, w.cpuServiceReturn(u64(value), u64(budget))),
    fixup: (budget = DEFAULT_BUDGET) => stopOf(w, w.cpuFixup(u64(budget))),
    resumeAt: (pc, budget = DEFAULT_BUDGET) => stopOf(w, w.cpuResumeAt(u64(pc), u64(budget))),
    counters: () => ({
      instructions: Number(w.cpuCounter(0)),
      calls: Number(w.cpuCounter(1)),
      faults: Number(w.cpuCounter(2)),
      fixups: Number(w.cpuCounter(3)),
      services: Number(w.cpuCounter(4)),
    }),
    reg: (which) => u64(w.cpuReg(which)),
    setReg: (arch, which, v) => w.cpuSetReg(CPU_ARCH_CODE[arch], which, u64(v)),
  };
}
