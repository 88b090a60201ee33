// Operand access for a decoded entry: effective addresses, the ModRM operand (register or
// memory), and the stack.
import * as O from "./ops";
import { reg, setReg, getR, setR, NO_RM, RSP } from "./regs";
import { rd, wr, canWrite, fKind } from "../mmu";
import { FAULT_NONE } from "../consts";

/** The address an operand names before the segment base (what lea computes). */
// @ts-ignore: decorator
@inline export function offsetOf(e: usize): u64 {
  let a = load<u64>(e + O.E_DISP) + reg(load<u8>(e + O.E_BASE)) + (reg(load<u8>(e + O.E_INDEX)) << <u64>load<u8>(e + O.E_SCALE));
  if ((load<u8>(e + O.E_FLAGS) & O.F_ADDR32) != 0) a &= 0xffffffff;
  return a;
}

/** The linear address of the memory operand (FS/GS base added). */
// @ts-ignore: decorator
@inline export function ea(e: usize): u64 {
  return offsetOf(e) + reg(load<u8>(e + O.E_SEG));
}

// @ts-ignore: decorator
@inline export function isReg(e: usize): bool {
  return load<u8>(e + O.E_RM) != NO_RM;
}

/** The ModRM r/m operand. */
// @ts-ignore: decorator
@inline export function readE(e: usize, size: i32): u64 {
  const rm = load<u8>(e + O.E_RM);
  if (rm != NO_RM) return getR(rm, size);
  return rd(ea(e), size);
}

// @ts-ignore: decorator
@inline export function writeE(e: usize, v: u64, size: i32): void {
  const rm = load<u8>(e + O.E_RM);
  if (rm != NO_RM) setR(rm, v, size);
  else wr(ea(e), v, size);
}

// @ts-ignore: decorator
@inline export function readG(e: usize, size: i32): u64 {
  return getR(load<u8>(e + O.E_REG), size);
}

// @ts-ignore: decorator
@inline export function writeG(e: usize, v: u64, size: i32): void {
  setR(load<u8>(e + O.E_REG), v, size);
}

/** Pushes `size` bytes; rsp moves only when the write succeeded. */
// @ts-ignore: decorator
@inline export function push(v: u64, size: i32): void {
  const sp = reg(RSP) - <u64>size;
  wr(sp, v, size);
  if (!faulted()) setReg(RSP, sp);
}

// @ts-ignore: decorator
@inline export function faulted(): bool {
  return fKind != FAULT_NONE;
}

/** Reads the top of the stack without popping it. */
// @ts-ignore: decorator
@inline export function top(size: i32): u64 {
  return rd(reg(RSP), size);
}

// @ts-ignore: decorator
@inline export function sizeMask(size: i32): u64 {
  return u64.MAX_VALUE >> (<u64>(8 - size) << 3);
}

// @ts-ignore: decorator
@inline export function signExtend(v: u64, size: i32): u64 {
  const s = <u64>(64 - (size << 3));
  return <u64>((<i64>(v << s)) >> s);
}

let rmwAddr: u64 = 0;

/**
 * The r/m operand of a read-modify-write instruction. A memory operand is checked writable
 * before it is read, so a fault leaves memory and flags untouched (callers check fKind).
 */
export function rmwRead(e: usize, size: i32): u64 {
  if (isReg(e)) return readE(e, size);
  rmwAddr = ea(e);
  if (!canWrite(rmwAddr, size)) return 0;
  return rd(rmwAddr, size);
}

/** Writes back the operand read by rmwRead. */
export function rmwWrite(e: usize, v: u64, size: i32): void {
  if (isReg(e)) writeE(e, v, size);
  else wr(rmwAddr, v, size);
}
