// AArch64 (A64) data processing, conditions, branches, hints and system registers against
// results worked out by hand from the Arm ARM's pseudocode (NZCV included). Encodings come from
// aarch64-linux-gnu-as (asm.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { a64 } from "./asm.ts";
import { newBox, runCode, returned, CMP_PAIRS, CODE, STACK_TOP, type Box } from "./harness.ts";

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

const N = 0x80000000n;
const Z = 0x40000000n;
const C = 0x20000000n;
const V = 0x10000000n;
const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

/** data[i] = i & 0xff over the two data pages. */
const PATTERN = new Uint8Array(0x2000).map((_, i) => i & 0xff);

interface Expect {
  x0?: bigint;
  regs?: Record<number, bigint>;
  nzcv?: bigint;
}

function check(code: Uint8Array, want: Expect, args: bigint[] = []): void {
  const x0 = returned(runCode(box, "aarch64", code, { args, data: PATTERN }));
  if (want.x0 !== undefined) expect(x0.toString(16)).toBe(u64(want.x0).toString(16));
  for (const [r, v] of Object.entries(want.regs ?? {})) expect(box.cpu.reg(Number(r)).toString(16), `x${r}`).toBe(u64(v).toString(16));
  if (want.nzcv !== undefined) expect(box.cpu.reg(33).toString(16)).toBe(want.nzcv.toString(16));
}

describe("A64 data processing (immediate)", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["movz lsl 16", a64("movz x0, #0x1234, lsl #16; ret"), { x0: 0x12340000n }],
    ["movn (mov x0, #-1)", a64("movn x0, #0; ret"), { x0: M64 }],
    ["movn w0 clears the upper half", a64("movn w0, #0; ret"), { x0: 0xffffffffn }],
    ["movk keeps the other halfwords", a64("movz x0, #0xffff; movk x0, #0x1234, lsl #48; ret"), { x0: 0x123400000000ffffn }],
    ["movk w", a64("mov w0, #0xffff; movk w0, #1, lsl #16; ret"), { x0: 0x1ffffn }],
    ["add imm lsl 12", a64("mov x1, #10; add x0, x1, #0x123, lsl #12; ret"), { x0: 0x12300an }],
    ["adds w: V and N", a64("mov w1, #0x7fffffff; adds w0, w1, #1; ret"), { x0: 0x80000000n, nzcv: N | V }],
    ["subs to zero: Z and C", a64("mov x1, #5; subs x0, x1, #5; ret"), { x0: 0n, nzcv: Z | C }],
    ["cmp imm: borrow clears C", a64("mov x0, #5; cmp x0, #6; ret"), { x0: 5n, nzcv: N }],
    ["cmn imm", a64("mov x0, #-1; cmn x0, #1; ret"), { nzcv: Z | C }],
    ["subs w wraps", a64("mov w1, #0; subs w0, w1, #1; ret"), { x0: 0xffffffffn, nzcv: N }],
    ["add/sub with sp", a64("mov x1, sp; add sp, sp, #16; mov x0, sp; sub sp, sp, #16; sub x0, x0, x1; ret"), { x0: 16n }],
    ["and imm", a64("mov x1, #0xff; and x0, x1, #0xf0; ret"), { x0: 0xf0n }],
    ["orr imm (mov bitmask)", a64("mov x0, #0x5555555555555555; ret"), { x0: 0x5555555555555555n }],
    ["orr imm 16-bit element", a64("mov x0, #0x00ff00ff00ff00ff; ret"), { x0: 0x00ff00ff00ff00ffn }],
    ["eor w imm", a64("mov w1, #1; eor w0, w1, #0x80000001; ret"), { x0: 0x80000000n }],
    ["ands imm: N, C and V cleared", a64("mov x1, #3; cmp x1, #0; mov x1, #-1; ands x0, x1, #0x8000000000000000; ret"), { x0: 0x8000000000000000n, nzcv: N }],
    ["tst imm", a64("mov w1, #2; tst w1, #1; ret"), { nzcv: Z }],
    ["adr forwards and backwards", a64("nop; adr x0, 1f; adr x1, .; sub x0, x0, x1; ret; 1: nop"), { x0: 12n, regs: { 1: CODE + 8n } }],
    ["adr negative", a64("nop; nop; adr x0, . - 8; ret"), { x0: CODE }],
    ["adrp +1 page (from pc 4 in the page)", a64("nop; .inst 0xb0000000; ret"), { x0: CODE + 0x1000n }],
    ["adrp -1 page", a64("nop; .inst 0xf0ffffe0; ret"), { x0: CODE - 0x1000n }],
    ["sxtb", a64("mov x1, #0x80; sxtb x0, w1; ret"), { x0: 0xffffffffffffff80n }],
    ["uxtb", a64("mov w1, #0x1ff; uxtb w0, w1; ret"), { x0: 0xffn }],
    ["sxth w", a64("mov w1, #0x8000; sxth w0, w1; ret"), { x0: 0xffff8000n }],
    ["sxtw", a64("mov w1, #0x80000000; sxtw x0, w1; ret"), { x0: 0xffffffff80000000n }],
    ["lsl imm", a64("mov x1, #1; lsl x0, x1, #4; ret"), { x0: 0x10n }],
    ["lsr w imm", a64("mov w1, #0x80000000; lsr w0, w1, #31; ret"), { x0: 1n }],
    ["asr imm", a64("mov x1, #0x8000000000000000; asr x0, x1, #63; ret"), { x0: M64 }],
    ["ubfx", a64("ldr x1, =0x123456; ubfx x0, x1, #8, #8; ret"), { x0: 0x34n }],
    ["sbfx", a64("mov x1, #0x80; sbfx x0, x1, #4, #4; ret"), { x0: 0xfffffffffffffff8n }],
    ["bfi", a64("mov x0, #0xffff; mov x1, #5; bfi x0, x1, #8, #4; ret"), { x0: 0xf5ffn }],
    ["bfxil", a64("mov x0, #0xf000; mov x1, #0xabc; bfxil x0, x1, #4, #8; ret"), { x0: 0xf0abn }],
    ["ubfiz", a64("mov x1, #0x1ff; ubfiz x0, x1, #4, #8; ret"), { x0: 0xff0n }],
    ["sbfiz", a64("mov x1, #0x80; sbfiz x0, x1, #4, #8; ret"), { x0: 0xfffffffffffff800n }],
    ["bfi w keeps the upper half zero", a64("mov x0, #-1; mov w1, #0; bfi w0, w1, #0, #8; ret"), { x0: 0xffffff00n }],
    ["extr", a64("mov x1, #0x11; mov x2, #0x33; movk x2, #0x2200, lsl #48; extr x0, x1, x2, #8; ret"), { x0: 0x1122000000000000n }],
    ["ror w imm", a64("mov w1, #0x5678; movk w1, #0x1234, lsl #16; ror w0, w1, #4; ret"), { x0: 0x81234567n }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
});

describe("A64 data processing (register)", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["add shifted", a64("mov x1, #1; mov x2, #2; add x0, x1, x2, lsl #3; ret"), { x0: 17n }],
    ["sub w asr", a64("mov w1, #10; mov w2, #0x80000000; sub w0, w1, w2, asr #1; ret"), { x0: 0x4000000an }],
    ["adds x: Z C V", a64("mov x1, #0x8000000000000000; adds x0, x1, x1; ret"), { x0: 0n, nzcv: Z | C | V }],
    ["subs w: N", a64("mov w1, #1; mov w2, #2; subs w0, w1, w2; ret"), { x0: 0xffffffffn, nzcv: N }],
    ["subs x: V on signed overflow", a64("mov x1, #0x8000000000000000; mov x2, #1; subs x0, x1, x2; ret"), { x0: 0x7fffffffffffffffn, nzcv: C | V }],
    ["add extended sxtw #2", a64("mov x1, #100; mov w2, #-1; add x0, x1, w2, sxtw #2; ret"), { x0: 96n }],
    ["add extended uxtb", a64("mov x1, #100; mov x2, #0x1ff; add x0, x1, w2, uxtb; ret"), { x0: 355n }],
    ["add extended with sp", a64("mov x1, #8; add x0, sp, x1; mov x2, sp; sub x0, x0, x2; ret"), { x0: 8n }],
    ["cmp extended uxtw", a64("mov x1, #0x100000000; mov x2, #-1; cmp x1, w2, uxtw; ret"), { nzcv: C }],
    ["orr shifted", a64("mov x1, #1; mov x2, #2; orr x0, x1, x2, lsl #8; ret"), { x0: 0x201n }],
    ["bic", a64("mov x1, #0xff; mov x2, #0xf; bic x0, x1, x2; ret"), { x0: 0xf0n }],
    ["mvn", a64("mov x1, #0xf; mvn x0, x1; ret"), { x0: ~0xfn & M64 }],
    ["mvn w", a64("mov w1, #0xf; mvn w0, w1; ret"), { x0: 0xfffffff0n }],
    ["eon", a64("mov x1, #0xff; mov x2, #0xf; eon x0, x1, x2; ret"), { x0: (0xffn ^ (~0xfn & M64)) & M64 }],
    ["ands clears C and V", a64("mov x3, #1; cmp x3, #0; mov x1, #0xf0; mov x2, #0xf; ands x0, x1, x2; ret"), { x0: 0n, nzcv: Z }],
    ["orr ror", a64("mov x1, #1; orr x0, xzr, x1, ror #4; ret"), { x0: 0x1000000000000000n }],
    ["adc with C", a64("mov x1, #1; cmp x1, #0; adc x0, x1, x1; ret"), { x0: 3n }],
    ["sbc without C", a64("mov x1, #10; mov x2, #3; mov x9, #1; cmp xzr, x9; sbc x0, x1, x2; ret"), { x0: 6n }],
    ["adcs carries to zero", a64("mov x1, #-1; cmp x1, #0; adcs x0, x1, xzr; ret"), { x0: 0n, nzcv: Z | C }],
    ["ngc (sbc from zero)", a64("mov x9, #1; cmp xzr, x9; mov x1, #5; ngc x0, x1; ret"), { x0: -6n }],
    ["ccmp taken: flags of the compare", a64("mov x1, #5; cmp x1, #5; ccmp x1, #3, #0, eq; ret"), { nzcv: C }],
    ["ccmp not taken: the immediate flags", a64("mov x1, #5; cmp x1, #4; ccmp x1, #3, #4, eq; ret"), { nzcv: Z }],
    ["ccmp register", a64("mov x1, #5; mov x2, #7; cmp x1, x1; ccmp x1, x2, #0, eq; ret"), { nzcv: N }],
    ["ccmn", a64("mov x1, #-3; cmp x1, x1; ccmn x1, #3, #0, eq; ret"), { nzcv: Z | C }],
    ["csel", a64("mov x1, #1; mov x2, #2; cmp x1, x2; csel x0, x1, x2, lt; ret"), { x0: 1n }],
    ["csinc", a64("mov x1, #1; mov x2, #2; cmp x1, x2; csinc x0, x1, x2, ge; ret"), { x0: 3n }],
    ["csinv", a64("mov x1, #1; mov x2, #2; cmp x1, x2; csinv x0, x1, x2, ge; ret"), { x0: ~2n & M64 }],
    ["csneg", a64("mov x1, #1; mov x2, #2; cmp x1, x2; csneg x0, x1, x2, ge; ret"), { x0: -2n }],
    ["cset", a64("mov x1, #1; cmp x1, #2; cset x0, lt; ret"), { x0: 1n }],
    ["csetm", a64("mov x1, #1; cmp x1, #2; csetm x0, lt; ret"), { x0: -1n }],
    ["cinc", a64("mov x1, #1; cmp x1, #2; cinc x0, x1, lt; ret"), { x0: 2n }],
    ["cneg", a64("mov x1, #1; cmp x1, #2; cneg x0, x1, lt; ret"), { x0: -1n }],
    ["csel w zero-extends", a64("mov x1, #-1; cmp x1, x1; csel w0, w1, wzr, eq; ret"), { x0: 0xffffffffn }],
    ["rbit", a64("mov x1, #1; rbit x0, x1; ret"), { x0: 0x8000000000000000n }],
    ["rbit w", a64("mov w1, #1; rbit w0, w1; ret"), { x0: 0x80000000n }],
    ["rev", a64("movz x1, #0x0708; movk x1, #0x0506, lsl #16; movk x1, #0x0304, lsl #32; movk x1, #0x0102, lsl #48; rev x0, x1; ret"), { x0: 0x0807060504030201n }],
    ["rev w", a64("movz w1, #0x3344; movk w1, #0x1122, lsl #16; rev w0, w1; ret"), { x0: 0x44332211n }],
    ["rev16", a64("movz x1, #0x7788; movk x1, #0x5566, lsl #16; movk x1, #0x3344, lsl #32; movk x1, #0x1122, lsl #48; rev16 x0, x1; ret"), { x0: 0x2211443366558877n }],
    ["rev32", a64("movz x1, #0x7788; movk x1, #0x5566, lsl #16; movk x1, #0x3344, lsl #32; movk x1, #0x1122, lsl #48; rev32 x0, x1; ret"), { x0: 0x4433221188776655n }],
    ["clz", a64("mov x1, #1; clz x0, x1; ret"), { x0: 63n }],
    ["clz w of 0", a64("clz w0, wzr; ret"), { x0: 32n }],
    ["cls of -1", a64("mov x1, #-1; cls x0, x1; ret"), { x0: 63n }],
    ["cls of 0xffffffff", a64("mov x1, #0xffffffff; cls x0, x1; ret"), { x0: 31n }],
    ["cls w", a64("mov w1, #0xffff0000; cls w0, w1; ret"), { x0: 15n }],
    ["udiv", a64("mov x1, #100; mov x2, #7; udiv x0, x1, x2; ret"), { x0: 14n }],
    ["udiv by zero is 0", a64("mov x1, #100; udiv x0, x1, xzr; ret"), { x0: 0n }],
    ["sdiv", a64("mov x1, #-100; mov x2, #7; sdiv x0, x1, x2; ret"), { x0: -14n }],
    ["sdiv by zero is 0", a64("mov x1, #-100; sdiv x0, x1, xzr; ret"), { x0: 0n }],
    ["sdiv MIN/-1 is MIN", a64("mov x1, #0x8000000000000000; mov x2, #-1; sdiv x0, x1, x2; ret"), { x0: 0x8000000000000000n }],
    ["sdiv w MIN/-1", a64("mov w1, #0x80000000; mov w2, #-1; sdiv w0, w1, w2; ret"), { x0: 0x80000000n }],
    ["udiv w", a64("mov w1, #-1; mov w2, #2; udiv w0, w1, w2; ret"), { x0: 0x7fffffffn }],
    ["lslv masks the amount", a64("mov x1, #1; mov x2, #65; lsl x0, x1, x2; ret"), { x0: 2n }],
    ["lsrv w", a64("mov w1, #0x80000000; mov w2, #33; lsr w0, w1, w2; ret"), { x0: 0x40000000n }],
    ["asrv", a64("mov x1, #-16; mov x2, #2; asr x0, x1, x2; ret"), { x0: -4n }],
    ["rorv", a64("mov x1, #1; mov x2, #1; ror x0, x1, x2; ret"), { x0: 0x8000000000000000n }],
    ["madd", a64("mov x1, #3; mov x2, #4; mov x3, #5; madd x0, x1, x2, x3; ret"), { x0: 17n }],
    ["msub", a64("mov x1, #3; mov x2, #4; mov x3, #5; msub x0, x1, x2, x3; ret"), { x0: -7n }],
    ["mul w wraps", a64("mov w1, #0x10000; mul w0, w1, w1; ret"), { x0: 0n }],
    ["mneg", a64("mov x1, #3; mov x2, #4; mneg x0, x1, x2; ret"), { x0: -12n }],
    ["smaddl", a64("mov w1, #-2; mov w2, #3; mov x3, #10; smaddl x0, w1, w2, x3; ret"), { x0: 4n }],
    ["umaddl", a64("mov w1, #-1; mov w2, #2; umaddl x0, w1, w2, xzr; ret"), { x0: 0x1fffffffen }],
    ["smsubl", a64("mov w1, #-2; mov w2, #3; mov x3, #10; smsubl x0, w1, w2, x3; ret"), { x0: 16n }],
    ["umsubl", a64("mov w1, #2; mov w2, #3; mov x3, #10; umsubl x0, w1, w2, x3; ret"), { x0: 4n }],
    ["smull", a64("mov w1, #-7; mov w2, #6; smull x0, w1, w2; ret"), { x0: -42n }],
    ["umull", a64("mov w1, #-1; mov w2, #-1; umull x0, w1, w2; ret"), { x0: 0xfffffffe00000001n }],
    ["smulh", a64("mov x1, #-1; mov x2, #5; smulh x0, x1, x2; ret"), { x0: -1n }],
    ["umulh", a64("mov x1, #-1; umulh x0, x1, x1; ret"), { x0: 0xfffffffffffffffen }],
    ["umulh large", a64("mov x1, #0x100000000; mov x2, #0x300000000; umulh x0, x1, x2; ret"), { x0: 3n }],
    ["writes to xzr are discarded", a64("mov x0, #7; add xzr, x0, x0; mov x1, xzr; add x0, x0, x1; ret"), { x0: 7n }],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
});

/** Each A64 condition on the flags of cmp a, b (the Arm ARM's ConditionHolds). */
function holds(cond: string, a: bigint, b: bigint): boolean {
  const r = u64(a - b);
  const n = r >> 63n === 1n;
  const z = r === 0n;
  const c = u64(a) >= u64(b);
  const v = s64(s64(a) - s64(b)) !== s64(a) - s64(b);
  const t: Record<string, boolean> = {
    eq: z,
    ne: !z,
    hs: c,
    lo: !c,
    mi: n,
    pl: !n,
    vs: v,
    vc: !v,
    hi: c && !z,
    ls: !(c && !z),
    ge: n === v,
    lt: n !== v,
    gt: !z && n === v,
    le: !(!z && n === v),
    al: true,
    nv: true,
  };
  return t[cond];
}

const BCOND: Record<string, Uint8Array> = {
  eq: a64("cmp x0, x1; b.eq 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  ne: a64("cmp x0, x1; b.ne 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  hs: a64("cmp x0, x1; b.hs 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  lo: a64("cmp x0, x1; b.lo 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  mi: a64("cmp x0, x1; b.mi 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  pl: a64("cmp x0, x1; b.pl 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  vs: a64("cmp x0, x1; b.vs 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  vc: a64("cmp x0, x1; b.vc 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  hi: a64("cmp x0, x1; b.hi 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  ls: a64("cmp x0, x1; b.ls 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  ge: a64("cmp x0, x1; b.ge 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  lt: a64("cmp x0, x1; b.lt 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  gt: a64("cmp x0, x1; b.gt 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  le: a64("cmp x0, x1; b.le 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  al: a64("cmp x0, x1; b.al 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
  nv: a64("cmp x0, x1; b.nv 1f; mov x0, #0; ret; 1: mov x0, #1; ret"),
};

const CSET: Record<string, Uint8Array> = {
  eq: a64("cmp x0, x1; cset x0, eq; ret"),
  ne: a64("cmp x0, x1; cset x0, ne; ret"),
  hs: a64("cmp x0, x1; cset x0, hs; ret"),
  lo: a64("cmp x0, x1; cset x0, lo; ret"),
  mi: a64("cmp x0, x1; cset x0, mi; ret"),
  pl: a64("cmp x0, x1; cset x0, pl; ret"),
  vs: a64("cmp x0, x1; cset x0, vs; ret"),
  vc: a64("cmp x0, x1; cset x0, vc; ret"),
  hi: a64("cmp x0, x1; cset x0, hi; ret"),
  ls: a64("cmp x0, x1; cset x0, ls; ret"),
  ge: a64("cmp x0, x1; cset x0, ge; ret"),
  lt: a64("cmp x0, x1; cset x0, lt; ret"),
  gt: a64("cmp x0, x1; cset x0, gt; ret"),
  le: a64("cmp x0, x1; cset x0, le; ret"),
};

describe("A64 conditions: b.cond and cset on every condition", () => {
  for (const cond of Object.keys(BCOND)) {
    it(`${cond} on ${CMP_PAIRS.length} pairs`, () => {
      for (const [a, b] of CMP_PAIRS) {
        const want = holds(cond, u64(a), u64(b)) ? 1n : 0n;
        expect(returned(runCode(box, "aarch64", BCOND[cond], { args: [u64(a), u64(b)] })), `b.${cond} ${a} ${b}`).toBe(want);
        if (CSET[cond]) expect(returned(runCode(box, "aarch64", CSET[cond], { args: [u64(a), u64(b)] })), `cset ${cond} ${a} ${b}`).toBe(want);
      }
    });
  }
});

describe("A64 branches", () => {
  const cases: [string, Uint8Array, Expect][] = [
    ["b", a64("b 1f; mov x0, #1; ret; 1: mov x0, #2; ret"), { x0: 2n }],
    ["bl/ret", a64("mov x19, x30; bl 1f; add x0, x0, #1; mov x30, x19; ret; 1: mov x0, #41; ret"), { x0: 42n }],
    ["br", a64("adr x1, 1f; br x1; mov x0, #1; ret; 1: mov x0, #2; ret"), { x0: 2n }],
    ["blr", a64("mov x19, x30; adr x1, 1f; blr x1; add x0, x0, #1; mov x30, x19; ret; 1: mov x0, #9; ret"), { x0: 10n }],
    ["ret x1", a64("adr x1, 1f; ret x1; mov x0, #1; ret; 1: mov x0, #3; ret"), { x0: 3n }],
    ["cbz w ignores the upper half", a64("mov x1, #0x100000000; cbz w1, 1f; mov x0, #0; ret; 1: mov x0, #1; ret"), { x0: 1n }],
    ["cbnz x", a64("mov x1, #0x100000000; cbnz x1, 1f; mov x0, #0; ret; 1: mov x0, #1; ret"), { x0: 1n }],
    ["tbnz bit 40", a64("mov x1, #0x10000000000; tbnz x1, #40, 1f; mov x0, #0; ret; 1: mov x0, #1; ret"), { x0: 1n }],
    ["tbz bit 3", a64("mov x1, #0x10; tbz x1, #3, 1f; mov x0, #0; ret; 1: mov x0, #1; ret"), { x0: 1n }],
    ["loop", a64("mov x1, #10; mov x0, #0; 1: add x0, x0, #3; subs x1, x1, #1; b.ne 1b; ret"), { x0: 30n }],
    [
      "recursion with frame records (factorial 10)",
      a64("mov x0, #10; stp x29, x30, [sp, #-16]!; bl 1f; ldp x29, x30, [sp], #16; ret; 1: cmp x0, #1; b.gt 2f; mov x0, #1; ret; 2: stp x29, x30, [sp, #-32]!; str x0, [sp, #16]; sub x0, x0, #1; bl 1b; ldr x1, [sp, #16]; mul x0, x0, x1; ldp x29, x30, [sp], #32; ret"),
      { x0: 3628800n },
    ],
  ];
  it.each(cases)("%s", (_n, code, want) => check(code, want));
  it("counts calls (bl, blr)", () => {
    returned(runCode(box, "aarch64", a64("mov x19, x30; bl 1f; adr x1, 1f; blr x1; mov x30, x19; ret; 1: ret")));
    expect(box.cpu.counters()).toMatchObject({ calls: 2, instructions: 8 });
  });
  it("AAPCS64 arguments x0-x7", () => {
    const code = a64("add x0, x0, x1; add x0, x0, x2; add x0, x0, x3; add x0, x0, x4; add x0, x0, x5; add x0, x0, x6; add x0, x0, x7; ret");
    expect(returned(runCode(box, "aarch64", code, { args: [1n, 2n, 4n, 8n, 16n, 32n, 64n, 128n] }))).toBe(255n);
  });
  it("sp starts 16-byte aligned at the stack top, lr is the return sentinel", () => {
    expect(returned(runCode(box, "aarch64", a64("mov x0, sp; ret")))).toBe(STACK_TOP);
  });
});

describe("A64 hints, barriers and system registers", () => {
  it("hints and barriers are single no-op instructions", () => {
    const code = a64(".arch armv8.5-a; mov x0, #1; nop; yield; wfe; wfi; sev; sevl; paciasp; autiasp; bti c; bti j; hint #0x22; csdb; dmb ish; dsb sy; isb; .inst 0xd50330ff; xpaclri; ret");
    expect(returned(runCode(box, "aarch64", code))).toBe(1n);
    expect(box.cpu.counters().instructions).toBe(19);
  });
  it("tpidr_el2, currentel, nzcv, daif", () => {
    check(a64("mov x1, #0x1234; msr tpidr_el2, x1; mrs x0, tpidr_el2; ret"), { x0: 0x1234n });
    check(a64("mrs x0, currentel; ret"), { x0: 8n });
    check(a64("mov x1, #5; cmp x1, #5; mrs x0, nzcv; ret"), { x0: Z | C });
    check(a64("mov x1, #0x80000000; msr nzcv, x1; cset x0, mi; ret"), { x0: 1n, nzcv: N });
    check(a64("msr daifset, #2; mrs x0, daif; msr daifclr, #2; mrs x1, daif; ret"), { x0: 0x80n, regs: { 1: 0n } });
  });
});
