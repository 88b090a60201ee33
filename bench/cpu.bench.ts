// Interpreter speed: instructions per second in wasm for x86-64 and A64 on a long straight-line
// block of integer instructions (1,000 of them, run in a loop), on a tight 4-instruction loop and
// on gcc-compiled recursive code (fib from the test fixtures); beside it, the same 4-operation loop
// in plain JS (32-bit numbers, the JIT's best case) as the reference of this machine and engine.
// Times are the process's CPU time, so other work on a shared machine does not count.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { instantiate } from "../workers/hypervisor/build/hypervisor.js";
import { compileHypervisorModule } from "../workers/hypervisor/host/node.ts";
import { cpuRunner, type CpuArch, type CpuExports } from "../workers/hypervisor/host/cpu.ts";
import { bootFromImage } from "../workers/hypervisor/host/image.ts";
import { ARCH_CODE, type BootSpec, type XenSymbol } from "../workers/hypervisor/host/types.ts";
import type { HypervisorApi } from "../workers/hypervisor/host/api.ts";
import { parseElf, findSymbol } from "../src/elf/index.ts";
import type { BenchRow } from "./run.ts";

export const title = "Interpreter (x86-64 and A64 in the wasm hypervisor)";

const CODE = 0x400000n;
const STACK = 0x7f0000n;
const STACK_SIZE = 0x10000n;
const RX = 1;
const RW = 2;

type Wasm = CpuExports & {
  boot(arch: number, cpus: number, buildId: Uint8Array | null): void;
  addSymbol(name: string, addr: bigint, size: number, kind: number): void;
  mapMemory(addr: bigint, bytes: Uint8Array, perm: number): void;
  initDone(): void;
};

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ""), "hex");

// add rax,rcx; xor rdx,rax; lea rsi,[rax+rdx*2+8]; imul rdi,rsi,3; shl rdx,3; sub rcx,rdi; mov r9,rax; and r9,rdx
const X86_BODY = hex("4801c8 4831c2 488d745008 486bfe03 48c1e203 4829f9 4989c1 4921d1");
// add x0,x0,x1; eor x2,x2,x0; add x3,x0,x2,lsl #1; mul x4,x3,x1; lsl x2,x2,#3; sub x1,x1,x4; orr x5,x0,x2; and x5,x5,x2
const A64_BODY = hex("0000018b 420000ca 0304028b 647c019b 42f07dd3 210004cb 050002aa a500028a");
const REPEAT = 125; // 8 instructions x 125 = 1,000 per pass

function x86Straight(): Uint8Array {
  const body = Buffer.concat(Array(REPEAT).fill(X86_BODY));
  const back = -(body.length + 3 + 6);
  const jnz = Buffer.alloc(6);
  jnz.writeUInt16BE(0x0f85, 0);
  jnz.writeInt32LE(back, 2);
  return new Uint8Array(Buffer.concat([body, hex("49ffc8"), jnz, hex("c3")])); // dec r8; jnz top; ret
}

function a64Straight(): Uint8Array {
  const body = Buffer.concat(Array(REPEAT).fill(A64_BODY));
  const imm19 = (-(REPEAT * 8 + 1)) & 0x7ffff;
  const bne = Buffer.alloc(4);
  bne.writeUInt32LE((0x54000001 | (imm19 << 5)) >>> 0, 0);
  return new Uint8Array(Buffer.concat([body, hex("080500f1"), bne, hex("c0035fd6")])); // subs x8,x8,#1; b.ne top; ret
}

// 1: add rax,rsi; xor rdx,rax; dec rcx; jnz 1b; ret
const X86_LOOP = new Uint8Array(hex("4801f0 4831c2 48ffc9 75f5 c3"));
// 1: add x0,x0,x1; eor x2,x2,x0; subs x8,x8,#1; b.ne 1b; ret
const A64_LOOP = new Uint8Array(hex("0000018b 420000ca 080500f1 a1ffff54 c0035fd6"));

/** CPU time of this process (user + system) in ms: on a shared machine, wall time mostly measures the neighbours. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function jsLoop(n: number): number {
  let a = 0;
  let d = 0;
  const s = 7;
  for (let c = n; c !== 0; c--) {
    a = (a + s) | 0;
    d ^= a;
  }
  return a ^ d;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const w = (await instantiate(await compileHypervisorModule(), { env: {} })) as unknown as Wasm;
  const cpu = cpuRunner(w);

  function load(arch: CpuArch, code: Uint8Array): void {
    w.boot(ARCH_CODE[arch], 1, null);
    cpu.reset();
    w.mapMemory(CODE, code, RX);
    w.mapMemory(STACK, new Uint8Array(Number(STACK_SIZE)), RW);
  }

  function timedCall(arch: CpuArch, entry: bigint, args: bigint[]): { insns: number; ms: number } {
    const t0 = cpuMs();
    const stop = cpu.call(arch, entry, args, { base: STACK, size: STACK_SIZE }, 1n << 40n);
    const ms = cpuMs() - t0;
    if (stop.kind !== "returned") throw new Error(`bench code did not return: ${stop.kind}`);
    return { insns: cpu.counters().instructions, ms };
  }

  /** Best of 3 after a warm-up call. `count` is the loop count argument. */
  function measure(name: string, arch: CpuArch, code: Uint8Array, argsFor: (count: bigint) => bigint[], count: bigint): void {
    load(arch, code);
    timedCall(arch, CODE, argsFor(count / 20n));
    let best = { insns: 0, ms: Infinity };
    for (let i = 0; i < 3; i++) {
      const r = timedCall(arch, CODE, argsFor(count));
      if (r.ms < best.ms) best = r;
    }
    rows.push({ name, value: best.insns / (best.ms / 1000), unit: "insn/s", note: `${(best.insns / 1e6).toFixed(1)}M instructions in ${best.ms.toFixed(0)} ms CPU, best of 3` });
  }

  // x86: rcx is arg 4 (index 3), r8 arg 5; A64: x8 is not an argument register, so the bench code
  // is entered with x8 set through the register API after the arguments (see a64Args).
  measure("x86-64 straight-line integer code (1,000-instruction block)", "x86_64", x86Straight(), (n) => [0n, 0n, 0n, 3n, n / 1000n], 60_000_000n);
  measure("x86-64 loop (add, xor, dec, jnz)", "x86_64", X86_LOOP, (n) => [0n, 5n, 0n, n / 4n], 80_000_000n);

  // A64 loops count in x8: wrap the code in a prologue that moves x7 (the 8th argument) into x8.
  const movX8 = new Uint8Array(hex("e80307aa")); // mov x8, x7
  const withCount = (code: Uint8Array) => new Uint8Array([...movX8, ...code]);
  const a64Args = (n: bigint) => [0n, 3n, 0n, 0n, 0n, 0n, 0n, n];
  measure("A64 straight-line integer code (1,000-instruction block)", "aarch64", withCount(a64Straight()), (n) => a64Args(n / 1000n), 60_000_000n);
  measure("A64 loop (add, eor, subs, b.ne)", "aarch64", withCount(A64_LOOP), (n) => a64Args(n / 4n), 80_000_000n);

  const fixtures = fileURLToPath(new URL("../workers/hypervisor/tests/cpu/fixtures/compiled/", import.meta.url));
  for (const [file, arch] of [
    ["funcs-x86_64-xen.elf", "x86_64"],
    ["funcs-aarch64.elf", "aarch64"],
  ] as const) {
    const elf = parseElf(new Uint8Array(readFileSync(fixtures + file)));
    const api = {
      boot: (spec: BootSpec) => w.boot(ARCH_CODE[spec.arch], spec.cpus, spec.buildId),
      addSymbol: (s: XenSymbol) => w.addSymbol(s.name, s.addr, s.size, s.kind),
      mapMemory: (a: bigint, b: Uint8Array, p: number) => w.mapMemory(a, b, p),
      initDone: () => w.initDone(),
    };
    bootFromImage(api as unknown as HypervisorApi, elf, { cpus: 1 });
    cpu.reset();
    w.mapMemory(STACK, new Uint8Array(Number(STACK_SIZE)), RW);
    const fib = findSymbol(elf, "fib")!.value;
    timedCall(arch, fib, [20n]);
    const r = timedCall(arch, fib, [30n]);
    rows.push({
      name: `${arch} gcc -O2 recursive fib(30) (${file})`,
      value: r.insns / (r.ms / 1000),
      unit: "insn/s",
      note: `${(r.insns / 1e6).toFixed(1)}M instructions, ${cpu.counters().calls} calls, ${r.ms.toFixed(0)} ms CPU`,
    });
  }

  const n = 200_000_000;
  jsLoop(n / 20);
  const t0 = cpuMs();
  const sink = jsLoop(n);
  const ms = cpuMs() - t0;
  rows.push({ name: "reference: the same 4-operation loop in plain JS", value: (4 * n) / (ms / 1000), unit: "ops/s", note: `${n / 1e6}M iterations in ${ms.toFixed(0)} ms CPU (result ${sink & 0xff})` });
  return rows;
}
