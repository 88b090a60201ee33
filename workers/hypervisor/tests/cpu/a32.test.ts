// The A32 interpreter (ARMv7-A, ARM state) per instruction class, with results computed by hand
// from the ARM ARM's pseudocode: data processing (rotated immediates, shifts by immediate and by
// register, flags), MOVW/MOVT, multiplies, extends and bitfields, loads and stores in every
// addressing mode, LDM/STM/PUSH/POP, branches (the pc reads as +8), every condition code, and how
// runs end (data and prefetch aborts with their HSR syndrome, alignment faults, undefined
// instructions, services, unsupported encodings, the step budget).
import { beforeAll, describe, expect, it } from "vitest";
import { a32 } from "./asm.ts";
import { newBox, runCode, returned, load, CODE, DATA, RODATA, STACK, STACK_SIZE, STACK_TOP, type Box } from "./harness.ts";

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

/** data[i] = i & 0xff over the two data pages. */
const PATTERN = new Uint8Array(0x2000).map((_, i) => i & 0xff);
/** CPSR.M = Hyp (0x1a), ARM state, IRQs enabled at entry. */
const HYP = 0x1an;

interface Expect {
  r0?: bigint;
  regs?: Record<number, bigint>;
}

function check(code: Uint8Array, want: Expect, args: bigint[] = []): void {
  const r0 = returned(runCode(box, "arm32", code, { data: PATTERN, args }));
  if (want.r0 !== undefined) expect(r0.toString(16)).toBe(want.r0.toString(16));
  for (const [r, v] of Object.entries(want.regs ?? {})) expect(box.cpu.reg(Number(r)).toString(16), `r${r}`).toBe(v.toString(16));
}

describe("A32 data processing", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["mov rotated immediate (0xff ror 8)", a32("mov r0, #0xff000000; bx lr"), { r0: 0xff000000n }],
    ["add with lsl #3", a32("mov r1, #5; add r0, r1, r1, lsl #3; bx lr"), { r0: 45n }],
    ["mvn", a32("mvn r0, #0; bx lr"), { r0: 0xffffffffn }],
    ["asr #4 of a negative", a32("mov r1, #0x80000000; asr r0, r1, #4; bx lr"), { r0: 0xf8000000n }],
    ["ror #1", a32("movw r1, #1; movt r1, #0x8000; ror r0, r1, #1; bx lr"), { r0: 0xc0000000n }],
    ["lsr by register 32 gives 0, carry = bit 31", a32("mov r1, #0x80000000; mov r2, #32; movs r0, r1, lsr r2; movcs r0, #7; bx lr"), { r0: 7n }],
    ["lsl by register 33 gives 0, carry 0", a32("mov r1, #1; mov r2, #33; movs r3, r1, lsl r2; movcc r0, #5; movcs r0, #6; bx lr"), { r0: 5n, regs: { 3: 0n } }],
    ["rrx", a32("mov r1, #3; lsrs r2, r1, #1; rrx r0, r1; bx lr"), { r0: 0x80000001n }],
    ["orr with register-shifted register", a32("mov r1, #1; mov r2, #4; orr r0, r1, r1, lsl r2; bx lr"), { r0: 0x11n }],
    ["eor", a32("mov r1, #0xf0; eor r0, r1, #0xff; bx lr"), { r0: 0x0fn }],
    ["rsb", a32("mov r1, #10; rsb r0, r1, #100; bx lr"), { r0: 90n }],
    ["bic", a32("mvn r1, #0; bic r0, r1, #0xff00; bx lr"), { r0: 0xffff00ffn }],
    ["adc takes the carry of adds", a32("mvn r1, #0; adds r2, r1, #1; adc r0, r1, #1; bx lr"), { r0: 1n, regs: { 2: 0n } }],
    ["sbc after a borrow subtracts one more", a32("mov r1, #10; cmp r1, #20; sbc r0, r1, #1; bx lr"), { r0: 8n }],
    ["movw/movt", a32("movw r0, #0x5678; movt r0, #0x1234; bx lr"), { r0: 0x12345678n }],
    ["cmp eq", a32("mov r1, #3; cmp r1, #3; moveq r0, #1; movne r0, #2; bx lr"), { r0: 1n }],
    ["tst", a32("mov r1, #4; tst r1, #3; moveq r0, #1; movne r0, #0; bx lr"), { r0: 1n }],
    ["the pc reads as the instruction + 8", a32("mov r0, pc; bx lr"), { r0: CODE + 8n }],
    ["ldr from [pc, #0] reads two words on", a32("ldr r0, [pc, #0]; bx lr; .word 0x12345678"), { r0: 0x12345678n }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));

  it("adds: 0x7fffffff + 1 sets N and V (CPSR as mrs reads it: NZCV, Hyp mode)", () => {
    check(a32("mvn r1, #0x80000000; adds r0, r1, #1; bx lr"), { r0: 0x80000000n, regs: { 16: 0x90000000n | HYP } });
  });
  it("subs 1 - 2: N set, C clear (a borrow)", () => {
    check(a32("mov r1, #1; subs r0, r1, #2; bx lr"), { r0: 0xffffffffn, regs: { 16: 0x80000000n | HYP } });
  });
  it("cmp 5, 5: Z and C", () => {
    check(a32("mov r1, #5; cmp r1, #5; mrs r0, APSR; bx lr"), { r0: 0x60000000n | HYP });
  });
  it("a logical op with S takes C from the shifter and keeps V", () => {
    // lsls #1 of 0x80000000: result 0 (Z), carry out 1 (C); V was set by the adds before
    check(a32("mvn r1, #0x80000000; adds r1, r1, #1; lsls r0, r1, #1; bx lr"), { r0: 0n, regs: { 16: 0x70000000n | HYP } });
  });
});

describe("A32 condition codes", () => {
  // ARM ARM table A8-1: the condition from the flags N Z C V
  const holds: Record<string, (n: boolean, z: boolean, c: boolean, v: boolean) => boolean> = {
    eq: (_n, z) => z,
    ne: (_n, z) => !z,
    cs: (_n, _z, c) => c,
    cc: (_n, _z, c) => !c,
    mi: (n) => n,
    pl: (n) => !n,
    vs: (_n, _z, _c, v) => v,
    vc: (_n, _z, _c, v) => !v,
    hi: (_n, z, c) => c && !z,
    ls: (_n, z, c) => !c || z,
    ge: (n, _z, _c, v) => n === v,
    lt: (n, _z, _c, v) => n !== v,
    gt: (n, z, _c, v) => !z && n === v,
    le: (n, z, _c, v) => z || n !== v,
  };
  const codes: Record<string, Uint8Array> = {
    eq: a32("msr APSR_nzcvq, r0; mov r0, #0; moveq r0, #1; bx lr"),
    ne: a32("msr APSR_nzcvq, r0; mov r0, #0; movne r0, #1; bx lr"),
    cs: a32("msr APSR_nzcvq, r0; mov r0, #0; movcs r0, #1; bx lr"),
    cc: a32("msr APSR_nzcvq, r0; mov r0, #0; movcc r0, #1; bx lr"),
    mi: a32("msr APSR_nzcvq, r0; mov r0, #0; movmi r0, #1; bx lr"),
    pl: a32("msr APSR_nzcvq, r0; mov r0, #0; movpl r0, #1; bx lr"),
    vs: a32("msr APSR_nzcvq, r0; mov r0, #0; movvs r0, #1; bx lr"),
    vc: a32("msr APSR_nzcvq, r0; mov r0, #0; movvc r0, #1; bx lr"),
    hi: a32("msr APSR_nzcvq, r0; mov r0, #0; movhi r0, #1; bx lr"),
    ls: a32("msr APSR_nzcvq, r0; mov r0, #0; movls r0, #1; bx lr"),
    ge: a32("msr APSR_nzcvq, r0; mov r0, #0; movge r0, #1; bx lr"),
    lt: a32("msr APSR_nzcvq, r0; mov r0, #0; movlt r0, #1; bx lr"),
    gt: a32("msr APSR_nzcvq, r0; mov r0, #0; movgt r0, #1; bx lr"),
    le: a32("msr APSR_nzcvq, r0; mov r0, #0; movle r0, #1; bx lr"),
  };
  it.each(Object.keys(holds))("%s over all sixteen NZCV values", (cond) => {
    for (let f = 0; f < 16; f++) {
      const want = holds[cond]((f & 8) !== 0, (f & 4) !== 0, (f & 2) !== 0, (f & 1) !== 0) ? 1n : 0n;
      const got = returned(runCode(box, "arm32", codes[cond], { args: [BigInt(f) << 28n] }));
      expect(got, `${cond} with NZCV ${f.toString(2).padStart(4, "0")}`).toBe(want);
    }
  });
  it("a load whose condition fails does not touch memory (no abort at address 0)", () => {
    check(a32("mov r1, #0; mov r0, #4; cmp r1, #1; ldreq r0, [r1]; bx lr"), { r0: 4n });
  });
  it("a conditional return (bxls) is taken or not", () => {
    check(a32("mov r0, #1; cmp r0, #2; bxls lr; mov r0, #9; bx lr"), { r0: 1n });
    check(a32("mov r0, #3; cmp r0, #2; bxls lr; mov r0, #9; bx lr"), { r0: 9n });
  });
});

describe("A32 multiplies, extends, bitfields", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["mul", a32("mov r1, #7; mov r2, #6; mul r0, r1, r2; bx lr"), { r0: 42n }],
    ["mla", a32("mov r1, #7; mov r2, #6; mov r3, #100; mla r0, r1, r2, r3; bx lr"), { r0: 142n }],
    ["mls", a32("mov r1, #7; mov r2, #6; mov r3, #100; mls r0, r1, r2, r3; bx lr"), { r0: 58n }],
    ["muls sets Z", a32("mov r1, #0; muls r0, r1, r1; moveq r0, #9; bx lr"), { r0: 9n }],
    ["umull", a32("mvn r2, #0; mov r3, #2; umull r0, r1, r2, r3; bx lr"), { r0: 0xfffffffen, regs: { 1: 1n } }],
    ["smull", a32("mvn r2, #0; mov r3, #2; smull r0, r1, r2, r3; bx lr"), { r0: 0xfffffffen, regs: { 1: 0xffffffffn } }],
    ["umlal", a32("mov r0, #1; mov r1, #0; mvn r2, #0; mov r3, #2; umlal r0, r1, r2, r3; bx lr"), { r0: 0xffffffffn, regs: { 1: 1n } }],
    ["smlal", a32("mov r0, #3; mov r1, #0; mvn r2, #0; mov r3, #2; smlal r0, r1, r2, r3; bx lr"), { r0: 1n, regs: { 1: 0n } }],
    ["clz", a32("mov r1, #0x100; clz r0, r1; bx lr"), { r0: 23n }],
    ["uxth", a32("mvn r1, #0; uxth r0, r1; bx lr"), { r0: 0xffffn }],
    ["sxtb", a32("mov r1, #0x80; sxtb r0, r1; bx lr"), { r0: 0xffffff80n }],
    ["sxth", a32("movw r1, #0x8001; sxth r0, r1; bx lr"), { r0: 0xffff8001n }],
    ["uxtb ror #8", a32("movw r1, #0xab00; uxtb r0, r1, ror #8; bx lr"), { r0: 0xabn }],
    ["uxtah", a32("mov r2, #1; mvn r1, #0; uxtah r0, r2, r1; bx lr"), { r0: 0x10000n }],
    ["ubfx", a32("movw r1, #0x1234; ubfx r0, r1, #4, #8; bx lr"), { r0: 0x23n }],
    ["sbfx", a32("mov r1, #0xf0; sbfx r0, r1, #4, #4; bx lr"), { r0: 0xffffffffn }],
    ["bfi", a32("mvn r0, #0; mov r1, #0; bfi r0, r1, #8, #8; bx lr"), { r0: 0xffff00ffn }],
    ["bfc", a32("mvn r0, #0; bfc r0, #0, #4; bx lr"), { r0: 0xfffffff0n }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
});

describe("A32 loads and stores", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["ldr", a32("movw r1, #0; movt r1, #0x60; ldr r0, [r1]; bx lr"), { r0: 0x03020100n }],
    ["ldr offset", a32("movw r1, #0; movt r1, #0x60; ldr r0, [r1, #4]; bx lr"), { r0: 0x07060504n }],
    ["ldrb", a32("movw r1, #0; movt r1, #0x60; ldrb r0, [r1, #0x81]; bx lr"), { r0: 0x81n }],
    ["ldrsb", a32("movw r1, #0; movt r1, #0x60; ldrsb r0, [r1, #0x81]; bx lr"), { r0: 0xffffff81n }],
    ["ldrh", a32("movw r1, #0; movt r1, #0x60; ldrh r0, [r1, #0x80]; bx lr"), { r0: 0x8180n }],
    ["ldrsh", a32("movw r1, #0; movt r1, #0x60; ldrsh r0, [r1, #0x80]; bx lr"), { r0: 0xffff8180n }],
    ["ldr pre-index writeback", a32("movw r1, #0; movt r1, #0x60; ldr r0, [r1, #8]!; bx lr"), { r0: 0x0b0a0908n, regs: { 1: DATA + 8n } }],
    ["ldr post-index", a32("movw r1, #0; movt r1, #0x60; ldr r0, [r1], #16; bx lr"), { r0: 0x03020100n, regs: { 1: DATA + 16n } }],
    ["ldr register lsl #2", a32("movw r1, #0; movt r1, #0x60; mov r2, #2; ldr r0, [r1, r2, lsl #2]; bx lr"), { r0: 0x0b0a0908n }],
    ["ldr negative register offset", a32("movw r1, #0; movt r1, #0x60; add r1, r1, #16; mov r2, #4; ldr r0, [r1, -r2]; bx lr"), { r0: 0x0f0e0d0cn, regs: { 1: DATA + 16n } }],
    ["ldrh register post-index", a32("movw r1, #0; movt r1, #0x60; mov r2, #2; ldrh r0, [r1], r2; bx lr"), { r0: 0x0100n, regs: { 1: DATA + 2n } }],
    ["ldrsh negative immediate pre-index", a32("movw r1, #0; movt r1, #0x60; add r1, r1, #0x84; ldrsh r0, [r1, #-4]!; bx lr"), { r0: 0xffff8180n, regs: { 1: DATA + 0x80n } }],
    ["ldrd", a32("movw r1, #0; movt r1, #0x60; ldrd r2, r3, [r1, #8]; mov r0, r3; bx lr"), { r0: 0x0f0e0d0cn, regs: { 2: 0x0b0a0908n } }],
    ["str/strb/strh", a32("movw r1, #0; movt r1, #0x60; movw r2, #0x7788; movt r2, #0x5566; str r2, [r1, #16]; strb r2, [r1, #1]; strh r2, [r1, #2]; ldr r0, [r1]; bx lr"), { r0: 0x77888800n }],
    ["str word lands whole", a32("movw r1, #0; movt r1, #0x60; movw r2, #0x7788; movt r2, #0x5566; str r2, [r1, #16]; ldr r0, [r1, #16]; bx lr"), { r0: 0x55667788n }],
    ["strd", a32("movw r1, #0; movt r1, #0x60; mov r2, #1; mov r3, #2; strd r2, r3, [r1, #8]; ldr r0, [r1, #12]; bx lr"), { r0: 2n }],
    ["str pre-index on sp (push one)", a32("mov r2, #0x44; str r2, [sp, #-4]!; ldr r0, [sp]; add sp, sp, #4; bx lr"), { r0: 0x44n, regs: { 13: STACK_TOP } }],
    ["push/pop", a32("mov r4, #11; mov r5, #22; push {r4, r5, lr}; mov r4, #0; mov r5, #0; pop {r4, r5, lr}; add r0, r4, r5; bx lr"), { r0: 33n, regs: { 13: STACK_TOP } }],
    ["stmdb puts the lowest register lowest", a32("mov r2, #1; mov r3, #2; stmdb sp!, {r2, r3}; ldr r0, [sp]; ldr r4, [sp, #4]; add sp, sp, #8; bx lr"), { r0: 1n, regs: { 4: 2n } }],
    ["stmia, ldmib", a32("movw r1, #0; movt r1, #0x60; mov r2, #5; mov r3, #6; stmia r1, {r2, r3}; ldmib r1, {r0}; bx lr"), { r0: 6n, regs: { 1: DATA } }],
    ["stmda", a32("movw r1, #0; movt r1, #0x60; mov r2, #5; mov r3, #6; add r1, r1, #8; stmda r1, {r2, r3}; ldr r0, [r1, #-4]; bx lr"), { r0: 5n }],
    ["ldmia writeback", a32("movw r1, #0; movt r1, #0x60; ldmia r1!, {r2, r3}; mov r0, r3; bx lr"), { r0: 0x07060504n, regs: { 1: DATA + 8n, 2: 0x03020100n } }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
});

describe("A32 branches", () => {
  it("bl and bx lr (one call counted)", () => {
    check(a32("push {lr}; mov r0, #0; bl 1f; add r0, r0, #1; pop {pc}; 1: add r0, r0, #10; bx lr"), { r0: 11n });
    expect(box.cpu.counters().calls).toBe(1);
  });
  it("blx register", () => {
    // add r1, pc, #8 at +4 gives +4 + 8 + 8 = +0x14, the mov r0, #9
    check(a32("push {lr}; add r1, pc, #8; mov r0, #0; blx r1; pop {pc}; mov r0, #9; bx lr"), { r0: 9n });
  });
  it("pop {pc} returns", () => {
    check(a32("mov r0, #3; push {lr}; pop {pc}"), { r0: 3n });
  });
  it("ldr pc loads a branch target", () => {
    // add r2, pc, #8 at +0 gives +0x10; the mov r0, #1 at +0xc is skipped
    check(a32("add r2, pc, #8; str r2, [sp, #-4]!; ldr pc, [sp], #4; mov r0, #1; mov r0, #2; bx lr"), { r0: 2n, regs: { 13: STACK_TOP } });
  });
  it("b backwards loops until the condition fails", () => {
    check(a32("mov r0, #0; mov r1, #5; 1: add r0, r0, #2; subs r1, r1, #1; bne 1b; bx lr"), { r0: 10n });
  });
  it("arguments beyond the fourth are on the stack (AAPCS)", () => {
    check(a32("ldr r0, [sp]; ldr r1, [sp, #4]; add r0, r0, r1; add r0, r0, r3; bx lr"), { r0: 5n + 6n + 4n }, [1n, 2n, 3n, 4n, 5n, 6n]);
  });
  it("cpsid i / cpsie i and mrs see CPSR.I", () => {
    check(a32("cpsid i; mrs r0, APSR; bx lr"), { r0: 0x80n | HYP });
    expect(box.cpu.reg(16)).toBe(0x80n | HYP);
    check(a32("cpsid i; cpsie i; mrs r0, APSR; bx lr"), { r0: HYP });
  });
  it("barriers and hints are no-ops", () => {
    check(a32("mov r0, #1; dmb ish; dsb sy; isb sy; nop; bx lr"), { r0: 1n });
  });
});

function faultOf(code: Uint8Array) {
  const stop = runCode(box, "arm32", code, { data: PATTERN });
  if (stop.kind !== "fault") throw new Error(`expected a fault, got ${JSON.stringify(stop, (_, v) => (typeof v === "bigint" ? v.toString(16) : v))}`);
  return stop;
}

describe("A32 faults", () => {
  it("a load from an unmapped page: data abort (EC 0x25), translation fault level 3, registers untouched", () => {
    const f = faultOf(a32("mov r1, #0x100000; mov r0, #7; ldr r0, [r1, #8]!; bx lr"));
    expect(f).toMatchObject({ fault: "unmapped", vector: 0x25, error: 0x07, address: 0x100008n, pc: CODE + 8n, fixup: null });
    expect(box.cpu.reg(0)).toBe(7n);
    expect(box.cpu.reg(1)).toBe(0x100000n);
  });
  it("a store to read-only data: permission fault with WnR", () => {
    const f = faultOf(a32("movw r1, #0; movt r1, #0x62; str r0, [r1]; bx lr"));
    expect(f).toMatchObject({ fault: "write-read-only", vector: 0x25, error: 0x4f, address: RODATA, pc: CODE + 8n });
  });
  it("an unaligned word load: alignment fault (Xen's HSCTLR.A)", () => {
    const f = faultOf(a32("movw r1, #1; movt r1, #0x60; ldr r0, [r1]; bx lr"));
    expect(f).toMatchObject({ fault: "alignment", vector: 0x25, error: 0x21, address: DATA + 1n });
  });
  it("an unaligned halfword store: alignment fault with WnR, nothing written", () => {
    const f = faultOf(a32("movw r1, #3; movt r1, #0x60; strh r0, [r1]; bx lr"));
    expect(f).toMatchObject({ fault: "alignment", error: 0x61, address: DATA + 3n });
    expect(Buffer.from(box.w.readMemory(DATA, 8)!).toString("hex")).toBe("0001020304050607");
  });
  it("an stm that would cross into an unmapped page stores nothing", () => {
    const f = faultOf(a32("movw r1, #0x1ffc; movt r1, #0x60; mov r2, #9; mov r3, #9; stmia r1, {r2, r3}; bx lr"));
    expect(f).toMatchObject({ fault: "unmapped", vector: 0x25 });
    expect(Buffer.from(box.w.readMemory(DATA + 0x1ffcn, 4)!).toString("hex")).toBe("fcfdfeff");
  });
  it("udf #0 (Xen's BUG_OPCODE): undefined instruction, the word kept", () => {
    const f = faultOf(a32("mov r0, #1; udf #0"));
    expect(f).toMatchObject({ fault: "undefined", vector: 0, pc: CODE + 4n, info: 0xe7f000f0n });
  });
  it("a word in the unallocated cond=1111, op1=1111xxxx space (0xffce0014) is undefined", () => {
    const f = faultOf(a32(".word 0xffce0014"));
    expect(f).toMatchObject({ fault: "undefined", vector: 0, pc: CODE, info: 0xffce0014n });
  });
  it("an STC2 to coprocessor 0 is undefined", () => {
    expect(faultOf(a32(".word 0xfc800000"))).toMatchObject({ fault: "undefined", info: 0xfc800000n });
  });
  it("a branch to an unmapped page: prefetch abort (EC 0x21) at the target", () => {
    const f = faultOf(a32("mov r1, #0x100000; bx r1"));
    expect(f).toMatchObject({ fault: "unmapped", vector: 0x21, error: 0x07, address: 0x100000n, pc: 0x100000n });
  });
});

describe("A32 services, unsupported instructions, budget", () => {
  it("bl to a service stops with r0-r3 and returns to lr with the value in r0", () => {
    load(box, "arm32", a32("push {lr}; mov r0, #1; mov r1, #2; bl 1f; add r0, r0, #1; pop {pc}; 1: udf #0"));
    box.cpu.addService(CODE + 0x18n, 4);
    expect(box.cpu.call("arm32", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 4, pc: CODE + 0x18n, args: [1n, 2n, 0n, 0n, 0n, 0n, 0n, 0n], returnTo: CODE + 0x10n });
    expect(returned(box.cpu.serviceReturn(41n))).toBe(42n);
  });
  it("a tail call (b) to a service returns to the caller", () => {
    load(box, "arm32", a32("mov r0, #3; b 1f; 1: udf #0"));
    box.cpu.addService(CODE + 8n, 2);
    expect(box.cpu.call("arm32", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 2, args: [3n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] });
    expect(returned(box.cpu.serviceReturn(6n))).toBe(6n);
  });
  const unsupported: [string, Uint8Array, string | null][] = [
    ["svc", a32("svc #0"), "svc"],
    ["ldrex", a32("ldrex r0, [r1]"), "ldrex"],
    ["strex", a32("strex r0, r2, [r1]"), "strex"],
    ["mrc p15", a32("mrc p15, 0, r0, c0, c0, 0"), "mrc p15"],
    ["mcr p15", a32("mcr p15, 4, r0, c13, c0, 2"), "mcr p15"],
    ["vfp (cp10)", a32(".word 0xee300a00"), "vfp/neon"],
    ["ldrt", a32("ldrt r0, [r1]"), "ldrt"],
    ["ldm with the user registers", a32("ldm r1, {r0}^"), "ldm (user registers / exception return)"],
    ["writeback into the loaded register", a32("ldr r1, [r1, #4]!"), "writeback with rn == pc or rn == rt (UNPREDICTABLE)"],
    ["bx to Thumb code", a32("add r2, r1, #1; bx r2"), "switch to Thumb state at 0x600000"],
    ["smulbb (halfword multiply)", a32("smulbb r0, r1, r2"), "halfword multiply"],
  ];
  it.each(unsupported)("%s", (_n, code, mnemonic) => {
    const stop = runCode(box, "arm32", new Uint8Array([...a32("movw r1, #0; movt r1, #0x60"), ...code]));
    const last = code.length - 4;
    expect(stop).toMatchObject({ kind: "unsupported", pc: CODE + 8n + BigInt(last), mnemonic });
    if (stop.kind === "unsupported") expect(Buffer.from(stop.bytes).toString("hex")).toBe(Buffer.from(code.slice(last)).toString("hex"));
  });
  it("the step budget ends runaway code", () => {
    expect(runCode(box, "arm32", a32("1: b 1b"), { budget: 777n })).toEqual({ kind: "budget", pc: CODE });
    expect(box.cpu.counters().instructions).toBe(777);
  });
});

describe("A32 code calling Xen's printk (a native service)", () => {
  it("AAPCS varargs: r1-r3, a long long in an even register pair, then the stack; %ld is 32-bit and %p 8 digits on ILP32", () => {
    const code = a32(
      "push {lr}; movw r0, #0; movt r0, #0x60; mvn r1, #0; mov r2, #5; mov r3, #1; movw r12, #0x1234; str r12, [sp, #-8]!; bl 1f; add sp, sp, #8; mov r0, #0; pop {pc}; 1: bx lr",
    );
    load(box, "arm32", code, { data: new Uint8Array(Buffer.from("%ld %lld %p\n\0")) });
    box.w.addSymbol("printk", CODE + 0x30n, 4, 2);
    const w = box.w as typeof box.w & { takeEvents(): string };
    w.takeEvents();
    const r = JSON.parse(box.w.xenCall(`0x${CODE.toString(16)}`)) as { outcome: string; services: number };
    expect(r).toMatchObject({ outcome: "returned", services: 1 });
    const lines = w
      .takeEvents()
      .split("\n")
      .filter((l) => l.includes('"kind":"console"'))
      .map((l) => (JSON.parse(l) as { line: string }).line);
    // -1 as a 32-bit long in r1; the long long after it takes the next even pair, r2:r3 (0x1_00000005);
    // 0x1234 (not in any text region) as 2 * sizeof(void *) = 8 hex digits
    expect(lines).toEqual(["-1 4294967301 00001234"]);
  });
});
