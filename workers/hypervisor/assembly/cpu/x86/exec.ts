// The x86-64 run loop: look the instruction up in the decode cache (decoding on a miss), execute
// it, and stop on a fault, a service call, an unsupported instruction or the step budget.
// Instructions are precise: a faulting one leaves every register and rip as they were.
import * as O from "./ops";
import { decode } from "./decode";
import {
  reg,
  setReg,
  getR,
  setR,
  rip,
  setRip,
  cond,
  arith,
  setEfl,
  rflags,
  setRflags,
  flagOp,
  maskOf,
  RSP,
  ZF,
  OF,
} from "./regs";
import { ea, offsetOf, isReg, readE, writeE, readG, writeG, push, top, signExtend, rmwRead, rmwWrite } from "./operands";
import { alu, unary, shift, doubleShift, bitTest, bitScan } from "./alu";
import { mulWide, imul, divide } from "./muldiv";
import { stringOp } from "./strings";
import { raise, raiseMemory, stackFault } from "./faults";
import { rd, wr, fKind, clearFault, isCanonical, mmuSync } from "../mmu";
import { serviceGeneration, SERVICE_RETURN } from "../services";
import { memGeneration } from "../../memory";
import { FAULT_NONE, FAULT_UNDEFINED, FAULT_BREAKPOINT, FAULT_NONCANONICAL, X86_UD, X86_BP, X86_GP, STOP_BUDGET, STOP_HALT } from "../consts";
import { stopReturned, stopService, setServiceArg, stopOther, countInsns, countCall } from "../state";

const CACHE_BITS: u64 = 13;
const CACHE_MASK: u64 = (1 << CACHE_BITS) - 1;
const CACHE_ENTRIES: usize = 1 << <usize>CACHE_BITS;
let cache: usize = 0;
let cacheServices: u32 = 0xffffffff;
let cacheMemory: u32 = 0xffffffff;

/** Empties the decode cache (each tag is set to a value no address of its slot can have). */
export function flushDecodeCache(): void {
  if (cache == 0) cache = heap.alloc(CACHE_ENTRIES << O.ENTRY_SHIFT);
  for (let i: usize = 0; i < CACHE_ENTRIES; i++) store<u64>(cache + (i << O.ENTRY_SHIFT), <u64>(i + 1));
}

function syncCaches(): void {
  mmuSync();
  if (cache == 0 || cacheServices != serviceGeneration || cacheMemory != memGeneration) {
    cacheServices = serviceGeneration;
    cacheMemory = memGeneration;
    flushDecodeCache();
  }
}

const ARG_REGS: u8[] = [7, 6, 2, 1, 8, 9];

function serviceStop(pc: u64, id: i64): void {
  if (id == SERVICE_RETURN) {
    stopReturned(pc, reg(0));
    return;
  }
  for (let i = 0; i < 6; i++) setServiceArg(i, reg(unchecked(ARG_REGS[i])));
  // arguments 7 and 8 are on the stack above the return address
  const sp = reg(RSP);
  setServiceArg(6, rd(sp + 8, 8));
  setServiceArg(7, rd(sp + 16, 8));
  const ret = rd(sp, 8);
  clearFault();
  stopService(pc, <i32>id, ret);
}

/** Runs from rip for at most `budget` instructions; the stop record says why it ended. */
export function x86Run(budget: u64): void {
  syncCaches();
  let pc = rip;
  let n: u64 = 0;
  const c = cache;
  for (;;) {
    if (n >= budget) {
      stopOther(STOP_BUDGET, pc);
      break;
    }
    const e = c + (<usize>(pc & CACHE_MASK) << O.ENTRY_SHIFT);
    if (load<u64>(e) != pc && !decode(pc, e)) break;
    const size = <i32>load<u8>(e + O.E_SIZE);
    let next = pc + <u64>load<u8>(e + O.E_LEN);
    let stop = false;
    switch (load<u16>(e + O.E_OP)) {
      case O.OP_NOP:
        break;
      case O.OP_MOV_GE: {
        const v = readE(e, size);
        if (fKind == FAULT_NONE) writeG(e, v, size);
        break;
      }
      case O.OP_MOV_EG:
        writeE(e, readG(e, size), size);
        break;
      case O.OP_MOV_EI:
        writeE(e, load<u64>(e + O.E_IMM), size);
        break;
      case O.OP_LEA:
        writeG(e, offsetOf(e), size);
        break;
      case O.OP_ALU_EG:
      case O.OP_ALU_EI: {
        const kind = <u32>load<u8>(e + O.E_AUX);
        const b = load<u16>(e + O.E_OP) == O.OP_ALU_EG ? readG(e, size) : load<u64>(e + O.E_IMM);
        if (kind >= O.ALU_CMP) {
          const a = readE(e, size);
          if (fKind == FAULT_NONE) alu(kind, a, b, size);
          break;
        }
        const a = rmwRead(e, size);
        if (fKind != FAULT_NONE) break;
        rmwWrite(e, alu(kind, a, b, size), size);
        break;
      }
      case O.OP_ALU_GE: {
        const kind = <u32>load<u8>(e + O.E_AUX);
        const b = readE(e, size);
        if (fKind != FAULT_NONE) break;
        const r = alu(kind, readG(e, size), b, size);
        if (kind < O.ALU_CMP) writeG(e, r, size);
        break;
      }
      case O.OP_JCC:
        if (cond(load<u8>(e + O.E_AUX))) next = load<u64>(e + O.E_IMM);
        break;
      case O.OP_JMP:
        next = load<u64>(e + O.E_IMM);
        break;
      case O.OP_CALL:
        push(next, 8);
        if (fKind != FAULT_NONE) break;
        next = load<u64>(e + O.E_IMM);
        countCall();
        break;
      case O.OP_RET: {
        const t = top(8);
        if (fKind != FAULT_NONE) break;
        if (!isCanonical(t)) {
          raise(pc, FAULT_NONCANONICAL, X86_GP, t, 0, 0, pc);
          stop = true;
          break;
        }
        setReg(RSP, reg(RSP) + 8 + load<u64>(e + O.E_IMM));
        next = t;
        break;
      }
      case O.OP_JMP_E:
      case O.OP_CALL_E: {
        const t = readE(e, 8);
        if (fKind != FAULT_NONE) break;
        if (!isCanonical(t)) {
          raise(pc, FAULT_NONCANONICAL, X86_GP, t, 0, 0, pc);
          stop = true;
          break;
        }
        if (load<u16>(e + O.E_OP) == O.OP_CALL_E) {
          push(next, 8);
          if (fKind != FAULT_NONE) break;
          countCall();
        }
        next = t;
        break;
      }
      case O.OP_PUSH_E: {
        const v = readE(e, size);
        if (fKind == FAULT_NONE) push(v, size);
        break;
      }
      case O.OP_PUSH_I:
        push(load<u64>(e + O.E_IMM), size);
        break;
      case O.OP_POP_E: {
        const sp = reg(RSP);
        const v = rd(sp, size);
        if (fKind != FAULT_NONE) break;
        if (isReg(e)) {
          setReg(RSP, sp + <u64>size);
          writeE(e, v, size);
        } else {
          // the destination address is computed with rsp already incremented
          setReg(RSP, sp + <u64>size);
          wr(ea(e), v, size);
          if (fKind != FAULT_NONE) setReg(RSP, sp);
        }
        break;
      }
      case O.OP_SETCC:
        writeE(e, cond(load<u8>(e + O.E_AUX)) ? 1 : 0, 1);
        break;
      case O.OP_CMOVCC: {
        let v = readE(e, size);
        if (fKind != FAULT_NONE) break;
        // a 32-bit cmov writes (and so zero-extends) its destination even when the condition fails
        if (!cond(load<u8>(e + O.E_AUX))) v = readG(e, size);
        writeG(e, v, size);
        break;
      }
      case O.OP_MOVZX: {
        const v = readE(e, <i32>load<u8>(e + O.E_AUX));
        if (fKind == FAULT_NONE) writeG(e, v, size);
        break;
      }
      case O.OP_MOVSX: {
        const src = <i32>load<u8>(e + O.E_AUX);
        const v = readE(e, src);
        if (fKind == FAULT_NONE) writeG(e, signExtend(v, src) & maskOf(size), size);
        break;
      }
      case O.OP_XCHG: {
        const a = rmwRead(e, size);
        if (fKind != FAULT_NONE) break;
        rmwWrite(e, readG(e, size), size);
        writeG(e, a, size);
        break;
      }
      case O.OP_CMPXCHG: {
        const d = rmwRead(e, size);
        if (fKind != FAULT_NONE) break;
        const acc = getR(0, size);
        alu(O.ALU_CMP, acc, d, size);
        // the destination is written either way (with itself when the compare fails)
        rmwWrite(e, acc == d ? readG(e, size) : d, size);
        if (acc != d) setR(0, d, size);
        break;
      }
      case O.OP_XADD: {
        const d = rmwRead(e, size);
        if (fKind != FAULT_NONE) break;
        const sum = alu(O.ALU_ADD, d, readG(e, size), size);
        writeG(e, d, size);
        rmwWrite(e, sum, size);
        break;
      }
      case O.OP_BSWAP: {
        const r = load<u8>(e + O.E_RM);
        if (size == 8) setReg(r, bswap<u64>(reg(r)));
        else setR(r, <u64>bswap<u32>(<u32>reg(r)), 4);
        break;
      }
      case O.OP_INC:
      case O.OP_DEC:
      case O.OP_NOT:
      case O.OP_NEG:
        unary(e, load<u16>(e + O.E_OP), size);
        break;
      case O.OP_SHIFT:
        shift(e, size);
        break;
      case O.OP_SHLD:
      case O.OP_SHRD:
        doubleShift(e, size, load<u16>(e + O.E_OP) == O.OP_SHLD);
        break;
      case O.OP_MUL:
        mulWide(e, size, load<u8>(e + O.E_AUX) != 0);
        break;
      case O.OP_IMUL:
        imul(e, size);
        break;
      case O.OP_DIV:
        stop = !divide(e, size, load<u8>(e + O.E_AUX) != 0, pc);
        break;
      case O.OP_BT:
        bitTest(e, size);
        break;
      case O.OP_BITSCAN:
        bitScan(e, size);
        break;
      case O.OP_LEAVE: {
        const bp = reg(5);
        const v = rd(bp, 8);
        if (fKind != FAULT_NONE) break;
        setReg(RSP, bp + 8);
        setReg(5, v);
        break;
      }
      case O.OP_ENTER: {
        const bp = reg(5);
        push(bp, 8);
        if (fKind != FAULT_NONE) break;
        setReg(5, reg(RSP));
        setReg(RSP, reg(RSP) - load<u64>(e + O.E_IMM));
        break;
      }
      case O.OP_CBW: {
        const half = size >> 1;
        setR(0, signExtend(getR(0, half), half) & maskOf(size), size);
        break;
      }
      case O.OP_CWD:
        setR(2, (getR(0, size) >> <u64>((size << 3) - 1)) != 0 ? maskOf(size) : 0, size);
        break;
      case O.OP_STRING:
        if (!stringOp(e, size) && fKind == FAULT_NONE) {
          next = pc; // the rest of a rep runs as the next step
          n++;
          continue;
        }
        break;
      case O.OP_SERVICE:
        serviceStop(pc, <i64>load<u64>(e + O.E_IMM));
        stop = true;
        break;
      case O.OP_UD:
        raise(pc, FAULT_UNDEFINED, X86_UD, 0, 0, 0, pc);
        stop = true;
        break;
      case O.OP_INT3:
        raise(pc, FAULT_BREAKPOINT, X86_BP, 0, 0, 0, next);
        stop = true;
        break;
      case O.OP_HLT:
        stopOther(STOP_HALT, pc);
        pc = next;
        n++;
        stop = true;
        break;
      case O.OP_FLAGOP:
        flagOp(<u32>load<u8>(e + O.E_AUX));
        break;
      case O.OP_PUSHF:
        push(rflags(), 8);
        break;
      case O.OP_POPF: {
        const v = top(8);
        if (fKind != FAULT_NONE) break;
        setReg(RSP, reg(RSP) + 8);
        setRflags(v);
        break;
      }
      case O.OP_LAHF:
        setR(20, <u64>((arith() & 0xd5) | 2), 1);
        break;
      case O.OP_SAHF:
        setEfl((arith() & OF) | (<u32>getR(20, 1) & 0xd5));
        break;
      case O.OP_LOOP:
        if (loopTaken(e)) next = load<u64>(e + O.E_IMM);
        break;
      case O.OP_XLAT: {
        let a = reg(3) + getR(0, 1);
        if ((load<u8>(e + O.E_FLAGS) & O.F_ADDR32) != 0) a &= 0xffffffff;
        const v = rd(a + reg(load<u8>(e + O.E_SEG)), 1);
        if (fKind == FAULT_NONE) setR(0, v, 1);
        break;
      }
      default:
        break;
    }
    if (fKind != FAULT_NONE) {
      raiseMemory(pc, (load<u8>(e + O.E_FLAGS) & O.F_STACK) != 0 || stackFault(load<u16>(e + O.E_OP)));
      break;
    }
    if (stop) break;
    pc = next;
    n++;
  }
  setRip(pc);
  countInsns(n);
}

function loopTaken(e: usize): bool {
  const kind = load<u8>(e + O.E_AUX);
  const a32 = (load<u8>(e + O.E_FLAGS) & O.F_ADDR32) != 0;
  const cx = a32 ? getR(1, 4) : reg(1);
  if (kind == 3) return cx == 0;
  const left = cx - 1;
  if (a32) setR(1, left, 4);
  else setReg(1, left);
  const nz = (a32 ? left & 0xffffffff : left) != 0;
  if (kind == 2) return nz;
  const zf = (arith() & ZF) != 0;
  return nz && (kind == 1 ? zf : !zf);
}
