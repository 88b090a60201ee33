// x86-64 control flow (every condition code, jumps, calls, returns, thunks), the stack, string
// instructions, NOP forms, and how runs end: faults with their vector and address, exception-table
// fixups, native services, unsupported instructions and the step budget.
import { beforeAll, describe, expect, it } from "vitest";
import { x86 } from "./asm.ts";
import { newBox, runCode, returned, load, bytesOf, CODE, DATA, RODATA, STACK, STACK_SIZE, PERM, type Box } from "./harness.ts";

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

const PAIRS: [bigint, bigint][] = [
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
    it(`set${cc} and j${cc} on cmp of ${PAIRS.length} pairs`, () => {
      for (const [a, b] of PAIRS) {
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

function faultOf(code: Uint8Array, opts: Parameters<typeof runCode>[3] = {}) {
  const stop = runCode(box, "x86_64", code, opts);
  if (stop.kind !== "fault") throw new Error(`expected a fault, got ${stop.kind}`);
  return stop;
}

describe("x86 faults", () => {
  const at = (prefix: Uint8Array) => CODE + BigInt(prefix.length);
  it("read of an unmapped page: #PF, not present, CR2 = address", () => {
    const f = faultOf(x86("mov ecx, 0x123000; mov rax, [rcx + 8]; ret"));
    expect(f).toMatchObject({ fault: "unmapped", vector: 14, error: 0, address: 0x123008n, pc: at(x86("mov ecx, 0x123000")), fixup: null });
  });
  it("write to read-only data: #PF present|write", () => {
    const f = faultOf(x86("mov ecx, 0x620000; mov qword ptr [rcx], 1; ret"));
    expect(f).toMatchObject({ fault: "write-read-only", vector: 14, error: 3, address: RODATA });
  });
  it("write to code: #PF present|write", () => {
    const f = faultOf(x86("lea rcx, [rip]; mov byte ptr [rcx], 0x90; ret"));
    expect(f).toMatchObject({ fault: "write-read-only", vector: 14, error: 3, address: CODE + 7n });
  });
  it("a faulting instruction changes nothing: registers and memory as before it", () => {
    const f = faultOf(x86("mov edx, 0x600000; mov qword ptr [rdx], 5; mov eax, 0x620000; mov ecx, 1; xchg [rax], rcx; ret"));
    expect(f.vector).toBe(14);
    expect(box.cpu.reg(1)).toBe(1n);
    expect(box.cpu.reg(16)).toBe(f.pc);
  });
  it("push onto an unmapped stack leaves rsp", () => {
    const f = faultOf(x86("mov rsp, 0x500000; push 1; ret"));
    expect(f).toMatchObject({ vector: 14, error: 2, address: 0x4ffff8n });
    expect(box.cpu.reg(4)).toBe(0x500000n);
  });
  it("read of a non-canonical address: #GP; through rsp: #SS", () => {
    expect(faultOf(x86("movabs rcx, 0x8000000000000000; mov rax, [rcx]; ret"))).toMatchObject({ fault: "non-canonical", vector: 13 });
    expect(faultOf(x86("movabs rsp, 0x8000000000000000; mov rax, [rsp]; ret"))).toMatchObject({ fault: "non-canonical", vector: 12 });
  });
  it("fetch from a data page: #PF present|instruction at the target", () => {
    expect(faultOf(x86("mov ecx, 0x600000; jmp rcx"))).toMatchObject({ fault: "fetch-not-executable", vector: 14, error: 0x11, address: DATA, pc: DATA });
  });
  it("call to an unmapped address: #PF instruction fetch", () => {
    expect(faultOf(x86("mov ecx, 0x500000; call rcx"))).toMatchObject({ fault: "unmapped", vector: 14, error: 0x10, address: 0x500000n, pc: 0x500000n });
  });
  it("jmp to a non-canonical address: #GP at the jmp", () => {
    expect(faultOf(x86("movabs rcx, 0x8000000000000000; jmp rcx"))).toMatchObject({ fault: "non-canonical", vector: 13, pc: at(x86("movabs rcx, 0x8000000000000000")) });
  });
  it("an instruction that runs off the last executable page faults at the page end", () => {
    const code = new Uint8Array(0x1000).fill(0xcc);
    code.set(x86("jmp 1f; .skip 4088, 0xcc; 1:"), 0);
    code.set([0xb8, 0x01, 0x02], 0xffd);
    expect(faultOf(code)).toMatchObject({ fault: "unmapped", vector: 14, error: 0x10, address: CODE + 0x1000n, pc: CODE + 0xffdn });
  });
  it("an 8-byte read that crosses into an unmapped page faults at that page", () => {
    expect(faultOf(x86("mov rax, [0x601ffc]; ret"))).toMatchObject({ vector: 14, address: 0x602000n });
  });
  it("divide by zero and divide overflow: #DE", () => {
    expect(faultOf(x86("xor ecx, ecx; div ecx; ret"))).toMatchObject({ fault: "divide", vector: 0, pc: at(x86("xor ecx, ecx")) });
    expect(faultOf(x86("mov edx, 1; xor eax, eax; mov ecx, 1; div ecx; ret"))).toMatchObject({ fault: "divide", vector: 0 });
    expect(faultOf(x86("mov eax, 0x80000000; cdq; mov ecx, -1; idiv ecx; ret"))).toMatchObject({ fault: "divide", vector: 0 });
    expect(faultOf(x86("mov rdx, 1; xor eax, eax; mov ecx, 1; div rcx; ret"))).toMatchObject({ fault: "divide", vector: 0 });
  });
  it("ud2, invalid opcodes and LOCK on a register: #UD", () => {
    expect(faultOf(x86("mov eax, 1; ud2"))).toMatchObject({ fault: "undefined", vector: 6, pc: CODE + 5n });
    expect(faultOf(bytesOf("06"))).toMatchObject({ fault: "undefined", vector: 6, pc: CODE });
    expect(faultOf(bytesOf("f001c8"))).toMatchObject({ fault: "undefined", vector: 6 });
    expect(faultOf(bytesOf("8dc0"))).toMatchObject({ fault: "undefined", vector: 6 });
  });
  it("int3: #BP, resume after it", () => {
    const f = faultOf(x86("mov eax, 3; int3; add eax, 1; ret"));
    expect(f).toMatchObject({ fault: "breakpoint", vector: 3, pc: CODE + 5n, resume: CODE + 6n });
    expect(returned(box.cpu.resumeAt(f.resume))).toBe(4n);
  });
  it("more than 15 bytes: #GP", () => {
    expect(faultOf(bytesOf("66".repeat(15) + "90"))).toMatchObject({ fault: "general-protection", vector: 13 });
  });
  it("hlt stops the run", () => {
    expect(runCode(box, "x86_64", x86("mov eax, 1; hlt; ret"))).toEqual({ kind: "halt", pc: CODE + 5n });
  });
});

describe("x86 exception-table fixups", () => {
  // fault site: the load at offset 10; fixup: offset 14 (mov rax, -14; jmp back to the ret)
  const code = x86("movabs rcx, 0x8000000000000000; mov rax, [rcx]; 2: ret; mov rax, -14; jmp 2b");
  const site = CODE + 10n;
  const fix = CODE + 14n;
  function table(): Uint8Array {
    const t = Buffer.alloc(0x1000);
    t.writeInt32LE(Number(site - RODATA), 0);
    t.writeInt32LE(Number(fix - (RODATA + 4n)), 4);
    return new Uint8Array(t);
  }
  it("a fault whose pc is in the table stops with the fixup; cpuFixup resumes there", () => {
    load(box, "x86_64", code, { rodata: table() });
    box.cpu.addExTable({ start: CODE, end: CODE + 0x1000n }, { start: RODATA, end: RODATA + 8n });
    const f = box.cpu.call("x86_64", CODE, [], { base: STACK, size: STACK_SIZE });
    expect(f).toMatchObject({ kind: "fault", vector: 13, pc: site, fixup: fix });
    expect(returned(box.cpu.fixup())).toBe(u64(-14n));
    expect(box.cpu.counters()).toMatchObject({ faults: 1, fixups: 1 });
  });
  it("with auto-fixup the run goes on by itself", () => {
    load(box, "x86_64", code, { rodata: table() });
    box.cpu.addExTable({ start: CODE, end: CODE + 0x1000n }, { start: RODATA, end: RODATA + 8n });
    box.cpu.setAutoFixup(true);
    expect(returned(box.cpu.call("x86_64", CODE, [], { base: STACK, size: STACK_SIZE }))).toBe(u64(-14n));
    expect(box.cpu.counters()).toMatchObject({ faults: 1, fixups: 1 });
  });
  it("a table for another text region does not apply", () => {
    load(box, "x86_64", code, { rodata: table() });
    box.cpu.addExTable({ start: CODE + 0x1000n, end: CODE + 0x2000n }, { start: RODATA, end: RODATA + 8n });
    expect(box.cpu.call("x86_64", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "fault", fixup: null });
    expect(box.cpu.fixup()).toEqual({ kind: "not-started" });
  });
});

describe("x86 native services", () => {
  const SERVICE = CODE + 0x800n;
  it("a call to a service stops with SysV arguments and resumes with its return value", () => {
    const code = x86("mov edi, 1; mov esi, 2; mov edx, 3; mov ecx, 4; mov r8d, 5; mov r9d, 6; push 8; push 7; mov eax, 0x400800; call rax; add rsp, 16; add rax, 1; ret");
    load(box, "x86_64", code);
    box.cpu.addService(SERVICE, 7);
    const s = box.cpu.call("x86_64", CODE, [], { base: STACK, size: STACK_SIZE });
    expect(s).toMatchObject({ kind: "service", id: 7, pc: SERVICE, args: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n] });
    expect(returned(box.cpu.serviceReturn(41n))).toBe(42n);
    expect(box.cpu.counters()).toMatchObject({ services: 1, calls: 1 });
  });
  it("a tail call (jmp) to a service returns straight to the caller", () => {
    load(box, "x86_64", x86("mov edi, 9; jmp 1f; .skip 0x7f6, 0xcc; 1: int3"));
    box.cpu.addService(SERVICE, 3);
    expect(box.cpu.call("x86_64", CODE, [], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 3, args: [9n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] });
    expect(returned(box.cpu.serviceReturn(5n))).toBe(5n);
  });
  it("the entry itself can be a service", () => {
    load(box, "x86_64", x86("ret"));
    box.cpu.addService(CODE, 1);
    expect(box.cpu.call("x86_64", CODE, [11n], { base: STACK, size: STACK_SIZE })).toMatchObject({ kind: "service", id: 1, args: [11n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] });
    expect(returned(box.cpu.serviceReturn(12n))).toBe(12n);
  });
});

describe("x86 unsupported instructions and the budget", () => {
  const cases: [string, string, string | null][] = [
    ["cpuid", "0fa2", "cpuid"],
    ["rdmsr", "0f32", "rdmsr"],
    ["wrmsr", "0f30", "wrmsr"],
    ["rdtsc", "0f31", "rdtsc"],
    ["in al, 0x80", "e480", "in"],
    ["out dx, al", "ee", "out"],
    ["mov cr3, rax", "0f22d8", "mov"],
    ["syscall", "0f05", "syscall"],
    ["iretq", "48cf", "iretq"],
    ["lgdt [rax]", "0f0110", "lgdt"],
    ["invlpg [rax+8]", "0f017808", "invlpg"],
    ["swapgs", "0f01f8", "swapgs"],
    ["xgetbv", "0f01d0", "xgetbv"],
    ["wbinvd", "0f09", "wbinvd"],
    ["vmread rax, rcx", "0f78c8", "vmread"],
    ["vmwrite rcx, [rax+0x10]", "0f794810", "vmwrite"],
    ["clflush [rdi]", "0fae3f", "clflush"],
    ["rdrand eax", "0fc7f0", "rdrand"],
    ["cmpxchg16b [rdi]", "480fc70f", "cmpxchg16b"],
    ["lcall [rax]", "ff18", "lcall"],
    ["SSE movaps xmm0, [rax+0x10]: length only", "0f284010", null],
    ["SSE4 pinsrd with SIB and imm8", "660f3a22443c0807", null],
    ["VEX vmovdqu ymm0, [rsi]", "c5fe6f06", null],
    ["VEX3 vpxor with disp32", "c4e17def8078563412", null],
    ["EVEX vmovdqu64 zmm0, [rsi+0x40]", "62f1fe486f4601", null],
    ["x87 fld qword [rax]", "dd00", null],
  ];
  it.each(cases)("%s", (_n, hexText, mnemonic) => {
    const bytes = bytesOf(hexText);
    const stop = runCode(box, "x86_64", new Uint8Array([...x86("mov eax, 1"), ...bytes, 0xc3]));
    expect(stop).toMatchObject({ kind: "unsupported", pc: CODE + 5n, mnemonic });
    if (stop.kind === "unsupported") expect(Buffer.from(stop.bytes).toString("hex")).toBe(hexText);
  });
  it("the step budget ends runaway code", () => {
    const stop = runCode(box, "x86_64", x86("1: jmp 1b"), { budget: 1000n });
    expect(stop).toEqual({ kind: "budget", pc: CODE });
    expect(box.cpu.counters().instructions).toBe(1000);
    expect(box.cpu.continue(500n)).toEqual({ kind: "budget", pc: CODE });
  });
  it("a rep with a huge count respects the budget", () => {
    const stop = runCode(box, "x86_64", x86("mov edi, 0x600000; mov rcx, 0x7fffffff; xor eax, eax; rep stosb; ret"), { budget: 20n });
    expect(stop.kind === "budget" || stop.kind === "fault").toBe(true);
  });
  it("resume calls need a paused run", () => {
    returned(runCode(box, "x86_64", x86("ret")));
    expect(box.cpu.continue()).toEqual({ kind: "not-started" });
    expect(box.cpu.serviceReturn(1n)).toEqual({ kind: "not-started" });
  });
  it("bad arguments do not start", () => {
    expect(box.cpu.call("x86_64", CODE, Array(8).fill(0n), { base: STACK, size: STACK_SIZE })).not.toEqual({ kind: "not-started" });
    expect(() => box.cpu.call("x86_64", CODE, Array(9).fill(0n), { base: STACK, size: STACK_SIZE })).toThrow(RangeError);
  });
  it("a stack that is not writable faults before the first instruction", () => {
    load(box, "x86_64", x86("ret"));
    box.w.mapMemory(0x700000n, new Uint8Array(0x1000), PERM.RO);
    expect(box.cpu.call("x86_64", CODE, [], { base: 0x700000n, size: 0x1000n })).toMatchObject({ kind: "fault", vector: 14, error: 3 });
  });
});
