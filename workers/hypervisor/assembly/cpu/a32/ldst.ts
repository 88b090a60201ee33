// A32 loads and stores: LDR/STR/LDRB/STRB (immediate 12-bit or register shifted by an immediate),
// LDRH/STRH/LDRSB/LDRSH/LDRD/STRD (immediate 8-bit or register), each with offset, pre-index or
// post-index addressing and writeback; LDM/STM in the four modes (PUSH/POP are STMDB/LDMIA on
// sp). Every address is checked for alignment first (Xen's HSCTLR.A), then every access is made;
// registers change only when all of them succeeded. A base or stored r15 reads as the
// instruction's address + 8; a loaded r15 branches (LoadWritePC interworks). The unprivileged
// forms (LDRT...), exclusives and the UNPREDICTABLE combinations stop as unsupported.
import { r, setR, bxWritePc, named } from "./regs";
import { rv, immShift } from "./dp";
import { aligned } from "./faults";
import { rd, wr, canWrite, fKind } from "../mmu";
import { FAULT_NONE } from "../consts";

function sext32(v: u32, bits: u32): u32 {
  const s = 32 - bits;
  return <u32>((<i32>(v << s)) >> s);
}

/** Completes a load of `v` into `rt`, with the base written back first when asked. */
function finishLoad(rt: u32, v: u32, rn: u32, wback: bool, newBase: u32): bool {
  if (wback) setR(rn, newBase);
  if (rt == 15) return bxWritePc(v);
  setR(rt, v);
  return true;
}

/** LDR/STR/LDRB/STRB (bits 27:26 = 01; bit 25 selects the register offset). */
export function ldstWordByte(insn: u32, at: u32): bool {
  const p = (insn >> 24) & 1;
  const u = (insn >> 23) & 1;
  const byte = ((insn >> 22) & 1) != 0;
  const w = (insn >> 21) & 1;
  const load = ((insn >> 20) & 1) != 0;
  const rn = (insn >> 16) & 15;
  const rt = (insn >> 12) & 15;
  if (p == 0 && w == 1) return named(load ? (byte ? "ldrbt" : "ldrt") : byte ? "strbt" : "strt");
  const wback = p == 0 || w == 1;
  let off: u32;
  if (((insn >> 25) & 1) != 0) {
    const rm = insn & 15;
    if (rm == 15) return named("register offset pc (UNPREDICTABLE)");
    off = immShift(r(rm), (insn >> 5) & 3, (insn >> 7) & 31);
  } else off = insn & 0xfff;
  if (wback && (rn == 15 || rn == rt)) return named("writeback with rn == pc or rn == rt (UNPREDICTABLE)");
  if (byte && rt == 15) return named("ldrb/strb with pc (UNPREDICTABLE)");
  const base = rv(rn, at);
  const offAddr = u != 0 ? base + off : base - off;
  const addr = p != 0 ? offAddr : base;
  const size: u32 = byte ? 1 : 4;
  if (!aligned(addr, size, !load)) return true;
  if (load) {
    const v = <u32>rd(<u64>addr, <i32>size);
    if (fKind != FAULT_NONE) return true;
    return finishLoad(rt, v, rn, wback, offAddr);
  }
  wr(<u64>addr, <u64>rv(rt, at), <i32>size);
  if (fKind != FAULT_NONE) return true;
  if (wback) setR(rn, offAddr);
  return true;
}

/**
 * The extra loads and stores (bits 27:25 = 000, bit 7 = 1, bit 4 = 1, bits 6:5 != 00): STRH,
 * LDRH, LDRD, LDRSB, STRD, LDRSH.
 */
export function ldstExtra(insn: u32, at: u32): bool {
  const p = (insn >> 24) & 1;
  const u = (insn >> 23) & 1;
  const immForm = ((insn >> 22) & 1) != 0;
  const w = (insn >> 21) & 1;
  const l = (insn >> 20) & 1;
  const rn = (insn >> 16) & 15;
  const rt = (insn >> 12) & 15;
  const op2 = (insn >> 5) & 3;
  const dual = l == 0 && op2 != 1;
  const names = l != 0 ? ["", "ldrh", "ldrsb", "ldrsh"] : ["", "strh", "ldrd", "strd"];
  const name = names[op2];
  if (p == 0 && w == 1) return named(name + "t");
  const wback = p == 0 || w == 1;
  let off: u32;
  if (immForm) off = ((insn >> 4) & 0xf0) | (insn & 15);
  else {
    const rm = insn & 15;
    if (rm == 15) return named(name + " with pc offset (UNPREDICTABLE)");
    off = r(rm);
  }
  if (rt == 15 || (dual && ((rt & 1) != 0 || rt == 14))) return named(name + " with pc or an odd/r14 first register (UNPREDICTABLE)");
  if (wback && (rn == 15 || rn == rt || (dual && rn == rt + 1))) return named(name + " writeback with rn == pc or rn == rt (UNPREDICTABLE)");
  const base = rv(rn, at);
  const offAddr = u != 0 ? base + off : base - off;
  const addr = p != 0 ? offAddr : base;
  if (dual) {
    if (!aligned(addr, 4, op2 == 3)) return true;
    if (op2 == 2) {
      const lo = <u32>rd(<u64>addr, 4);
      const hi = <u32>rd(<u64>addr + 4, 4);
      if (fKind != FAULT_NONE) return true;
      if (wback) setR(rn, offAddr);
      setR(rt, lo);
      setR(rt + 1, hi);
      return true;
    }
    if (!canWrite(<u64>addr, 8)) {
      wr(<u64>addr, <u64>r(rt), 4);
      wr(<u64>addr + 4, <u64>r(rt + 1), 4);
      return true;
    }
    wr(<u64>addr, <u64>r(rt), 4);
    wr(<u64>addr + 4, <u64>r(rt + 1), 4);
    if (wback) setR(rn, offAddr);
    return true;
  }
  const size: u32 = op2 == 2 ? 1 : 2;
  if (!aligned(addr, size, l == 0)) return true;
  if (l == 0) {
    wr(<u64>addr, <u64>r(rt), 2);
    if (fKind != FAULT_NONE) return true;
    if (wback) setR(rn, offAddr);
    return true;
  }
  let v = <u32>rd(<u64>addr, <i32>size);
  if (fKind != FAULT_NONE) return true;
  if (op2 == 2) v = sext32(v, 8);
  else if (op2 == 3) v = sext32(v, 16);
  if (wback) setR(rn, offAddr);
  setR(rt, v);
  return true;
}

/** LDM/STM (bits 27:25 = 100): IA, IB, DA, DB, with writeback; PUSH and POP. */
export function ldstMultiple(insn: u32, at: u32): bool {
  const p = (insn >> 24) & 1;
  const u = (insn >> 23) & 1;
  const s = (insn >> 22) & 1;
  const w = (insn >> 21) & 1;
  const load = ((insn >> 20) & 1) != 0;
  const rn = (insn >> 16) & 15;
  const list = insn & 0xffff;
  if (s != 0) return named(load ? "ldm (user registers / exception return)" : "stm (user registers)");
  const n = <u32>popcnt<u32>(list);
  if (rn == 15 || n == 0) return named("ldm/stm with pc base or an empty list (UNPREDICTABLE)");
  if (w != 0 && ((list >> rn) & 1) != 0) {
    // STM stores the original base when it is the lowest register listed; every other case is UNPREDICTABLE / UNKNOWN
    if (load || (list & ((<u32>1 << rn) - 1)) != 0) return named((load ? "ldm" : "stm") + " writeback with the base in the list (UNPREDICTABLE)");
  }
  const base = r(rn);
  const bytes = n << 2;
  let start: u32;
  if (u != 0) start = p != 0 ? base + 4 : base;
  else start = p != 0 ? base - bytes : base - bytes + 4;
  const newBase = u != 0 ? base + bytes : base - bytes;
  if (!aligned(start, 4, !load)) return true;
  if (load) {
    const vals = new StaticArray<u32>(16);
    let a = start;
    for (let i: u32 = 0; i < 16; i++) {
      if (((list >> i) & 1) == 0) continue;
      unchecked((vals[i] = <u32>rd(<u64>a, 4)));
      a += 4;
    }
    if (fKind != FAULT_NONE) return true;
    if (w != 0) setR(rn, newBase);
    for (let i: u32 = 0; i < 15; i++) if (((list >> i) & 1) != 0) setR(i, unchecked(vals[i]));
    if (((list >> 15) & 1) != 0) return bxWritePc(unchecked(vals[15]));
    return true;
  }
  if (!canWrite(<u64>start, <i32>bytes)) {
    // record the fault at the first word that cannot be written; nothing is stored
    let a = start;
    for (let i: u32 = 0; i < n; i++, a += 4) {
      if (!canWrite(<u64>a, 4)) {
        wr(<u64>a, 0, 4);
        break;
      }
    }
    return true;
  }
  let a = start;
  for (let i: u32 = 0; i < 16; i++) {
    if (((list >> i) & 1) == 0) continue;
    wr(<u64>a, <u64>rv(i, at), 4);
    a += 4;
  }
  if (w != 0) setR(rn, newBase);
  return true;
}
