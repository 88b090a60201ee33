// x86-64 decoder: legacy prefixes, REX, the one-byte map (the 0F map is in decode0f.ts),
// ModRM/SIB/displacement and immediates, into a cache entry (layout in ops.ts). Anything it does
// not implement ends the run as unsupported, with the instruction's exact bytes (names.ts).
import { FAULT_GP, X86_GP } from "../consts";
import { maybeService, serviceAt } from "../services";
import { openWindow, nb, nb16, nb32, ns8, ns32, peek, pos, short, avail, nextKind, nextAddr, MAX_LEN } from "./fetch";
import { raise, raiseMemory } from "./faults";
import { recordFault } from "../mmu";
import { ZERO, FSBASE, GSBASE, NO_RM, AH, maskOf } from "./regs";
import * as O from "./ops";
import { decode0f } from "./decode0f";
import { stopUnsupportedAfter, stopUnsupportedOpcode, ccName, MAP_1, MAP_XOP } from "./names";

// Prefix state of the instruction being decoded (read by decode0f and names).
export let rex: u32 = 0;
export let osz16: bool = false;
export let asz32: bool = false;
export let lockPrefix: bool = false;
export let repPrefix: u32 = 0;
let seg: u8 = ZERO;
let ripRel: bool = false;
export let memOp: bool = false;
/** The instruction accepts LOCK (with a memory destination). */
export let lockable: bool = false;
/** The last ModRM byte. */
export let modrmByte: u32 = 0;
export let entry: usize = 0;
let at: u64 = 0;

// @ts-ignore: decorator
@inline export function opSize(): i32 {
  return (rex & 8) != 0 ? 8 : osz16 ? 2 : 4;
}

/** Operand size of instructions that default to 64 bits (push, pop, near branches). */
// @ts-ignore: decorator
@inline function stackSize(): i32 {
  return osz16 ? 2 : 8;
}

function byteReg(r: u32, byteOp: bool): u8 {
  return byteOp && rex == 0 && r >= 4 && r < 8 ? AH + <u8>(r - 4) : <u8>r;
}

export function setLockable(on: bool): void {
  lockable = on;
}

export function setOp(op: u16, size: i32): void {
  store<u16>(entry + O.E_OP, op);
  store<u8>(entry + O.E_SIZE, <u8>size);
}

export function setAux(aux: u32): void {
  store<u8>(entry + O.E_AUX, <u8>aux);
}

export function setAux2(aux: u32): void {
  store<u8>(entry + O.E_AUX2, <u8>aux);
}

export function setImm(v: u64): void {
  store<u64>(entry + O.E_IMM, v);
}

export function setRm(r: u8): void {
  store<u8>(entry + O.E_RM, r);
}

export function setRegField(r: u8): void {
  store<u8>(entry + O.E_REG, r);
}

/** Immediate of an instruction with operand size `size` (8-bit, 16-bit, or 32 sign-extended), masked to it. */
export function immOf(size: i32): u64 {
  if (size == 1) return <u64>nb();
  if (size == 2) return nb16();
  return ns32() & maskOf(size);
}

/** Parses ModRM (+SIB, displacement) into the entry; returns the ModRM reg field (with REX.R). */
export function modrm(byteOp: bool): u32 {
  const m = nb();
  modrmByte = m;
  const mod = m >> 6;
  const regf = ((m >> 3) & 7) | ((rex & 4) << 1);
  const rmf = m & 7;
  setRegField(byteReg(regf, byteOp));
  if (mod == 3) {
    setRm(byteReg(rmf | ((rex & 1) << 3), byteOp));
    memOp = false;
    return regf;
  }
  memOp = true;
  setRm(NO_RM);
  let base: u32 = ZERO;
  let index: u32 = ZERO;
  let scale: u32 = 0;
  let disp: u64 = 0;
  if (rmf == 4) {
    const sib = nb();
    scale = sib >> 6;
    const idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
    if (idx != 4) index = idx;
    const b = sib & 7;
    if (b == 5 && mod == 0) disp = ns32();
    else base = b | ((rex & 1) << 3);
  } else if (rmf == 5 && mod == 0) {
    ripRel = true;
    disp = ns32();
  } else {
    base = rmf | ((rex & 1) << 3);
  }
  if (mod == 1) disp = ns8();
  else if (mod == 2) disp = ns32();
  store<u8>(entry + O.E_BASE, <u8>base);
  store<u8>(entry + O.E_INDEX, <u8>index);
  store<u8>(entry + O.E_SCALE, <u8>scale);
  store<u64>(entry + O.E_DISP, disp);
  let flags = load<u8>(entry + O.E_FLAGS);
  if (base == 4 || base == 5) flags |= O.F_STACK;
  store<u8>(entry + O.E_FLAGS, flags);
  return regf;
}

function clearEntry(e: usize): void {
  store<u64>(e + O.E_OP, 0);
  store<u64>(e + 16, 0);
  store<u8>(e + O.E_BASE, ZERO);
  store<u8>(e + O.E_INDEX, ZERO);
  store<u8>(e + O.E_SEG, ZERO);
  store<u8>(e + O.E_RM, NO_RM);
  store<u64>(e + O.E_DISP, 0);
  store<u64>(e + O.E_IMM, 0);
  store<u64>(e + O.E_IMM2, 0);
}

/** Relative branch target from a displacement read last (the instruction ends at `pos`). */
export function relTarget(rel: u64): u64 {
  return at + <u64>pos + rel;
}

export function undefinedOp(): void {
  setOp(O.OP_UD, 0);
}

/**
 * Decodes the instruction at `addr` into entry `e`. False when the run stopped instead (a fetch
 * fault, an instruction longer than 15 bytes, or one this interpreter does not implement).
 */
export function decode(addr: u64, e: usize): bool {
  entry = e;
  at = addr;
  clearEntry(e);
  if (maybeService(addr)) {
    const id = serviceAt(addr);
    if (id != i32.MIN_VALUE) {
      setOp(O.OP_SERVICE, 8);
      setImm(<u64>(<i64>id));
      store<u64>(e, addr);
      return true;
    }
  }
  if (!openWindow(addr)) {
    raiseMemory(addr, false);
    return false;
  }
  rex = 0;
  osz16 = false;
  asz32 = false;
  lockPrefix = false;
  repPrefix = 0;
  seg = ZERO;
  ripRel = false;
  memOp = false;
  lockable = false;
  let b: u32 = 0;
  for (;;) {
    b = nb();
    if (short || pos > MAX_LEN) break;
    if (b == 0x66) osz16 = true;
    else if (b == 0x67) asz32 = true;
    else if (b == 0xf0) lockPrefix = true;
    else if (b == 0xf2 || b == 0xf3) repPrefix = b;
    else if (b == 0x64) seg = FSBASE;
    else if (b == 0x65) seg = GSBASE;
    else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26) {
      // CS/SS/DS/ES overrides do nothing in 64-bit mode (2e/3e also serve as branch hints).
    } else if ((b & 0xf0) == 0x40) {
      rex = b;
      continue;
    } else break;
    rex = 0; // a REX prefix counts only right before the opcode
  }
  let ok: bool = true;
  if (!short && pos <= MAX_LEN) ok = b == 0x0f ? decode0f() : decode1(b);
  if (!ok) return false;
  if (short) {
    if (avail < MAX_LEN && pos > avail) {
      recordFault(nextKind, nextAddr);
      raiseMemory(addr, false);
    } else raise(addr, FAULT_GP, X86_GP, 0, 0, 0, addr);
    return false;
  }
  if (pos > MAX_LEN) {
    raise(addr, FAULT_GP, X86_GP, 0, 0, 0, addr);
    return false;
  }
  if (lockPrefix && !(lockable && memOp)) undefinedOp();
  let flags = load<u8>(e + O.E_FLAGS);
  if (asz32) flags |= O.F_ADDR32;
  if (repPrefix == 0xf3) flags |= O.F_REP;
  if (repPrefix == 0xf2) flags |= O.F_REPNE;
  store<u8>(e + O.E_FLAGS, flags);
  store<u8>(e + O.E_SEG, seg);
  if (ripRel) {
    let d = load<u64>(e + O.E_DISP) + addr + <u64>pos;
    if (asz32) d &= 0xffffffff;
    store<u64>(e + O.E_DISP, d);
  }
  store<u8>(e + O.E_LEN, <u8>pos);
  store<u64>(e, addr);
  return true;
}

/** The one-byte opcode map. */
function decode1(b: u32): bool {
  const size = opSize();
  if (b < 0x40 && (b & 7) < 6) {
    // add/or/adc/sbb/and/sub/xor/cmp in their six forms
    const kind = b >> 3;
    const form = b & 7;
    const sz = (form & 1) == 0 ? 1 : size;
    setAux(kind);
    lockable = kind != O.ALU_CMP;
    if (form < 4) {
      modrm(sz == 1);
      setOp(form < 2 ? O.OP_ALU_EG : O.OP_ALU_GE, sz);
    } else {
      setOp(O.OP_ALU_EI, sz);
      setRm(0);
      setImm(immOf(sz));
    }
    return true;
  }
  if (b >= 0x50 && b < 0x60) {
    setOp(b < 0x58 ? O.OP_PUSH_E : O.OP_POP_E, stackSize());
    setRm(<u8>((b & 7) | ((rex & 1) << 3)));
    return true;
  }
  if (b >= 0x70 && b < 0x80) {
    setOp(O.OP_JCC, 8);
    setAux(b & 0xf);
    const rel = ns8();
    setImm(relTarget(rel));
    return !osz16 || stopUnsupportedAfter("j" + ccName(b & 0xf));
  }
  if (b >= 0x91 && b < 0x98) {
    setOp(O.OP_XCHG, size);
    setRegField(0);
    setRm(<u8>((b & 7) | ((rex & 1) << 3)));
    return true;
  }
  if (b >= 0xb0 && b < 0xc0) {
    const r = (b & 7) | ((rex & 1) << 3);
    if (b < 0xb8) {
      setOp(O.OP_MOV_EI, 1);
      setRm(byteReg(r, true));
      setImm(<u64>nb());
    } else {
      setOp(O.OP_MOV_EI, size);
      setRm(<u8>r);
      setImm(size == 8 ? nb32() | (nb32() << 32) : size == 2 ? nb16() : nb32());
    }
    return true;
  }
  switch (b) {
    case 0x63: {
      modrm(false);
      setOp(O.OP_MOVSX, size);
      setAux(size == 8 ? 4 : size);
      return true;
    }
    case 0x68:
    case 0x6a: {
      setOp(O.OP_PUSH_I, stackSize());
      setImm(b == 0x6a ? ns8() : osz16 ? nb16() : ns32());
      return true;
    }
    case 0x69:
    case 0x6b: {
      modrm(false);
      setOp(O.OP_IMUL, size);
      setAux2(1);
      setImm((b == 0x6b ? ns8() : size == 2 ? <u64>(<i64>(<i16>nb16())) : ns32()) & maskOf(size));
      return true;
    }
    case 0x80:
    case 0x81:
    case 0x83: {
      const sz = b == 0x80 ? 1 : size;
      const kind = modrm(sz == 1) & 7;
      setOp(O.OP_ALU_EI, sz);
      setAux(kind);
      lockable = kind != O.ALU_CMP;
      setImm(b == 0x83 ? ns8() & maskOf(sz) : immOf(sz));
      return true;
    }
    case 0x84:
    case 0x85: {
      const sz = b == 0x84 ? 1 : size;
      modrm(sz == 1);
      setOp(O.OP_ALU_EG, sz);
      setAux(O.ALU_TEST);
      return true;
    }
    case 0x86:
    case 0x87: {
      const sz = b == 0x86 ? 1 : size;
      modrm(sz == 1);
      setOp(O.OP_XCHG, sz);
      lockable = true;
      return true;
    }
    case 0x88:
    case 0x89:
    case 0x8a:
    case 0x8b: {
      const sz = (b & 1) == 0 ? 1 : size;
      modrm(sz == 1);
      setOp(b < 0x8a ? O.OP_MOV_EG : O.OP_MOV_GE, sz);
      return true;
    }
    case 0x8d: {
      modrm(false);
      setOp(O.OP_LEA, size);
      if (!memOp) undefinedOp();
      return true;
    }
    case 0x8f: {
      if (((peek8() >> 3) & 7) != 0) return stopUnsupportedOpcode(MAP_XOP, b);
      modrm(false);
      setOp(O.OP_POP_E, stackSize());
      return true;
    }
    case 0x90: {
      if ((rex & 1) != 0) {
        setOp(O.OP_XCHG, size);
        setRegField(0);
        setRm(8);
      } else setOp(O.OP_NOP, 0); // nop, and f3 90 pause
      return true;
    }
    case 0x98:
      setOp(O.OP_CBW, size);
      return true;
    case 0x99:
      setOp(O.OP_CWD, size);
      return true;
    case 0x9c:
      setOp(O.OP_PUSHF, 8);
      return !osz16 || stopUnsupportedAfter("pushf");
    case 0x9d:
      setOp(O.OP_POPF, 8);
      return !osz16 || stopUnsupportedAfter("popf");
    case 0x9e:
      setOp(O.OP_SAHF, 1);
      return true;
    case 0x9f:
      setOp(O.OP_LAHF, 1);
      return true;
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3: {
      const sz = (b & 1) == 0 ? 1 : size;
      setOp(b < 0xa2 ? O.OP_MOV_GE : O.OP_MOV_EG, sz);
      setRegField(0);
      memOp = true;
      store<u64>(entry + O.E_DISP, asz32 ? nb32() : nb32() | (nb32() << 32));
      return true;
    }
    case 0xa4:
    case 0xa5:
    case 0xa6:
    case 0xa7:
    case 0xaa:
    case 0xab:
    case 0xac:
    case 0xad:
    case 0xae:
    case 0xaf: {
      setOp(O.OP_STRING, (b & 1) == 0 ? 1 : size);
      // movs 0, cmps 1, stos 2, lods 3, scas 4
      setAux(b < 0xa8 ? (b - 0xa4) >> 1 : ((b - 0xaa) >> 1) + 2);
      return true;
    }
    case 0xa8:
    case 0xa9: {
      const sz = b == 0xa8 ? 1 : size;
      setOp(O.OP_ALU_EI, sz);
      setAux(O.ALU_TEST);
      setRm(0);
      setImm(immOf(sz));
      return true;
    }
    case 0xc0:
    case 0xc1:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const sz = (b & 1) == 0 ? 1 : size;
      const kind = modrm(sz == 1) & 7;
      setOp(O.OP_SHIFT, sz);
      setAux(kind);
      if (b >= 0xd2) setAux2(1);
      else setImm(b < 0xd0 ? <u64>nb() : 1);
      return true;
    }
    case 0xc2:
    case 0xc3: {
      setOp(O.OP_RET, 8);
      if (b == 0xc2) setImm(nb16());
      return !osz16 || stopUnsupportedAfter("ret");
    }
    case 0xc6:
    case 0xc7: {
      const sz = b == 0xc6 ? 1 : size;
      if (peek8() == 0xf8) return stopUnsupportedOpcode(MAP_1, b);
      const r = modrm(sz == 1) & 7;
      setOp(O.OP_MOV_EI, sz);
      setImm(immOf(sz));
      if (r != 0) undefinedOp();
      return true;
    }
    case 0xc8: {
      setOp(O.OP_ENTER, 8);
      setImm(nb16());
      const level = nb();
      store<u64>(entry + O.E_IMM2, <u64>level);
      return (level == 0 && !osz16) || stopUnsupportedAfter("enter");
    }
    case 0xc9:
      setOp(O.OP_LEAVE, 8);
      return !osz16 || stopUnsupportedAfter("leave");
    case 0xcc:
      setOp(O.OP_INT3, 0);
      return true;
    case 0xd7:
      setOp(O.OP_XLAT, 1);
      memOp = true;
      return true;
    case 0xe0:
    case 0xe1:
    case 0xe2:
    case 0xe3: {
      setOp(O.OP_LOOP, 8);
      setAux(b - 0xe0);
      const rel = ns8();
      setImm(relTarget(rel));
      return !osz16 || stopUnsupportedAfter("loop");
    }
    case 0xe8:
    case 0xe9:
    case 0xeb: {
      setOp(b == 0xe8 ? O.OP_CALL : O.OP_JMP, 8);
      const rel = b == 0xeb ? ns8() : ns32();
      setImm(relTarget(rel));
      return !osz16 || stopUnsupportedAfter(b == 0xe8 ? "call" : "jmp");
    }
    case 0xf4:
      setOp(O.OP_HLT, 0);
      return true;
    case 0xf5:
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd: {
      setOp(O.OP_FLAGOP, 0);
      // clc 0, stc 1, cmc 2, cld 3, std 4, cli 5, sti 6 (ops.ts OP_FLAGOP)
      setAux(b == 0xf8 ? 0 : b == 0xf9 ? 1 : b == 0xf5 ? 2 : b == 0xfc ? 3 : b == 0xfd ? 4 : b == 0xfa ? 5 : 6);
      return true;
    }
    case 0xf6:
    case 0xf7: {
      const sz = b == 0xf6 ? 1 : size;
      const r = modrm(sz == 1) & 7;
      if (r < 2) {
        setOp(O.OP_ALU_EI, sz);
        setAux(O.ALU_TEST);
        setImm(immOf(sz));
      } else if (r == 2) {
        setOp(O.OP_NOT, sz);
        lockable = true;
      } else if (r == 3) {
        setOp(O.OP_NEG, sz);
        lockable = true;
      } else {
        setOp(r < 6 ? O.OP_MUL : O.OP_DIV, sz);
        setAux(r & 1);
      }
      return true;
    }
    case 0xfe:
    case 0xff: {
      const sz = b == 0xfe ? 1 : size;
      const r = (peek8() >> 3) & 7;
      if (r < 2) {
        modrm(sz == 1);
        setOp(r == 0 ? O.OP_INC : O.OP_DEC, sz);
        lockable = true;
        return true;
      }
      if (b == 0xfe || r == 7) {
        modrm(false);
        undefinedOp();
        return true;
      }
      if (r == 3 || r == 5) return stopUnsupportedOpcode(MAP_1, b);
      modrm(false);
      setOp(r == 2 ? O.OP_CALL_E : r == 4 ? O.OP_JMP_E : O.OP_PUSH_E, r == 6 ? stackSize() : 8);
      return r == 6 || !osz16 || stopUnsupportedAfter(r == 2 ? "call" : "jmp");
    }
    default:
      break;
  }
  if (isInvalid64(b)) {
    undefinedOp();
    return true;
  }
  return stopUnsupportedOpcode(MAP_1, b);
}

/** One-byte opcodes that raise #UD in 64-bit mode. */
function isInvalid64(b: u32): bool {
  return (
    b == 0x06 || b == 0x07 || b == 0x0e || b == 0x16 || b == 0x17 || b == 0x1e || b == 0x1f || b == 0x27 ||
    b == 0x2f || b == 0x37 || b == 0x3f || b == 0x60 || b == 0x61 || b == 0x82 || b == 0x9a || b == 0xce ||
    b == 0xd4 || b == 0xd5 || b == 0xd6 || b == 0xea
  );
}

/** The next byte without consuming it (the ModRM of group opcodes, to choose the form). */
export function peek8(): u32 {
  return peek(pos);
}

/** Address of the instruction being decoded. */
export function decodingAt(): u64 {
  return at;
}
