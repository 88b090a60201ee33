// How x86-64 runs end: faults with their vector, error code and address (and an instruction that
// faults changes nothing), exception-table fixups, native services, unsupported instructions
// (exact bytes, a mnemonic only when the encoding names it) and the step budget.
import { beforeAll, describe, expect, it } from "vitest";
import { x86 } from "./asm.ts";
import { newBox, runCode, returned, load, bytesOf, CODE, DATA, RODATA, STACK, STACK_SIZE, PERM, type Box } from "./harness.ts";

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

const u64 = (v: bigint) => BigInt.asUintN(64, v);

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
    expect(faultOf(x86("mov edx, 0x80000000; xor eax, eax; mov ecx, -1; idiv ecx; ret"))).toMatchObject({ fault: "divide", vector: 0 });
    expect(faultOf(x86("movabs rdx, 0x8000000000000000; xor eax, eax; mov rcx, -1; idiv rcx; ret"))).toMatchObject({ fault: "divide", vector: 0 });
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
