// x86-64 decoder: legacy prefixes, REX, the one-byte map (the 0F map is in decode0f.ts),
// ModRM/SIB/displacement and immediates, into a cache entry (layout in ops.ts). Anything it does
// not implement ends the run as unsupported, with the instruction's exact bytes (names.ts).
import { FAULT_GP, X86_GP } from "../consts";
import { maybeService, serviceAt } from "../services";
import { openWindow, nb, nb16, ns8, ns32, peek, pos, short, avail, nextKind, nextAddr, MAX_LEN } from "./fetch";
import { raise, raiseMemory } from "./faults";
import { recordFault } from "../mmu";
import { ZERO, FSBASE, GSBASE, NO_RM, AH, maskOf } from "./regs";
import * as O from "./ops";
import { decode0f } from "./decode0f";
import { decode1 } from "./decode1";

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
@inline export function stackSize(): i32 {
  return osz16 ? 2 : 8;
}

export function byteReg(r: u32, byteOp: bool): u8 {
  return byteOp && rex == 0 && r >= 4 && r < 8 ? AH + <u8>(r - 4) : <u8>r;
}

export function setMemOp(on: bool): void {
  memOp = on;
}

/** The displacement of an operand without ModRM (moffs). */
export function setDisp(v: u64): void {
  store<u64>(entry + O.E_DISP, v);
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

export function setImm2(v: u64): void {
  store<u64>(entry + O.E_IMM2, v);
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

/** The next byte without consuming it (the ModRM of group opcodes, to choose the form). */
export function peek8(): u32 {
  return peek(pos);
}

/** Address of the instruction being decoded. */
export function decodingAt(): u64 {
  return at;
}
