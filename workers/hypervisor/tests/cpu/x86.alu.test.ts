// x86-64 data movement, arithmetic, logic, shifts, multiply/divide and bit instructions, one
// snippet each, against results worked out by hand from the SDM's rules (flags included; flags
// the SDM leaves undefined are never asserted). Encodings come from GNU as (asm.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { x86 } from "./asm.ts";
import { newBox, runCode, returned, type Box } from "./harness.ts";

const CF = 0x1n;
const PF = 0x4n;
const AF = 0x10n;
const ZF = 0x40n;
const SF = 0x80n;
const OF = 0x800n;
const FLAG = { CF, PF, AF, ZF, SF, OF } as const;
type FlagName = keyof typeof FLAG;

interface Expect {
  rax?: bigint;
  regs?: Record<number, bigint>;
  /** Flags that must be set (1) or clear (0); others are not checked. */
  flags?: Partial<Record<FlagName, 0 | 1>>;
}

const M64 = (1n << 64n) - 1n;
const neg = (v: bigint) => (-v) & M64;

const cases: [string, Uint8Array, Expect][] = [
  // add/adc/sub/sbb/cmp with every flag
  ["add al,0x7f on 1: OF AF SF", x86("mov eax, 1; add al, 0x7f; ret"), { rax: 0x80n, flags: { CF: 0, PF: 0, AF: 1, ZF: 0, SF: 1, OF: 1 } }],
  ["add al,1 on 0xff: CF ZF", x86("mov eax, 0xff; add al, 1; ret"), { rax: 0n, flags: { CF: 1, PF: 1, AF: 1, ZF: 1, SF: 0, OF: 0 } }],
  ["add rax,1 on -1", x86("mov rax, -1; add rax, 1; ret"), { rax: 0n, flags: { CF: 1, PF: 1, AF: 1, ZF: 1, SF: 0, OF: 0 } }],
  ["add eax,1 on 0x7fffffff", x86("mov eax, 0x7fffffff; add eax, 1; ret"), { rax: 0x80000000n, flags: { CF: 0, PF: 1, AF: 1, ZF: 0, SF: 1, OF: 1 } }],
  ["add ax wraps to 0, upper half kept", x86("mov eax, 0x12348000; add ax, 0x8000; ret"), { rax: 0x12340000n, flags: { CF: 1, PF: 1, AF: 0, ZF: 1, SF: 0, OF: 1 } }],
  ["add ah (high byte register)", x86("mov eax, 0x1234; add ah, 0x10; ret"), { rax: 0x2234n, flags: { CF: 0, PF: 1, AF: 0, ZF: 0, SF: 0, OF: 0 } }],
  ["add sil (REX byte register)", x86("mov esi, 0x1ff; add sil, 1; mov eax, esi; ret"), { rax: 0x100n, flags: { CF: 1, ZF: 1 } }],
  ["add r/m,imm8 sign-extended", x86("mov rax, 10; add rax, -3; ret"), { rax: 7n, flags: { CF: 1, ZF: 0, SF: 0, OF: 0 } }],
  ["add r64, r/m64 from register", x86("mov rcx, 0x100000000; mov rax, 0xffffffff; add rax, rcx; ret"), { rax: 0x1ffffffffn, flags: { CF: 0, ZF: 0 } }],
  ["sub eax,1 on 0", x86("xor eax, eax; sub eax, 1; ret"), { rax: 0xffffffffn, flags: { CF: 1, PF: 1, AF: 1, ZF: 0, SF: 1, OF: 0 } }],
  ["sub eax,1 on 0x80000000: OF", x86("mov eax, 0x80000000; sub eax, 1; ret"), { rax: 0x7fffffffn, flags: { CF: 0, PF: 1, AF: 1, ZF: 0, SF: 0, OF: 1 } }],
  ["cmp 5,7 leaves eax", x86("mov eax, 5; cmp eax, 7; ret"), { rax: 5n, flags: { CF: 1, PF: 0, AF: 1, ZF: 0, SF: 1, OF: 0 } }],
  ["cmp al imm (short form)", x86("mov eax, 0x80; cmp al, 0x7f; ret"), { rax: 0x80n, flags: { CF: 0, ZF: 0, SF: 0, OF: 1, AF: 1 } }],
  ["adc with carry in to 0", x86("stc; mov eax, 0xffffffff; mov ecx, 0; adc eax, ecx; ret"), { rax: 0n, flags: { CF: 1, PF: 1, AF: 1, ZF: 1, SF: 0, OF: 0 } }],
  ["adc without carry", x86("clc; mov eax, 1; adc eax, 2; ret"), { rax: 3n, flags: { CF: 0, PF: 1, AF: 0, ZF: 0, SF: 0, OF: 0 } }],
  ["adc 0x7f+0+1 overflows", x86("stc; mov eax, 0x7f; adc al, 0; ret"), { rax: 0x80n, flags: { CF: 0, OF: 1, SF: 1, AF: 1 } }],
  ["sbb with borrow in", x86("xor eax, eax; stc; sbb eax, 0; ret"), { rax: 0xffffffffn, flags: { CF: 1, PF: 1, AF: 1, ZF: 0, SF: 1, OF: 0 } }],
  ["sbb 5-4-1 = 0", x86("stc; mov eax, 5; sbb eax, 4; ret"), { rax: 0n, flags: { CF: 0, PF: 1, AF: 0, ZF: 1, SF: 0, OF: 0 } }],
  ["sbb reg,reg after cmp (the -1/0 idiom)", x86("mov ecx, 1; cmp ecx, 2; sbb rax, rax; ret"), { rax: M64, flags: { CF: 1, ZF: 0, SF: 1 } }],
  // logic
  ["and", x86("mov eax, 0xf0; and eax, 0x3c; ret"), { rax: 0x30n, flags: { CF: 0, OF: 0, PF: 1, ZF: 0, SF: 0 } }],
  ["or", x86("mov eax, 0x80000000; or eax, 1; ret"), { rax: 0x80000001n, flags: { CF: 0, OF: 0, PF: 0, ZF: 0, SF: 1 } }],
  ["xor eax,eax clears rax", x86("mov rax, -1; xor eax, eax; ret"), { rax: 0n, flags: { CF: 0, OF: 0, PF: 1, ZF: 1, SF: 0 } }],
  ["and clears CF/OF set before", x86("mov eax, 0x7f; add al, 1; and eax, 0x80; ret"), { rax: 0x80n, flags: { CF: 0, OF: 0, SF: 0, ZF: 0, PF: 0 } }],
  ["test al,al", x86("mov eax, 0x80; test al, al; ret"), { rax: 0x80n, flags: { CF: 0, OF: 0, PF: 0, ZF: 0, SF: 1 } }],
  ["test r/m, imm32", x86("mov ecx, 0x100; test ecx, 0x200; ret"), { flags: { ZF: 1, CF: 0, OF: 0, PF: 1, SF: 0 } }],
  // inc/dec keep CF; neg/not
  ["inc al 0x7f keeps CF=1", x86("stc; mov eax, 0x7f; inc al; ret"), { rax: 0x80n, flags: { CF: 1, OF: 1, SF: 1, ZF: 0, AF: 1, PF: 0 } }],
  ["dec eax 0 keeps CF=0", x86("clc; xor eax, eax; dec eax; ret"), { rax: 0xffffffffn, flags: { CF: 0, OF: 0, SF: 1, ZF: 0, AF: 1, PF: 1 } }],
  ["dec to zero keeps CF=1", x86("stc; mov ecx, 1; dec ecx; mov eax, ecx; ret"), { rax: 0n, flags: { CF: 1, ZF: 1, OF: 0, SF: 0 } }],
  ["inc r64 (REX.W ff /0)", x86("mov rax, 0xffffffff; inc rax; ret"), { rax: 0x100000000n, flags: { ZF: 0, OF: 0, SF: 0, PF: 1, AF: 1 } }],
  ["neg al 0x80", x86("mov eax, 0x80; neg al; ret"), { rax: 0x80n, flags: { CF: 1, OF: 1, SF: 1, ZF: 0, PF: 0, AF: 0 } }],
  ["neg 0", x86("xor eax, eax; neg eax; ret"), { rax: 0n, flags: { CF: 0, OF: 0, SF: 0, ZF: 1, PF: 1, AF: 0 } }],
  ["neg 1", x86("mov eax, 1; neg eax; ret"), { rax: 0xffffffffn, flags: { CF: 1, OF: 0, SF: 1, ZF: 0, PF: 1, AF: 1 } }],
  ["not ax keeps flags", x86("stc; mov eax, 0x0f0f; not ax; ret"), { rax: 0xf0f0n, flags: { CF: 1 } }],
  // register write widths
  ["32-bit write zero-extends", x86("mov rax, -1; mov eax, 1; ret"), { rax: 1n }],
  ["16-bit write merges", x86("mov rax, -1; mov ax, 1; ret"), { rax: 0xffffffffffff0001n }],
  ["8-bit write merges", x86("mov rax, -1; mov al, 0; ret"), { rax: 0xffffffffffffff00n }],
  ["mov r64, imm64", x86("movabs rax, 0x1122334455667788; ret"), { rax: 0x1122334455667788n }],
  ["mov r/m64, imm32 sign-extends", x86("mov rax, -2; ret"), { rax: neg(2n) }],
  ["mov r8, imm8 into bh", x86("xor ebx, ebx; mov bh, 0x12; mov eax, ebx; ret"), { rax: 0x1200n }],
  // movzx/movsx/movsxd/cbw family
  ["movzx eax, cl", x86("mov ecx, 0xfffe; movzx eax, cl; ret"), { rax: 0xfen }],
  ["movzx eax, cx", x86("mov ecx, 0x1fffe; movzx eax, cx; ret"), { rax: 0xfffen }],
  ["movsx eax, cl", x86("mov ecx, 0x80; movsx eax, cl; ret"), { rax: 0xffffff80n }],
  ["movsx rax, cl", x86("mov ecx, 0x80; movsx rax, cl; ret"), { rax: 0xffffffffffffff80n }],
  ["movsx rax, cx", x86("mov ecx, 0x8000; movsx rax, cx; ret"), { rax: 0xffffffffffff8000n }],
  ["movsxd rax, ecx", x86("mov ecx, 0x80000000; movsxd rax, ecx; ret"), { rax: 0xffffffff80000000n }],
  ["cbw", x86("mov eax, 0x80; cbw; ret"), { rax: 0xff80n }],
  ["cwde", x86("mov eax, 0x8000; cwde; ret"), { rax: 0xffff8000n }],
  ["cdqe", x86("mov eax, 0x80000000; cdqe; ret"), { rax: 0xffffffff80000000n }],
  ["cwd", x86("mov eax, 0x8000; cwd; mov eax, edx; ret"), { rax: 0xffffn }],
  ["cdq", x86("mov eax, 0x80000000; cdq; mov eax, edx; ret"), { rax: 0xffffffffn }],
  ["cqo", x86("mov rax, -5; cqo; mov rax, rdx; ret"), { rax: M64 }],
  ["cqo positive", x86("mov rdx, -1; mov rax, 5; cqo; mov rax, rdx; ret"), { rax: 0n }],
  // xchg, cmpxchg, xadd, bswap
  ["xchg eax, ecx", x86("mov eax, 1; mov ecx, 2; xchg eax, ecx; ret"), { rax: 2n, regs: { 1: 1n } }],
  ["xchg r8, rax (REX.B 90)", x86("mov eax, 5; mov r8d, 7; xchg r8, rax; ret"), { rax: 7n, regs: { 8: 5n } }],
  ["xchg bl, cl", x86("mov ebx, 0x11; mov ecx, 0x22; xchg bl, cl; mov eax, ebx; ret"), { rax: 0x22n, regs: { 1: 0x11n } }],
  ["cmpxchg equal", x86("mov eax, 5; mov ecx, 5; mov edx, 9; cmpxchg ecx, edx; ret"), { rax: 5n, regs: { 1: 9n }, flags: { ZF: 1, CF: 0 } }],
  ["cmpxchg differ", x86("mov eax, 4; mov ecx, 5; mov edx, 9; cmpxchg ecx, edx; ret"), { rax: 5n, regs: { 1: 5n }, flags: { ZF: 0, CF: 1, SF: 1 } }],
  ["xadd", x86("mov eax, 3; mov ecx, 4; xadd eax, ecx; ret"), { rax: 7n, regs: { 1: 3n }, flags: { ZF: 0, CF: 0 } }],
  ["bswap eax", x86("mov eax, 0x11223344; bswap eax; ret"), { rax: 0x44332211n }],
  ["bswap rax", x86("movabs rax, 0x1122334455667788; bswap rax; ret"), { rax: 0x8877665544332211n }],
  ["bswap r9", x86("movabs r9, 0x0102030405060708; bswap r9; mov rax, r9; ret"), { rax: 0x0807060504030201n }],
  // lea
  ["lea base+index*8+disp", x86("mov rcx, 0x100; mov rdx, 3; lea rax, [rcx + rdx*8 + 0x10]; ret"), { rax: 0x128n }],
  ["lea 32-bit result truncates", x86("mov rcx, 0x1ffffffff; lea eax, [rcx + 1]; ret"), { rax: 0n }],
  ["lea with 67 prefix: 32-bit address", x86("mov rcx, 0x1ffffffff; lea rax, [ecx + 1]; ret"), { rax: 0n }],
  ["lea rip-relative", x86("lea rax, [rip]; ret"), { rax: 0x400007n }],
  ["lea index only (no base)", x86("mov rcx, 5; lea rax, [rcx*4 + 7]; ret"), { rax: 27n }],
  ["lea r12 base (SIB needed), r13 base (disp8 needed)", x86("mov r12, 1; mov r13, 2; lea rax, [r12 + r13*2]; lea rcx, [r13]; add rax, rcx; ret"), { rax: 7n }],
  ["lea rsp base", x86("lea rax, [rsp + 8]; sub rax, rsp; ret"), { rax: 8n }],
  // shifts and rotates
  ["shl al,1 carries out", x86("mov eax, 0x81; shl al, 1; ret"), { rax: 0x02n, flags: { CF: 1, OF: 1, SF: 0, ZF: 0, PF: 0 } }],
  ["shl eax,cl 31", x86("mov eax, 1; mov ecx, 31; shl eax, cl; ret"), { rax: 0x80000000n, flags: { CF: 0, SF: 1, ZF: 0, PF: 1 } }],
  ["shl count masked to 5 bits", x86("mov eax, 1; mov ecx, 33; shl eax, cl; ret"), { rax: 2n }],
  ["shl rax,63", x86("mov eax, 3; shl rax, 63; ret"), { rax: 0x8000000000000000n, flags: { CF: 1, SF: 1, ZF: 0 } }],
  ["shl by 0 keeps flags", x86("stc; mov eax, 5; xor ecx, ecx; stc; shl eax, cl; ret"), { rax: 5n, flags: { CF: 1 } }],
  ["shr al,1", x86("mov eax, 0x81; shr al, 1; ret"), { rax: 0x40n, flags: { CF: 1, OF: 1, SF: 0, ZF: 0, PF: 0 } }],
  ["shr rax,4", x86("mov rax, -1; shr rax, 4; ret"), { rax: 0x0fffffffffffffffn, flags: { CF: 1, SF: 0 } }],
  ["sar al,1", x86("mov eax, 0x80; sar al, 1; ret"), { rax: 0xc0n, flags: { CF: 0, OF: 0, SF: 1, ZF: 0, PF: 1 } }],
  ["sar al,7", x86("mov eax, 0x81; sar al, 7; ret"), { rax: 0xffn, flags: { CF: 0, SF: 1, ZF: 0, PF: 1 } }],
  ["sar rax,cl 63", x86("mov rax, -8; mov ecx, 63; sar rax, cl; ret"), { rax: M64, flags: { CF: 1, SF: 1 } }],
  ["rol al,1", x86("mov eax, 0x81; rol al, 1; ret"), { rax: 0x03n, flags: { CF: 1, OF: 1 } }],
  ["ror al,1", x86("mov eax, 0x81; ror al, 1; ret"), { rax: 0xc0n, flags: { CF: 1, OF: 0 } }],
  ["rol rax,4", x86("movabs rax, 0xf000000000000001; rol rax, 4; ret"), { rax: 0x1fn, flags: { CF: 1 } }],
  ["ror eax,8", x86("mov eax, 0x12345678; ror eax, 8; ret"), { rax: 0x78123456n, flags: { CF: 0 } }],
  ["rol ax,16 (a full turn) sets CF from bit 0", x86("mov eax, 0x8001; mov ecx, 16; clc; rol ax, cl; ret"), { rax: 0x8001n, flags: { CF: 1 } }],
  ["rcl al,1 through CF", x86("stc; mov eax, 0x80; rcl al, 1; ret"), { rax: 0x01n, flags: { CF: 1, OF: 1 } }],
  ["rcr al,1 through CF", x86("clc; mov eax, 1; rcr al, 1; ret"), { rax: 0n, flags: { CF: 1, OF: 0 } }],
  ["rcr al,2", x86("stc; mov eax, 1; rcr al, 2; ret"), { rax: 0xc0n, flags: { CF: 0 } }],
  ["rcl al,9 is a full turn", x86("stc; mov eax, 0x55; mov ecx, 9; rcl al, cl; ret"), { rax: 0x55n, flags: { CF: 1 } }],
  ["rcl rax,1", x86("stc; movabs rax, 0x8000000000000000; rcl rax, 1; ret"), { rax: 1n, flags: { CF: 1 } }],
  ["shld eax,edx,8", x86("mov eax, 0x12345678; mov edx, 0x9abcdef0; shld eax, edx, 8; ret"), { rax: 0x3456789an, flags: { CF: 0, SF: 0, ZF: 0 } }],
  ["shrd eax,edx,8", x86("mov eax, 0x12345678; mov edx, 0x9abcdef0; shrd eax, edx, 8; ret"), { rax: 0xf0123456n, flags: { CF: 0, SF: 1, ZF: 0 } }],
  ["shld rax,rdx,cl", x86("mov eax, 1; movabs rdx, 0x8000000000000000; mov ecx, 1; shld rax, rdx, cl; ret"), { rax: 3n, flags: { CF: 0 } }],
  ["shrd rax,rdx,4 carries out", x86("mov eax, 0x18; mov rdx, 0xf; shrd rax, rdx, 4; ret"), { rax: 0xf000000000000001n, flags: { CF: 1, SF: 1 } }],
  // multiply and divide
  ["mul ecx", x86("mov eax, 0x80000000; mov ecx, 2; mul ecx; ret"), { rax: 0n, regs: { 2: 1n }, flags: { CF: 1, OF: 1 } }],
  ["mul rcx 128-bit", x86("mov rax, -1; mov rcx, -1; mul rcx; ret"), { rax: 1n, regs: { 2: 0xfffffffffffffffen }, flags: { CF: 1, OF: 1 } }],
  ["mul cl", x86("mov eax, 0x10; mov ecx, 0x10; mul cl; ret"), { rax: 0x100n, flags: { CF: 1, OF: 1 } }],
  ["mul small: CF=OF=0", x86("mov eax, 6; mov ecx, 7; mul ecx; ret"), { rax: 42n, regs: { 2: 0n }, flags: { CF: 0, OF: 0 } }],
  ["imul rcx one operand", x86("mov rax, -1; mov rcx, -1; imul rcx; ret"), { rax: 1n, regs: { 2: 0n }, flags: { CF: 0, OF: 0 } }],
  ["imul rcx overflow", x86("movabs rax, 0x4000000000000000; mov rcx, 4; imul rcx; ret"), { rax: 0n, regs: { 2: 1n }, flags: { CF: 1, OF: 1 } }],
  ["imul cl", x86("mov eax, 0xff; mov ecx, 2; imul cl; ret"), { rax: 0xfffen, flags: { CF: 0, OF: 0 } }],
  ["imul eax,eax", x86("mov eax, 0x10000; imul eax, eax; ret"), { rax: 0n, flags: { CF: 1, OF: 1 } }],
  ["imul eax,ecx,imm8", x86("mov ecx, -3; imul eax, ecx, 7; ret"), { rax: 0xffffffebn, flags: { CF: 0, OF: 0 } }],
  ["imul rax,rcx,imm32", x86("movabs rcx, 0x100000000; imul rax, rcx, 0x10000; ret"), { rax: 0x1000000000000n, flags: { CF: 0, OF: 0 } }],
  ["imul rax,rcx overflow", x86("movabs rcx, 0x100000000; imul rax, rcx, 0x7fffffff; imul rax, rcx; ret"), { rax: 0n, flags: { CF: 1, OF: 1 } }],
  ["imul ax,cx", x86("mov eax, 0x100; mov ecx, 0x100; imul ax, cx; ret"), { rax: 0n, flags: { CF: 1, OF: 1 } }],
  ["div ecx", x86("xor edx, edx; mov eax, 100; mov ecx, 7; div ecx; ret"), { rax: 14n, regs: { 2: 2n } }],
  ["div rcx 128/64", x86("mov edx, 1; xor eax, eax; mov ecx, 2; div rcx; ret"), { rax: 0x8000000000000000n, regs: { 2: 0n } }],
  ["div rcx long division", x86("mov edx, 0x12345; movabs rax, 0x6789abcdef012345; movabs rcx, 0x1000000000; div rcx; ret"), { rax: 0x123456789abcn, regs: { 2: 0xdef012345n } }],
  ["div cl", x86("mov eax, 1000; mov ecx, 9; div cl; ret"), { rax: (1n << 8n) | 111n }],
  ["div cx", x86("mov edx, 1; mov eax, 2; mov ecx, 3; div cx; ret"), { rax: 21846n, regs: { 2: 0n } }],
  ["idiv ecx", x86("mov eax, -7; cdq; mov ecx, 2; idiv ecx; ret"), { rax: 0xfffffffdn, regs: { 2: 0xffffffffn } }],
  ["idiv rcx", x86("mov rax, -100; cqo; mov rcx, 7; idiv rcx; ret"), { rax: neg(14n), regs: { 2: neg(2n) } }],
  ["idiv rcx negative divisor, 128-bit dividend", x86("mov rdx, -1; mov rax, 0; mov rcx, -4; idiv rcx; ret"), { rax: 0x4000000000000000n, regs: { 2: 0n } }],
  ["idiv cl", x86("mov eax, 0xfff9; mov ecx, 2; idiv cl; ret"), { rax: 0xfffdn }],
  // bit tests and scans
  ["bt eax,4", x86("mov eax, 0x10; bt eax, 4; ret"), { rax: 0x10n, flags: { CF: 1 } }],
  ["bts eax,3", x86("xor eax, eax; bts eax, 3; ret"), { rax: 8n, flags: { CF: 0 } }],
  ["btr eax,0", x86("mov eax, 0xff; btr eax, 0; ret"), { rax: 0xfen, flags: { CF: 1 } }],
  ["btc eax,ecx masks the offset", x86("mov eax, 1; mov ecx, 33; btc eax, ecx; ret"), { rax: 3n, flags: { CF: 0 } }],
  ["bt keeps ZF", x86("xor edx, edx; mov eax, 1; bt eax, 0; ret"), { flags: { CF: 1, ZF: 1 } }],
  ["bt rax,63", x86("movabs rax, 0x8000000000000000; bt rax, 63; ret"), { flags: { CF: 1 } }],
  ["bsf", x86("mov ecx, 0x100; bsf eax, ecx; ret"), { rax: 8n, flags: { ZF: 0 } }],
  ["bsr", x86("movabs rcx, 0x8000000000000001; bsr rax, rcx; ret"), { rax: 63n, flags: { ZF: 0 } }],
  ["bsf of 0 sets ZF", x86("mov eax, 7; xor ecx, ecx; bsf eax, ecx; ret"), { flags: { ZF: 1 } }],
  ["tzcnt", x86("mov ecx, 0x100; tzcnt eax, ecx; ret"), { rax: 8n, flags: { CF: 0, ZF: 0 } }],
  ["tzcnt of 0", x86("xor ecx, ecx; tzcnt eax, ecx; ret"), { rax: 32n, flags: { CF: 1, ZF: 0 } }],
  ["tzcnt of 1 gives 0: ZF", x86("mov ecx, 1; tzcnt rax, rcx; ret"), { rax: 0n, flags: { CF: 0, ZF: 1 } }],
  ["lzcnt", x86("mov ecx, 1; lzcnt eax, ecx; ret"), { rax: 31n, flags: { CF: 0, ZF: 0 } }],
  ["lzcnt top bit: ZF", x86("mov ecx, 0x80000000; lzcnt eax, ecx; ret"), { rax: 0n, flags: { CF: 0, ZF: 1 } }],
  ["lzcnt of 0 (64)", x86("xor ecx, ecx; lzcnt rax, rcx; ret"), { rax: 64n, flags: { CF: 1, ZF: 0 } }],
  ["lzcnt 16-bit", x86("mov ecx, 0xff; lzcnt ax, cx; ret"), { rax: 8n, flags: { CF: 0, ZF: 0 } }],
  ["popcnt", x86("mov rcx, 0xf0f0; popcnt rax, rcx; ret"), { rax: 8n, flags: { ZF: 0, CF: 0, OF: 0, SF: 0, PF: 0, AF: 0 } }],
  ["popcnt of 0: ZF", x86("xor ecx, ecx; popcnt rax, rcx; ret"), { rax: 0n, flags: { ZF: 1, CF: 0 } }],
  // flags instructions
  ["stc/cmc", x86("stc; cmc; ret"), { flags: { CF: 0 } }],
  ["clc after carry", x86("mov al, 0xff; add al, 1; clc; ret"), { flags: { CF: 0, ZF: 1 } }],
  ["pushf: CF, bit 1 and IF", x86("stc; pushfq; pop rax; ret"), { rax: 0x203n }],
  ["popf writes flags", x86("push 0x8c1; popfq; pushfq; pop rax; ret"), { rax: 0x8c3n, flags: { CF: 1, ZF: 1, SF: 1, OF: 1 } }],
  ["lahf", x86("stc; lahf; movzx eax, ah; ret"), { rax: 0x03n }],
  ["sahf keeps OF", x86("mov eax, 0x7f; add al, 1; mov eax, 0xd500; sahf; pushfq; pop rax; ret"), { rax: 0xad7n }],
  ["cld/std", x86("std; pushfq; cld; pushfq; pop rcx; pop rax; xor rax, rcx; ret"), { rax: 0x400n }],
  ["cli/sti", x86("cli; pushfq; sti; pushfq; pop rcx; pop rax; xor rax, rcx; ret"), { rax: 0x200n }],
  ["clac/stac", x86("stac; pushfq; clac; pushfq; pop rcx; pop rax; xor rax, rcx; ret"), { rax: 0x40000n }],
];

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

describe("x86-64 instructions against hand-computed results", () => {
  it.each(cases)("%s", (_name, code, want) => {
    const rax = returned(runCode(box, "x86_64", code));
    if (want.rax !== undefined) expect(rax.toString(16)).toBe(want.rax.toString(16));
    for (const [r, v] of Object.entries(want.regs ?? {})) expect(box.cpu.reg(Number(r)).toString(16), `register ${r}`).toBe(v.toString(16));
    const flags = box.cpu.reg(17);
    for (const [name, bit] of Object.entries(want.flags ?? {})) {
      expect((flags & FLAG[name as FlagName]) !== 0n ? 1 : 0, `${name} in rflags 0x${flags.toString(16)}`).toBe(bit);
    }
  });
});
