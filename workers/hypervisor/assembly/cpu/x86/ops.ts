// Decoded-instruction cache entries: the decoder fills one per instruction address, the executor
// switches on its op. Layout (64 bytes):
//   0 tag u64 (address)   8 op u16   10 len u8   11 size u8 (operand bytes)   12 reg u8   13 rm u8
//   14 base u8   15 index u8   16 scale u8   17 seg u8   18 aux u8   19 flags u8   20 aux2 u8
//   24 disp u64 (absolute for RIP-relative)   32 imm u64   40 imm2 u64
export const E_TAG: usize = 0;
export const E_OP: usize = 8;
export const E_LEN: usize = 10;
export const E_SIZE: usize = 11;
export const E_REG: usize = 12;
export const E_RM: usize = 13;
export const E_BASE: usize = 14;
export const E_INDEX: usize = 15;
export const E_SCALE: usize = 16;
export const E_SEG: usize = 17;
export const E_AUX: usize = 18;
export const E_FLAGS: usize = 19;
export const E_AUX2: usize = 20;
export const E_DISP: usize = 24;
export const E_IMM: usize = 32;
export const E_IMM2: usize = 40;
export const ENTRY_SHIFT: usize = 6;

// E_FLAGS bits.
export const F_ADDR32: u8 = 1; // 67 prefix: the address is computed in 32 bits
export const F_STACK: u8 = 2; // the memory operand is on the stack segment (#SS, not #GP)
export const F_REP: u8 = 4; // F3
export const F_REPNE: u8 = 8; // F2

// ALU kinds (aux of OP_ALU_*): the 8 classic ones in opcode order, then test.
export const ALU_ADD: u8 = 0;
export const ALU_OR: u8 = 1;
export const ALU_ADC: u8 = 2;
export const ALU_SBB: u8 = 3;
export const ALU_AND: u8 = 4;
export const ALU_SUB: u8 = 5;
export const ALU_XOR: u8 = 6;
export const ALU_CMP: u8 = 7;
export const ALU_TEST: u8 = 8;

export const OP_SERVICE: u16 = 1; // imm: service id
export const OP_NOP: u16 = 2;
export const OP_ALU_EG: u16 = 3; // E = E op G
export const OP_ALU_GE: u16 = 4; // G = G op E
export const OP_ALU_EI: u16 = 5; // E = E op imm
export const OP_MOV_EG: u16 = 6;
export const OP_MOV_GE: u16 = 7;
export const OP_MOV_EI: u16 = 8;
export const OP_MOVZX: u16 = 9; // aux: source bytes
export const OP_MOVSX: u16 = 10; // aux: source bytes
export const OP_LEA: u16 = 11;
export const OP_XCHG: u16 = 12;
export const OP_CMPXCHG: u16 = 13;
export const OP_XADD: u16 = 14;
export const OP_BSWAP: u16 = 15;
export const OP_INC: u16 = 16;
export const OP_DEC: u16 = 17;
export const OP_NOT: u16 = 18;
export const OP_NEG: u16 = 19;
export const OP_SHIFT: u16 = 20; // aux: 0 rol 1 ror 2 rcl 3 rcr 4 shl 5 shr 6 sal 7 sar; aux2 1: count in cl, else imm
export const OP_SHLD: u16 = 21; // aux2 as OP_SHIFT
export const OP_SHRD: u16 = 22;
export const OP_MUL: u16 = 23; // one-operand: aux 0 mul, 1 imul
export const OP_DIV: u16 = 24; // aux 0 div, 1 idiv
export const OP_IMUL: u16 = 25; // G = E * G (aux2 0) or G = E * imm (aux2 1)
export const OP_SETCC: u16 = 26; // aux: cc
export const OP_CMOVCC: u16 = 27;
export const OP_JCC: u16 = 28; // imm: target
export const OP_JMP: u16 = 29;
export const OP_JMP_E: u16 = 30;
export const OP_CALL: u16 = 31;
export const OP_CALL_E: u16 = 32;
export const OP_RET: u16 = 33; // imm: bytes released
export const OP_PUSH_E: u16 = 34;
export const OP_PUSH_I: u16 = 35;
export const OP_POP_E: u16 = 36;
export const OP_LEAVE: u16 = 37;
export const OP_CBW: u16 = 38; // cbw/cwde/cdqe by size
export const OP_CWD: u16 = 39; // cwd/cdq/cqo by size
export const OP_STRING: u16 = 40; // aux: 0 movs 1 cmps 2 stos 3 lods 4 scas
export const OP_BT: u16 = 41; // aux 0 bt 1 bts 2 btr 3 btc; aux2 1: bit offset is imm
export const OP_BITSCAN: u16 = 42; // aux 0 bsf 1 bsr 2 tzcnt 3 lzcnt 4 popcnt
export const OP_UD: u16 = 43; // #UD (ud2, ud0, ud1, opcodes invalid in 64-bit mode, bad LOCK)
export const OP_INT3: u16 = 44;
export const OP_HLT: u16 = 45;
export const OP_FLAGOP: u16 = 46; // aux 0 clc 1 stc 2 cmc 3 cld 4 std 5 cli 6 sti 7 clac 8 stac
export const OP_PUSHF: u16 = 47;
export const OP_POPF: u16 = 48;
export const OP_LAHF: u16 = 49;
export const OP_SAHF: u16 = 50;
export const OP_LOOP: u16 = 51; // aux 0 loopne 1 loope 2 loop 3 jrcxz; imm target
export const OP_ENTER: u16 = 52; // imm: frame bytes, imm2: nesting level
export const OP_XLAT: u16 = 53;
