// A bare simulated Xen for interpreter tests: code, data, read-only data and a stack mapped at
// fixed addresses, and the typed runner over the wasm exports.
import { instantiate } from "../../build/hypervisor.js";
import { compileHypervisorModule } from "../../host/node.ts";
import { cpuRunner, type CpuArch, type CpuExports, type CpuRunner, type CpuStop } from "../../host/cpu.ts";
import { bootFromImage, type ImageSummary } from "../../host/image.ts";
import { ARCH_CODE, type BootSpec, type XenSymbol } from "../../host/types.ts";
import type { HypervisorApi } from "../../host/api.ts";
import { findSymbol, type ElfFile } from "../../../../src/elf/index.ts";

export const CODE = 0x400000n;
export const DATA = 0x600000n;
export const RODATA = 0x620000n;
export const STACK = 0x7f0000n;
export const STACK_SIZE = 0x10000n;
export const STACK_TOP = STACK + STACK_SIZE;

export interface Box {
  w: CpuExports & {
    boot(arch: number, cpus: number, buildId: Uint8Array | null): void;
    addSymbol(name: string, addr: bigint, size: number, kind: number): void;
    mapMemory(addr: bigint, bytes: Uint8Array, perm: number): void;
    initDone(): void;
    readMemory(addr: bigint, len: number): Uint8Array | null;
    xenCall(target: string): string;
    xenCallArg(v: bigint): void;
  };
  cpu: CpuRunner;
}

let modulePromise: Promise<WebAssembly.Module> | null = null;

export async function newBox(): Promise<Box> {
  modulePromise ??= compileHypervisorModule();
  const w = (await instantiate(await modulePromise, { env: {} })) as unknown as Box["w"];
  return { w, cpu: cpuRunner(w) };
}

export const PERM = { RX: 1, RW: 2, RO: 3 } as const;

export interface RunOptions {
  args?: bigint[];
  budget?: bigint;
  data?: Uint8Array;
  rodata?: Uint8Array;
  /** Where the code is mapped (default CODE). */
  at?: bigint;
}

/** Boots an empty Xen of `arch`, maps `code` (RX), data (RW), rodata (RO), a stack (RW), and calls the code. */
export function runCode(box: Box, arch: CpuArch, code: Uint8Array, opts: RunOptions = {}): CpuStop {
  load(box, arch, code, opts);
  return box.cpu.call(arch, opts.at ?? CODE, opts.args ?? [], { base: STACK, size: STACK_SIZE }, opts.budget);
}

export function load(box: Box, arch: CpuArch, code: Uint8Array, opts: RunOptions = {}): void {
  box.w.boot(arch === "x86_64" ? 1 : arch === "aarch64" ? 2 : 3, 1, null);
  box.cpu.reset();
  box.w.mapMemory(opts.at ?? CODE, code, PERM.RX);
  box.w.mapMemory(DATA, opts.data ?? new Uint8Array(0x2000), PERM.RW);
  box.w.mapMemory(RODATA, opts.rodata ?? new Uint8Array(0x1000), PERM.RO);
  box.w.mapMemory(STACK, new Uint8Array(Number(STACK_SIZE)), PERM.RW);
}

export function returned(stop: CpuStop): bigint {
  if (stop.kind !== "returned") throw new Error(`expected a return, got ${JSON.stringify(stop, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))}`);
  return stop.value;
}

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export function bytesOf(hexText: string): Uint8Array {
  return new Uint8Array(Buffer.from(hexText.replace(/\s+/g, ""), "hex"));
}

/** Boots `box` from a linked image exactly as the hypervisor host does (every ALLOC section mapped). */
export function bootElf(box: Box, elf: ElfFile): ImageSummary {
  const api = {
    boot: (spec: BootSpec) => box.w.boot(ARCH_CODE[spec.arch], spec.cpus, spec.buildId),
    addSymbol: (s: XenSymbol) => box.w.addSymbol(s.name, s.addr, s.size, s.kind),
    mapMemory: (addr: bigint, bytes: Uint8Array, perm: number) => box.w.mapMemory(addr, bytes, perm),
    initDone: () => box.w.initDone(),
  };
  const summary = bootFromImage(api as unknown as HypervisorApi, elf, { cpus: 1 });
  box.cpu.reset();
  return summary;
}

export function symbolAddress(elf: ElfFile, name: string): bigint {
  const s = findSymbol(elf, name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

/** Operand pairs for condition tests: equal, both orders, signed/unsigned disagreements, overflow. */
export const CMP_PAIRS: [bigint, bigint][] = [
  [5n, 7n],
  [7n, 5n],
  [5n, 5n],
  [-1n, 1n],
  [1n, -1n],
  [0x8000000000000000n, 1n],
  [0x7fffffffffffffffn, -1n],
  [0n, 0x8000000000000000n],
  [3n, 0n],
];
