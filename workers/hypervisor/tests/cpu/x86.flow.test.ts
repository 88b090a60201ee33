// x86-64 control flow (every condition code, jumps, calls, returns, thunks), the stack, memory
// operands, string instructions and NOP forms, against results worked out by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { x86 } from "./asm.ts";
import { newBox, runCode, returned, CMP_PAIRS, bytesOf, type Box } from "./harness.ts";

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

/** Each condition's definition from the SDM, on cmp a, b (a - b). */
function holds(cc: string, a: bigint, b: bigint): boolean {
  const r = u64(a - b);
  const sa = s64(a);
  const sb = s64(b);
  const of = s64(sa - sb) !== sa - sb;
  const sf = r >> 63n === 1n;
  const parity = [...(r & 0xffn).toString(2)].filter((c) => c === "1").length % 2 === 0;
  const table: Record<string, boolean> = {
    o: of,
    b: u64(a) < u64(b),
    e: r === 0n,
    be: u64(a) <= u64(b),
    s: sf,
    p: parity,
    l: sa < sb,
    le: sa <= sb,
  };
  if (cc in table) return table[cc];
  const base = { no: "o", ae: "b", ne: "e", a: "be", ns: "s", np: "p", ge: "l", g: "le" }[cc]!;
  return !table[base];
}

const SETCC: Record<string, Uint8Array> = {
  o: x86("cmp rdi, rsi; seto al; movzx eax, al; ret"),
  no: x86("cmp rdi, rsi; setno al; movzx eax, al; ret"),
  b: x86("cmp rdi, rsi; setb al; movzx eax, al; ret"),
  ae: x86("cmp rdi, rsi; setae al; movzx eax, al; ret"),
  e: x86("cmp rdi, rsi; sete al; movzx eax, al; ret"),
  ne: x86("cmp rdi, rsi; setne al; movzx eax, al; ret"),
  be: x86("cmp rdi, rsi; setbe al; movzx eax, al; ret"),
  a: x86("cmp rdi, rsi; seta al; movzx eax, al; ret"),
  s: x86("cmp rdi, rsi; sets al; movzx eax, al; ret"),
  ns: x86("cmp rdi, rsi; setns al; movzx eax, al; ret"),
  p: x86("cmp rdi, rsi; setp al; movzx eax, al; ret"),
  np: x86("cmp rdi, rsi; setnp al; movzx eax, al; ret"),
  l: x86("cmp rdi, rsi; setl al; movzx eax, al; ret"),
  ge: x86("cmp rdi, rsi; setge al; movzx eax, al; ret"),
  le: x86("cmp rdi, rsi; setle al; movzx eax, al; ret"),
  g: x86("cmp rdi, rsi; setg al; movzx eax, al; ret"),
};

const JCC: Record<string, Uint8Array> = {
  o: x86("cmp rdi, rsi; jo 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  no: x86("cmp rdi, rsi; jno 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  b: x86("cmp rdi, rsi; jb 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  ae: x86("cmp rdi, rsi; jae 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  e: x86("cmp rdi, rsi; je 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  ne: x86("cmp rdi, rsi; jne 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  be: x86("cmp rdi, rsi; jbe 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  a: x86("cmp rdi, rsi; ja 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  s: x86("cmp rdi, rsi; js 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  ns: x86("cmp rdi, rsi; jns 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  p: x86("cmp rdi, rsi; jp 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  np: x86("cmp rdi, rsi; jnp 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  l: x86("cmp rdi, rsi; jl 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  ge: x86("cmp rdi, rsi; jge 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  le: x86("cmp rdi, rsi; jle 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
  g: x86("cmp rdi, rsi; jg 1f; xor eax, eax; ret; 1: mov eax, 1; ret"),
};

const CMOV_L = x86("mov rax, rdx; cmp rdi, rsi; cmovl rax, rcx; ret");
const JCC_LONG = x86("cmp rdi, rsi; jg 1f; xor eax, eax; ret; .skip 300, 0xcc; 1: mov eax, 1; ret");

describe("x86 conditions: setcc, jcc rel8/rel32, cmovcc", () => {
  for (const cc of Object.keys(SETCC)) {
    it(`set${cc} and j${cc} on cmp of ${CMP_PAIRS.length} pairs`, () => {
      for (const [a, b] of CMP_PAIRS) {
        const want = holds(cc, u64(a), u64(b)) ? 1n : 0n;
        expect(returned(runCode(box, "x86_64", SETCC[cc], { args: [u64(a), u64(b)] })), `set${cc} ${a} ${b}`).toBe(want);
        expect(returned(runCode(box, "x86_64", JCC[cc], { args: [u64(a), u64(b)] })), `j${cc} ${a} ${b}`).toBe(want);
      }
    });
  }
  it("jg rel32 over 300 bytes", () => {
    expect(returned(runCode(box, "x86_64", JCC_LONG, { args: [2n, 1n] }))).toBe(1n);
    expect(returned(runCode(box, "x86_64", JCC_LONG, { args: [1n, 2n] }))).toBe(0n);
  });
  it("cmovl takes the source only when less (and a 32-bit cmov always zero-extends)", () => {
    expect(returned(runCode(box, "x86_64", CMOV_L, { args: [1n, 2n, 10n, 20n] }))).toBe(20n);
    expect(returned(runCode(box, "x86_64", CMOV_L, { args: [3n, 2n, 10n, 20n] }))).toBe(10n);
    const code = x86("mov rax, -1; xor ecx, ecx; cmp ecx, 1; cmovg eax, ecx; ret");
    expect(returned(runCode(box, "x86_64", code))).toBe(0xffffffffn);
  });
});

describe("x86 jumps, calls, returns, thunks", () => {
  const cases: [string, Uint8Array, bigint][] = [
    ["jmp rel8", x86("jmp 1f; mov eax, 1; ret; 1: mov eax, 2; ret"), 2n],
    ["jmp rel32", x86("jmp 1f; .skip 200, 0xcc; 1: mov eax, 2; ret"), 2n],
    ["jmp backwards (loop with dec/jnz)", x86("mov ecx, 10; xor eax, eax; 1: add eax, 3; dec ecx; jnz 1b; ret"), 30n],
    ["call rel32 / ret", x86("call 1f; add eax, 1; ret; 1: mov eax, 41; ret"), 42n],
    ["call register", x86("lea rcx, [rip + 1f]; call rcx; add eax, 1; ret; 1: mov eax, 9; ret"), 10n],
    ["call [memory]", x86("lea rcx, [rip + 1f]; mov edx, 0x600000; mov [rdx], rcx; call qword ptr [rdx]; add eax, 1; ret; 1: mov eax, 19; ret"), 20n],
    ["mov from [rip+disp]", x86("mov rax, [rip + 2f]; ret; .balign 8; 2: .quad 0x1122334455667788"), 0x1122334455667788n],
    ["jmp register", x86("lea rcx, [rip + 1f]; jmp rcx; mov eax, 1; ret; 1: mov eax, 2; ret"), 2n],
    ["jmp [memory] (table of pointers)", x86("mov edx, 0x600000; lea rcx, [rip + 4f]; mov [rdx + 8], rcx; mov eax, 1; jmp qword ptr [rdx + rax*8]; mov eax, 10; ret; 4: mov eax, 11; ret"), 11n],
    ["switch through a relative table (gcc -fpic form)", x86("lea rdx, [rip + 2f]; mov eax, 1; movsxd rcx, dword ptr [rdx + rax*4]; add rcx, rdx; jmp rcx; 3: mov eax, 10; ret; 4: mov eax, 11; ret; 2: .long 3b - 2b; .long 4b - 2b"), 11n],
    ["ret imm16 releases arguments", x86("mov rdx, rsp; push 1; push 2; call 1f; sub rdx, rsp; mov rax, rdx; ret; 1: ret 16"), 0n],
    ["return thunk: jmp to a ret", x86("mov eax, 7; jmp 1f; int3; 1: ret; int3"), 7n],
    ["indirect thunk (call; mov [rsp], reg; ret)", x86("lea rax, [rip + 2f]; call 3f; ret; 2: mov eax, 5; ret; 3: call 4f; int3; 4: mov [rsp], rax; ret"), 5n],
    ["loop", x86("mov ecx, 5; xor eax, eax; 1: add eax, 2; loop 1b; ret"), 10n],
    ["jrcxz taken", x86("xor ecx, ecx; mov eax, 1; jrcxz 1f; mov eax, 2; 1: ret"), 1n],
    ["loope stops on ZF=0", x86("mov ecx, 5; xor eax, eax; 1: inc eax; cmp eax, 2; loope 1b; ret"), 1n],
    ["loopne stops on ZF=1", x86("mov ecx, 5; xor eax, eax; 1: inc eax; cmp eax, 3; loopne 1b; ret"), 3n],
    ["recursion (factorial 10)", x86("mov edi, 10; call 1f; ret; 1: mov eax, 1; cmp edi, 1; jle 2f; push rdi; dec edi; call 1b; pop rdi; imul eax, edi; 2: ret"), 3628800n],
  ];
  it.each(cases)("%s", (_n, code, want) => {
    expect(returned(runCode(box, "x86_64", code))).toBe(want);
  });
  it("counts calls", () => {
    returned(runCode(box, "x86_64", x86("call 1f; call 1f; ret; 1: ret")));
    expect(box.cpu.counters()).toMatchObject({ calls: 2, instructions: 5, faults: 0 });
  });
  it("code at Xen's addresses (0xffff82d0...) runs the same", () => {
    const at = 0xffff82d040200000n;
    expect(returned(runCode(box, "x86_64", x86("lea rax, [rip]; call 1f; ret; 1: ret"), { at }))).toBe(at + 7n);
  });
});

describe("x86 stack", () => {
  const cases: [string, Uint8Array, bigint][] = [
    ["push imm32 / pop", x86("push 0x12345678; pop rax; ret"), 0x12345678n],
    ["push imm8 sign-extends", x86("push -1; pop rax; ret"), M64],
    ["push/pop register", x86("mov r11, 5; push r11; pop rax; ret"), 5n],
    ["push rsp pushes the old rsp", x86("push rsp; pop rax; sub rax, rsp; ret"), 0n],
    ["pop [rsp] addresses with the incremented rsp", x86("sub rsp, 16; mov qword ptr [rsp + 8], 0; push 9; pop qword ptr [rsp]; mov rax, [rsp]; add rsp, 16; ret"), 9n],
    ["push [memory] / pop [memory]", x86("mov edx, 0x600000; mov qword ptr [rdx], 33; push qword ptr [rdx]; pop qword ptr [rdx + 8]; mov rax, [rdx + 8]; ret"), 33n],
    ["16-bit push/pop", x86("mov eax, 0x1234; push ax; pop cx; movzx eax, cx; ret"), 0x1234n],
    ["leave", x86("push rbp; mov rbp, rsp; sub rsp, 32; mov qword ptr [rbp - 8], 5; mov rax, [rbp - 8]; leave; ret"), 5n],
    ["enter 32, 0", x86("enter 32, 0; mov rax, rbp; sub rax, rsp; leave; ret"), 32n],
  ];
  it.each(cases)("%s", (_n, code, want) => {
    expect(returned(runCode(box, "x86_64", code))).toBe(want);
  });
  it("the return address is on a 16-byte boundary + 8 at entry, arguments 7 and 8 above it", () => {
    const code = x86("mov rax, rsp; and eax, 15; mov rcx, [rsp + 8]; add rcx, [rsp + 16]; shl rax, 32; or rax, rcx; ret");
    expect(returned(runCode(box, "x86_64", code, { args: [1n, 2n, 3n, 4n, 5n, 6n, 700n, 80n] }))).toBe((8n << 32n) | 780n);
  });
  it("SysV argument registers", () => {
    const code = x86("mov rax, rdi; add rax, rsi; add rax, rdx; add rax, rcx; add rax, r8; add rax, r9; ret");
    expect(returned(runCode(box, "x86_64", code, { args: [1n, 20n, 300n, 4000n, 50000n, 600000n] }))).toBe(654321n);
  });
});

const HELLO = new Uint8Array(0x2000);
HELLO.set(Buffer.from("hello\0"), 0);
HELLO.set(Buffer.from("help!\0"), 0x10);

describe("x86 memory operands and string instructions", () => {
  it("rep movsb copies and advances rsi/rdi/rcx", () => {
    const code = x86("mov esi, 0x600000; mov edi, 0x600100; mov ecx, 5; rep movsb; mov rax, [rdi - 5]; ret");
    expect(returned(runCode(box, "x86_64", code, { data: HELLO }))).toBe(0x6f6c6c6568n);
    expect([box.cpu.reg(1), box.cpu.reg(6), box.cpu.reg(7)]).toEqual([0n, 0x600005n, 0x600105n]);
  });
  it("rep movsb backwards with DF", () => {
    const code = x86("std; mov esi, 0x600004; mov edi, 0x600104; mov ecx, 5; rep movsb; cld; mov rax, [rdi + 1]; ret");
    expect(returned(runCode(box, "x86_64", code, { data: HELLO }))).toBe(0x6f6c6c6568n);
    expect([box.cpu.reg(6), box.cpu.reg(7)]).toEqual([0x5fffffn, 0x6000ffn]);
  });
  it("rep stosq fills", () => {
    const code = x86("mov edi, 0x600200; mov eax, 0x41; mov ecx, 3; rep stosq; ret");
    runCode(box, "x86_64", code);
    expect(Buffer.from(box.w.readMemory(0x600200n, 32)!).toString("hex")).toBe("41".padEnd(16, "0").repeat(3) + "0".repeat(16));
  });
  it("rep stosb of 8,000 bytes (more than one chunk)", () => {
    const code = x86("mov edi, 0x600000; mov eax, 0x5a; mov ecx, 8000; rep stosb; ret");
    returned(runCode(box, "x86_64", code));
    const mem = box.w.readMemory(0x600000n, 8001)!;
    expect(mem.slice(0, 8000).every((b) => b === 0x5a)).toBe(true);
    expect(mem[8000]).toBe(0);
  });
  it("lodsb twice", () => {
    expect(returned(runCode(box, "x86_64", x86("mov esi, 0x600000; lodsb; lodsb; movzx eax, al; ret"), { data: HELLO }))).toBe(0x65n);
  });
  it("repne scasb (strlen)", () => {
    const code = x86("mov edi, 0x600000; xor eax, eax; mov rcx, -1; repne scasb; not rcx; dec rcx; mov rax, rcx; ret");
    expect(returned(runCode(box, "x86_64", code, { data: HELLO }))).toBe(5n);
  });
  it("repe cmpsb stops after the first difference", () => {
    const code = x86("mov esi, 0x600000; mov edi, 0x600010; mov ecx, 5; repe cmpsb; ret");
    runCode(box, "x86_64", code, { data: HELLO });
    expect(box.cpu.reg(1)).toBe(1n);
    expect(box.cpu.reg(6)).toBe(0x600004n);
    const flags = box.cpu.reg(17);
    expect([flags & 1n, flags & 0x40n]).toEqual([1n, 0n]);
  });
  it("movsq with 67 prefix uses esi/edi", () => {
    const code = x86("mov rsi, 0x100600000; mov rdi, 0x100600100; addr32 movsq; mov rax, [0x600100]; ret");
    expect(returned(runCode(box, "x86_64", code, { data: HELLO }))).toBe(0x6f6c6c6568n);
    expect(box.cpu.reg(6)).toBe(0x600008n);
  });
  it("read-modify-write on memory: add, inc, neg, shl, xchg, cmpxchg, xadd, bts with a register offset", () => {
    const code = x86(
      "mov edx, 0x600000; mov qword ptr [rdx], 5; add qword ptr [rdx], 3; inc qword ptr [rdx]; neg qword ptr [rdx]; shl qword ptr [rdx], 1; mov rax, [rdx]; mov ecx, 7; xchg [rdx + 8], rcx; mov eax, 7; mov ecx, 9; lock cmpxchg [rdx + 8], ecx; mov ecx, 1; lock xadd [rdx + 8], ecx; mov ecx, 65; bts [rdx + 16], rcx; mov rax, [rdx]; ret",
    );
    expect(returned(runCode(box, "x86_64", code))).toBe(u64(-18n));
    const mem = Buffer.from(box.w.readMemory(0x600000n, 32)!);
    expect(mem.readBigUInt64LE(8)).toBe(10n);
    expect(mem.readBigUInt64LE(16)).toBe(0n);
    expect(mem.readBigUInt64LE(24)).toBe(2n);
  });
  it("movnti stores (clear_page's form)", () => {
    expect(returned(runCode(box, "x86_64", x86("mov edi, 0x600000; mov rax, -2; movnti [rdi + 8], rax; mov rax, [rdi + 8]; ret")))).toBe(u64(-2n));
    expect(runCode(box, "x86_64", bytesOf("480fc3c0"))).toMatchObject({ kind: "fault", vector: 6 });
  });
  it("bt with a negative register offset reads below the operand", () => {
    const code = x86("mov edx, 0x600010; mov byte ptr [rdx - 1], 0x80; mov rcx, -1; bt dword ptr [rdx], ecx; setc al; movzx eax, al; ret");
    expect(returned(runCode(box, "x86_64", code))).toBe(1n);
  });
  it("FS/GS segment overrides add the base; CS/DS/ES/SS do not", () => {
    box.cpu.setReg("x86_64", 19, 0x600000n);
    const code = x86("mov qword ptr gs:[8], 42; mov rax, gs:[8]; mov rcx, ds:[0x600008]; add rax, rcx; ret");
    expect(returned(runCode(box, "x86_64", code))).toBe(84n);
    box.cpu.setReg("x86_64", 19, 0n);
  });
  it("accesses across two mapped pages", () => {
    const data = new Uint8Array(0x2000);
    data.set([1, 2, 3, 4, 5, 6, 7, 8], 0xffc);
    expect(returned(runCode(box, "x86_64", x86("mov rax, [0x600ffc]; mov [0x600ffb], rax; ret"), { data }))).toBe(0x0807060504030201n);
    expect(Buffer.from(box.w.readMemory(0x600ffbn, 9)!).toString("hex")).toBe("010203040506070808");
  });
});

describe("x86 NOP forms and hints", () => {
  const nops = [
    "90",
    "6690",
    "0f1f00",
    "0f1f4000",
    "0f1f440000",
    "660f1f440000",
    "0f1f8000000000",
    "0f1f840000000000",
    "660f1f840000000000",
    "662e0f1f840000000000",
    "66662e0f1f840000000000",
    "6666662e0f1f840000000000",
    "f30f1efa", // endbr64
    "f30f1efb", // endbr32
    "f390", // pause
    "0f1f84ff78563412", // a displacement pointing nowhere is never accessed
    "3e0f1f00",
    "0f1880ff000000", // prefetchnta
    "0f0d08", // prefetchw
    "0faee8", // lfence
    "0faef0", // mfence
    "0faef8", // sfence
  ];
  it("each runs as one instruction and changes nothing", () => {
    const body = Buffer.concat([Buffer.from(x86("mov eax, 1; stc")), ...nops.map((n) => Buffer.from(n, "hex")), Buffer.from(x86("ret"))]);
    expect(returned(runCode(box, "x86_64", new Uint8Array(body)))).toBe(1n);
    expect(box.cpu.counters().instructions).toBe(2 + nops.length + 1);
    expect(box.cpu.reg(17) & 1n).toBe(1n);
  });
});
