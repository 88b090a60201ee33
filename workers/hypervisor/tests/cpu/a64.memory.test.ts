// A64 loads and stores in every addressing mode (pairs, exclusives, literals), and how runs end:
// data and instruction aborts (registers and memory untouched), brk/udf, fixups, services,
// unsupported encodings and the step budget.
import { beforeAll, describe, expect, it } from "vitest";
import { a64 } from "./asm.ts";
import { newBox, runCode, returned, load, CODE, DATA, RODATA, STACK, STACK_SIZE, STACK_TOP, type Box } from "./harness.ts";

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

const u64 = (v: bigint) => BigInt.asUintN(64, v);

/** data[i] = i & 0xff over the two data pages. */
const PATTERN = new Uint8Array(0x2000).map((_, i) => i & 0xff);

interface Expect {
  x0?: bigint;
  regs?: Record<number, bigint>;
}

function check(code: Uint8Array, want: Expect): void {
  const x0 = returned(runCode(box, "aarch64", code, { data: PATTERN }));
  if (want.x0 !== undefined) expect(x0.toString(16)).toBe(u64(want.x0).toString(16));
  for (const [r, v] of Object.entries(want.regs ?? {})) expect(box.cpu.reg(Number(r)).toString(16), `x${r}`).toBe(u64(v).toString(16));
}

describe("A64 loads and stores", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["ldr x", a64("mov x1, #0x600000; ldr x0, [x1]; ret"), { x0: 0x0706050403020100n }],
    ["ldr x scaled offset", a64("mov x1, #0x600000; ldr x0, [x1, #8]; ret"), { x0: 0x0f0e0d0c0b0a0908n }],
    ["ldr w", a64("mov x1, #0x600000; ldr w0, [x1, #4]; ret"), { x0: 0x07060504n }],
    ["ldrb", a64("mov x1, #0x600000; ldrb w0, [x1, #0x81]; ret"), { x0: 0x81n }],
    ["ldrsb x", a64("mov x1, #0x600000; ldrsb x0, [x1, #0x81]; ret"), { x0: 0xffffffffffffff81n }],
    ["ldrsb w", a64("mov x1, #0x600000; ldrsb w0, [x1, #0x81]; ret"), { x0: 0xffffff81n }],
    ["ldrh", a64("mov x1, #0x600000; ldrh w0, [x1, #0x80]; ret"), { x0: 0x8180n }],
    ["ldrsh x", a64("mov x1, #0x600000; ldrsh x0, [x1, #0x80]; ret"), { x0: 0xffffffffffff8180n }],
    ["ldrsh w", a64("mov x1, #0x600000; ldrsh w0, [x1, #0x80]; ret"), { x0: 0xffff8180n }],
    ["ldrsw", a64("mov x1, #0x600000; ldrsw x0, [x1, #0xfc]; ret"), { x0: 0xfffffffffffefdfcn }],
    ["ldur negative", a64("ldr x1, =0x600001; ldur x0, [x1, #-1]; ret"), { x0: 0x0706050403020100n }],
    ["ldur unaligned w", a64("mov x1, #0x600000; ldur w0, [x1, #3]; ret"), { x0: 0x06050403n }],
    ["ldr pre-index", a64("mov x1, #0x600000; ldr x0, [x1, #8]!; ret"), { x0: 0x0f0e0d0c0b0a0908n, regs: { 1: DATA + 8n } }],
    ["ldr post-index", a64("mov x1, #0x600000; ldr x0, [x1], #16; ret"), { x0: 0x0706050403020100n, regs: { 1: DATA + 16n } }],
    ["ldrb post-index negative", a64("ldr x1, =0x600010; ldrb w0, [x1], #-1; ret"), { x0: 0x10n, regs: { 1: DATA + 15n } }],
    ["ldr register lsl 3", a64("mov x1, #0x600000; mov x2, #2; ldr x0, [x1, x2, lsl #3]; ret"), { x0: 0x1716151413121110n }],
    ["ldrb register uxtw", a64("mov x1, #0x600000; movz x2, #0x80; movk x2, #1, lsl #32; ldrb w0, [x1, w2, uxtw]; ret"), { x0: 0x80n }],
    ["ldr w register sxtw 2", a64("ldr x1, =0x600010; mov w2, #-1; ldr w0, [x1, w2, sxtw #2]; ret"), { x0: 0x0f0e0d0cn }],
    ["ldr register unscaled", a64("mov x1, #0x600000; mov x2, #1; ldr x0, [x1, x2]; ret"), { x0: 0x0807060504030201n }],
    ["ldrsw register sxtx", a64("ldr x1, =0x600100; mov x2, #-4; ldrsw x0, [x1, x2, sxtx]; ret"), { x0: 0xfffffffffffefdfcn }],
    ["ldr literal", a64("ldr x0, 1f; ret; .balign 8; 1: .quad 0x1122334455667788"), { x0: 0x1122334455667788n }],
    ["ldr w literal", a64("ldr w0, 1f; ret; 1: .word 0x80000001"), { x0: 0x80000001n }],
    ["ldrsw literal", a64("ldrsw x0, 1f; ret; 1: .word 0x80000000"), { x0: 0xffffffff80000000n }],
    ["str/strb/strh/stur", a64("mov x1, #0x600000; ldr x2, =0x1122334455667788; str x2, [x1, #16]; strb w2, [x1, #1]; strh w2, [x1, #2]; stur w2, [x1, #25]; ldr x0, [x1]; ret"), { x0: 0x0706050477888800n }],
    ["str pre-index and post-index", a64("ldr x1, =0x600010; mov x2, #0x55; str x2, [x1, #-8]!; str x2, [x1], #32; ldr x0, [x1, #-32]; ret"), { x0: 0x55n, regs: { 1: DATA + 40n } }],
    ["strh register offset", a64("mov x1, #0x600000; mov x2, #3; mov w3, #0xbeef; strh w3, [x1, x2, lsl #1]; ldrh w0, [x1, #6]; ret"), { x0: 0xbeefn }],
    ["stp/ldp pre and post on sp", a64("mov x2, #11; mov x3, #22; stp x2, x3, [sp, #-16]!; ldp x0, x1, [sp], #16; mov x4, sp; ret"), { x0: 11n, regs: { 1: 22n, 4: STACK_TOP } }],
    ["ldp w", a64("mov x2, #0x600000; ldp w0, w1, [x2]; ret"), { x0: 0x03020100n, regs: { 1: 0x07060504n } }],
    ["ldpsw", a64("mov x1, #0x600000; ldpsw x0, x2, [x1, #0xf8]; ret"), { x0: 0xfffffffffbfaf9f8n, regs: { 2: 0xfffffffffffefdfcn } }],
    ["stp w offset", a64("mov x1, #0x600000; mov w2, #1; mov w3, #2; stp w2, w3, [x1, #8]; ldr x0, [x1, #8]; ret"), { x0: 0x0000000200000001n }],
    ["stnp/ldnp", a64("mov x1, #0x600000; mov x2, #7; mov x3, #9; stnp x2, x3, [x1, #32]; ldnp x4, x5, [x1, #32]; add x0, x4, x5; ret"), { x0: 16n }],
    ["ldxr/stxr succeed", a64("mov x1, #0x600000; ldxr x0, [x1]; add x0, x0, #1; stxr w2, x0, [x1]; ldr x0, [x1]; ret"), { x0: 0x0706050403020101n, regs: { 2: 0n } }],
    ["stxr without ldxr fails and writes nothing", a64("mov x1, #0x600000; mov x3, #0; stxr w2, x3, [x1]; ldr x0, [x1]; ret"), { x0: 0x0706050403020100n, regs: { 2: 1n } }],
    ["ldaxr/stlxr w", a64("mov x1, #0x600000; ldaxr w0, [x1]; add w0, w0, #2; stlxr w2, w0, [x1]; ldr w0, [x1]; ret"), { x0: 0x03020102n, regs: { 2: 0n } }],
    ["clrex closes the monitor", a64("mov x1, #0x600000; ldxr x0, [x1]; clrex; stxr w2, x0, [x1]; mov x0, x2; ret"), { x0: 1n }],
    ["ldxp/stxp", a64("mov x1, #0x600000; ldxp x2, x3, [x1]; stxp w4, x3, x2, [x1]; ldr x0, [x1]; ret"), { x0: 0x0f0e0d0c0b0a0908n, regs: { 4: 0n } }],
    ["ldar/stlr", a64("mov x1, #0x600000; mov x2, #5; stlr x2, [x1]; ldar x0, [x1]; ret"), { x0: 5n }],
    ["ldarb", a64("ldr x1, =0x600003; ldarb w0, [x1]; ret"), { x0: 3n }],
    ["prfm does not access memory", a64("ldr x1, =0x123000; prfm pldl1keep, [x1]; prfm pstl2strm, [x1, #8]; prfum pldl1keep, [x1, #1]; mov x0, #1; ret"), { x0: 1n }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
  it("stores land in memory", () => {
    returned(runCode(box, "aarch64", a64("mov x1, #0x600000; ldr x2, =0x1122334455667788; str x2, [x1, #16]; strb w2, [x1, #1]; strh w2, [x1, #2]; stur w2, [x1, #25]; ldr x0, [x1]; ret"), { data: PATTERN }));
    expect(Buffer.from(box.w.readMemory(DATA, 32)!).toString("hex")).toBe("0088887704050607" + "08090a0b0c0d0e0f" + "8877665544332211" + "1888776655" + "1d1e1f");
  });
});

function a64Fault(code: Uint8Array, opts: Parameters<typeof runCode>[3] = {}) {
  const stop = runCode(box, "aarch64", code, opts);
  if (stop.kind !== "fault") throw new Error(`expected a fault, got ${stop.kind}`);
  return stop;
}

describe("A64 faults", () => {
  it("load from an unmapped page: data abort, translation fault", () => {
    expect(a64Fault(a64("ldr x1, =0x123000; ldr x0, [x1, #8]; ret"))).toMatchObject({ fault: "unmapped", vector: 0x25, address: 0x123008n, error: 0x07, pc: CODE + 4n });
  });
  it("store to read-only data: permission fault, WnR", () => {
    expect(a64Fault(a64("mov x1, #0x620000; str x1, [x1]; ret"))).toMatchObject({ fault: "write-read-only", vector: 0x25, address: RODATA, error: 0x4f });
  });
  it("branch to a data page: instruction abort", () => {
    expect(a64Fault(a64("mov x1, #0x600000; br x1"))).toMatchObject({ fault: "fetch-not-executable", vector: 0x21, pc: DATA, address: DATA });
  });
  it("branch to an unaligned address: PC alignment fault", () => {
    expect(a64Fault(a64("adr x1, 1f; add x1, x1, #2; br x1; 1: ret"))).toMatchObject({ fault: "pc-alignment", vector: 0x22 });
  });
  it("a faulting ldp writes no register; a faulting stp writes no byte", () => {
    const f = a64Fault(a64("mov x0, #7; mov x1, #7; ldr x2, =0x601ff8; ldp x0, x1, [x2]; ret"));
    expect(f.address).toBe(0x602000n);
    expect([box.cpu.reg(0), box.cpu.reg(1)]).toEqual([7n, 7n]);
    a64Fault(a64("ldr x2, =0x601ff8; stp x2, x2, [x2]; ret"), { data: PATTERN });
    expect(Buffer.from(box.w.readMemory(0x601ff8n, 8)!).toString("hex")).toBe("f8f9fafbfcfdfeff");
  });
  it("writeback happens only when the access succeeds", () => {
    a64Fault(a64("ldr x1, =0x123000; ldr x0, [x1, #8]!; ret"));
    expect(box.cpu.reg(1)).toBe(0x123000n);
  });
  it("brk: breakpoint with its immediate; udf: undefined", () => {
    expect(a64Fault(a64("mov x0, #1; brk #0x800"))).toMatchObject({ fault: "breakpoint", vector: 0x3c, info: 0x800n, pc: CODE + 4n });
    expect(a64Fault(a64("udf #5"))).toMatchObject({ fault: "undefined", vector: 0, info: 5n, pc: CODE });
  });
  it("an exception-table fixup works on A64 too", () => {
    const code = a64("ldr x1, =0x123000; ldr x0, [x1]; 2: ret; mov x0, #-14; b 2b");
    const t = Buffer.alloc(0x1000);
    t.writeInt32LE(Number(CODE + 4n - RODATA), 0);
    t.writeInt32LE(Number(CODE + 12n - (RODATA + 4n)), 4);
    load(box, "aarch64", code, { rodata: new Uint8Array(t) });
    box.cpu.addExTable({ start: CODE, end: CODE + 0x1000n }, { start: RODATA, end: RODATA + 8n });
    expect(box.cpu.call("aarch64", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "fault", fixup: CODE + 12n });
    expect(returned(box.cpu.fixup())).toBe(u64(-14n));
  });
});

describe("A64 services, unsupported instructions, budget", () => {
  it("bl to a service stops with x0-x7 and returns to lr", () => {
    const code = a64("mov x19, x30; mov x0, #1; mov x1, #2; mov x7, #8; bl 1f; add x0, x0, #1; mov x30, x19; ret; 1: brk #1");
    load(box, "aarch64", code);
    box.cpu.addService(CODE + 32n, 4);
    expect(box.cpu.call("aarch64", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 4, pc: CODE + 32n, args: [1n, 2n, 0n, 0n, 0n, 0n, 0n, 8n], returnTo: CODE + 20n });
    expect(returned(box.cpu.serviceReturn(41n))).toBe(42n);
  });
  it("a tail call (b) to a service returns to the caller", () => {
    load(box, "aarch64", a64("mov x0, #3; b 1f; 1: brk #1"));
    box.cpu.addService(CODE + 8n, 2);
    expect(box.cpu.call("aarch64", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 2, args: [3n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] });
    expect(returned(box.cpu.serviceReturn(6n))).toBe(6n);
  });
  const unsupported: [string, Uint8Array, string | null][] = [
    ["svc", a64("svc #0"), "svc"],
    ["hvc", a64("hvc #0"), "hvc"],
    ["smc", a64("smc #0"), "smc"],
    ["mrs midr_el1", a64("mrs x0, midr_el1"), "mrs"],
    ["msr sctlr_el2", a64("msr sctlr_el2, x0"), "msr"],
    ["dc civac", a64("dc civac, x0"), "sys"],
    ["tlbi", a64("tlbi alle2"), "sys"],
    ["eret", a64("eret"), "eret"],
    ["retaa", a64(".inst 0xd65f0bff"), "retaa"],
    ["ldadd (LSE)", a64(".inst 0xf8200041"), "ldadd"],
    ["swp (LSE)", a64(".inst 0xf8208041"), "swp"],
    ["cas (LSE)", a64(".inst 0xc8a07c41"), "cas"],
    ["ldr q0 (SIMD&FP register)", a64("ldr q0, [x1]"), "ldr"],
    ["stp d0, d1", a64("stp d0, d1, [sp]"), "stp"],
    ["fadd", a64("fadd d0, d1, d2"), null],
    ["writeback into the base register", a64("ldr x1, [x1], #8"), "ldr"],
  ];
  it.each(unsupported)("%s", (_n, code, mnemonic) => {
    const stop = runCode(box, "aarch64", new Uint8Array([...a64("mov x1, #0x600000"), ...code]));
    expect(stop).toMatchObject({ kind: "unsupported", pc: CODE + 4n, mnemonic });
    if (stop.kind === "unsupported") expect(Buffer.from(stop.bytes).toString("hex")).toBe(Buffer.from(code.slice(0, 4)).toString("hex"));
  });
  it("the step budget ends runaway code", () => {
    expect(runCode(box, "aarch64", a64("1: b 1b"), { budget: 777n })).toEqual({ kind: "budget", pc: CODE });
    expect(box.cpu.counters().instructions).toBe(777);
  });
});
