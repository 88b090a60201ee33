// movs/cmps/stos/lods/scas with rep/repe/repne. A repeated instruction runs in chunks: when the
// chunk ends with the count not exhausted, the instruction stays current (as an interrupted rep
// does on hardware), so the step budget still bounds the run. A fault mid-way leaves rsi/rdi/rcx
// at the element that faulted.
import * as O from "./ops";
import { reg, setReg, getR, setR, rflagsRest, DF, ZF, arith } from "./regs";
import { rd, wr, fKind } from "../mmu";
import { alu } from "./alu";
import { FAULT_NONE } from "../consts";

const CHUNK: i32 = 4096;
const RSI: u8 = 6;
const RDI: u8 = 7;
const RCX: u8 = 1;

/** Runs the string instruction at entry `e`; true when it is complete (false: run it again, or a fault). */
export function stringOp(e: usize, size: i32): bool {
  const kind = <u32>load<u8>(e + O.E_AUX);
  const flags = load<u8>(e + O.E_FLAGS);
  const rep = (flags & (O.F_REP | O.F_REPNE)) != 0;
  const a32 = (flags & O.F_ADDR32) != 0;
  const amask: u64 = a32 ? 0xffffffff : 0xffffffffffffffff;
  const step: u64 = (rflagsRest & DF) != 0 ? <u64>(0 - size) : <u64>size;
  const segBase = reg(load<u8>(e + O.E_SEG));
  const compare = kind == 1 || kind == 4;
  const untilEqual = (flags & O.F_REPNE) != 0;
  let si = reg(RSI) & amask;
  let di = reg(RDI) & amask;
  let cx = reg(RCX) & amask;
  let n = 0;
  let done = !rep;
  for (;;) {
    if (rep && cx == 0) {
      done = true;
      break;
    }
    if (kind == 0) {
      const v = rd(segBase + si, size);
      if (fKind != FAULT_NONE) break;
      wr(di, v, size);
      if (fKind != FAULT_NONE) break;
      si = (si + step) & amask;
      di = (di + step) & amask;
    } else if (kind == 2) {
      wr(di, getR(0, size), size);
      if (fKind != FAULT_NONE) break;
      di = (di + step) & amask;
    } else if (kind == 3) {
      const v = rd(segBase + si, size);
      if (fKind != FAULT_NONE) break;
      setR(0, v, size);
      si = (si + step) & amask;
    } else if (kind == 1) {
      const x = rd(segBase + si, size);
      if (fKind != FAULT_NONE) break;
      const y = rd(di, size);
      if (fKind != FAULT_NONE) break;
      alu(O.ALU_CMP, x, y, size);
      si = (si + step) & amask;
      di = (di + step) & amask;
    } else {
      const y = rd(di, size);
      if (fKind != FAULT_NONE) break;
      alu(O.ALU_CMP, getR(0, size), y, size);
      di = (di + step) & amask;
    }
    if (!rep) break;
    cx = (cx - 1) & amask;
    if (compare && ((arith() & ZF) != 0) == untilEqual) {
      done = true;
      break;
    }
    if (++n == CHUNK) break;
  }
  // only registers that moved are written (a 32-bit write would clear the upper half)
  if (si != (reg(RSI) & amask)) writeBack(RSI, si, a32);
  if (di != (reg(RDI) & amask)) writeBack(RDI, di, a32);
  if (rep && cx != (reg(RCX) & amask)) writeBack(RCX, cx, a32);
  return done && fKind == FAULT_NONE;
}

function writeBack(r: u8, v: u64, a32: bool): void {
  if (a32) setR(r, v, 4);
  else setReg(r, v);
}

