// A32 data processing: the sixteen ALU operations with an immediate (8 bits rotated right by an
// even amount) or a register shifted by an immediate or by a register, with S setting the flags
// (C from the shifter for the logical operations); MOVW/MOVT; the multiplies (MUL, MLA, MLS,
// UMULL, UMLAL, SMULL, SMLAL); CLZ; the extends (UXTB/H, SXTB/H and their add forms) and the
// bitfield operations (UBFX, SBFX, BFC, BFI). A source register r15 reads as the instruction's
// address + 8; writing r15 branches (ALUWritePC interworks on ARMv7).
import { r, setR, nzcv, setNzcv, addWithCarry, logicFlags, bxWritePc, named } from "./regs";
import { C_BIT, N_BIT, Z_BIT, V_BIT } from "../arm";

/** The shifter's carry out of the last operand2 (0 or 1). */
let shC: u32 = 0;

/** R[n] as an operand: r15 is the instruction's address + 8. */
// @ts-ignore: decorator
@inline export function rv(n: u32, at: u32): u32 {
  return n == 15 ? at + 8 : r(n);
}

function carryIn(): u32 {
  return (nzcv >> 29) & 1;
}

/** Shift_C(value, type, amount, carry_in) with the amount already decoded (0-255 for registers). */
export function shiftC(v: u32, type: u32, amount: u32, cin: u32): u32 {
  if (type == 3) {
    // ROR (amount > 0 here; RRX is decoded by the caller)
    const s = amount & 31;
    if (amount == 0) {
      shC = cin;
      return v;
    }
    const res = s == 0 ? v : rotr<u32>(v, s);
    shC = res >> 31;
    return res;
  }
  if (amount == 0) {
    shC = cin;
    return v;
  }
  if (type == 0) {
    if (amount < 32) {
      shC = (v >> (32 - amount)) & 1;
      return v << amount;
    }
    shC = amount == 32 ? v & 1 : 0;
    return 0;
  }
  if (type == 1) {
    if (amount < 32) {
      shC = (v >> (amount - 1)) & 1;
      return v >> amount;
    }
    shC = amount == 32 ? v >> 31 : 0;
    return 0;
  }
  // ASR
  if (amount < 32) {
    shC = (v >> (amount - 1)) & 1;
    return <u32>(<i32>v >> amount);
  }
  shC = v >> 31;
  return <u32>(<i32>v >> 31);
}

/** DecodeImmShift + Shift_C for an immediate shift of Rm (imm5 = 0: LSR/ASR #32, ROR is RRX). */
export function immShift(v: u32, type: u32, imm5: u32): u32 {
  const cin = carryIn();
  if (imm5 == 0) {
    if (type == 0) {
      shC = cin;
      return v;
    }
    if (type == 3) {
      shC = v & 1;
      return (cin << 31) | (v >> 1);
    }
    return shiftC(v, type, 32, cin);
  }
  return shiftC(v, type, imm5, cin);
}

/** The sixteen operations on (Rn, operand2); `s` sets flags. False when not done (reason named). */
function alu(insn: u32, at: u32, op2: u32, s: bool): bool {
  const opc = (insn >> 21) & 15;
  const rn = (insn >> 16) & 15;
  const rd = (insn >> 12) & 15;
  const a = rv(rn, at);
  const c = carryIn();
  let res: u32 = 0;
  let logical = false;
  let write = true;
  if (rd == 15 && s && opc < 8) return named("subs pc, lr (exception return)");
  if (rd == 15 && s && opc >= 12) return named("movs pc (exception return)");
  switch (opc) {
    case 0: res = a & op2; logical = true; break; // AND
    case 1: res = a ^ op2; logical = true; break; // EOR
    case 2: res = addWithCarry(a, ~op2, 1, s); break; // SUB
    case 3: res = addWithCarry(~a, op2, 1, s); break; // RSB
    case 4: res = addWithCarry(a, op2, 0, s); break; // ADD
    case 5: res = addWithCarry(a, op2, c, s); break; // ADC
    case 6: res = addWithCarry(a, ~op2, c, s); break; // SBC
    case 7: res = addWithCarry(~a, op2, c, s); break; // RSC
    case 8: res = a & op2; logical = true; write = false; break; // TST
    case 9: res = a ^ op2; logical = true; write = false; break; // TEQ
    case 10: addWithCarry(a, ~op2, 1, true); write = false; break; // CMP
    case 11: addWithCarry(a, op2, 0, true); write = false; break; // CMN
    case 12: res = a | op2; logical = true; break; // ORR
    case 13: res = op2; logical = true; break; // MOV (and the shifts)
    case 14: res = a & ~op2; logical = true; break; // BIC
    default: res = ~op2; logical = true; // MVN
  }
  if (logical && s) logicFlags(res, shC);
  if (!write) return true;
  if (rd == 15) return bxWritePc(res);
  setR(rd, res);
  return true;
}

/** Data processing with an immediate operand; also MOVW/MOVT. */
export function dpImmediate(insn: u32, at: u32): bool {
  const op = (insn >> 20) & 0x1f;
  if (op == 0x10 || op == 0x14) {
    // MOVW / MOVT
    const rd = (insn >> 12) & 15;
    if (rd == 15) return named(op == 0x10 ? "movw pc" : "movt pc");
    const imm16 = ((insn >> 4) & 0xf000) | (insn & 0xfff);
    setR(rd, op == 0x10 ? imm16 : (r(rd) & 0xffff) | (imm16 << 16));
    return true;
  }
  if (op == 0x12 || op == 0x16) {
    // MSR (immediate), and with no mask the hints: nop, yield, wfe, wfi, sev (0-4), dbg (0xf0-0xff)
    const h = insn & 0xff;
    if ((insn & 0x0fff0000) == 0x03200000 && (h <= 4 || (h & 0xf0) == 0xf0)) return true;
    return named("msr");
  }
  const s = ((insn >> 20) & 1) != 0;
  const rot = ((insn >> 8) & 15) << 1;
  const imm = rot == 0 ? insn & 0xff : rotr<u32>(insn & 0xff, rot);
  shC = rot == 0 ? carryIn() : imm >> 31;
  return alu(insn, at, imm, s);
}

/** Data processing with a register operand shifted by an immediate or (bit 4) by a register. */
export function dpRegister(insn: u32, at: u32): bool {
  const s = ((insn >> 20) & 1) != 0;
  const rm = insn & 15;
  const type = (insn >> 5) & 3;
  let op2: u32;
  if (((insn >> 4) & 1) == 0) op2 = immShift(rv(rm, at), type, (insn >> 7) & 31);
  else {
    const rs = (insn >> 8) & 15;
    const rn = (insn >> 16) & 15;
    const rd = (insn >> 12) & 15;
    if (rs == 15 || rm == 15 || rd == 15 || rn == 15) return named("register-shifted register with pc (UNPREDICTABLE)");
    op2 = shiftC(r(rm), type, r(rs) & 0xff, carryIn());
  }
  return alu(insn, at, op2, s);
}

/** MUL, MLA, MLS, UMULL, UMLAL, SMULL, SMLAL (bits 7:4 = 1001, bits 27:24 = 0000). */
export function multiply(insn: u32): bool {
  const op = (insn >> 20) & 15;
  const s = (op & 1) != 0;
  const rdHi = (insn >> 16) & 15; // Rd of the 32-bit forms
  const rdLo = (insn >> 12) & 15; // Ra of MLA/MLS
  const rm = (insn >> 8) & 15;
  const rn = insn & 15;
  if (rdHi == 15 || rm == 15 || rn == 15) return named("mul with pc (UNPREDICTABLE)");
  const kind = op >> 1;
  if (kind <= 1 || op == 6) {
    if (kind == 1 || op == 6) {
      if (rdLo == 15) return named("mla with pc (UNPREDICTABLE)");
    }
    let res = r(rn) * r(rm);
    if (kind == 1) res += r(rdLo);
    else if (op == 6) res = r(rdLo) - res;
    setR(rdHi, res);
    if (s && op != 6) setNzcv((res & N_BIT) | (res == 0 ? Z_BIT : 0) | (nzcv & (C_BIT | V_BIT)));
    return true;
  }
  if (kind < 4) return named(op == 4 ? "umaal" : "");
  if (rdLo == 15 || rdLo == rdHi) return named("long multiply with pc or RdHi == RdLo (UNPREDICTABLE)");
  // kind 4 UMULL, 5 UMLAL, 6 SMULL, 7 SMLAL
  const signed = kind >= 6;
  let res: u64 = signed ? <u64>(<i64>(<i32>r(rn)) * <i64>(<i32>r(rm))) : <u64>r(rn) * <u64>r(rm);
  if ((kind & 1) != 0) res += (<u64>r(rdHi) << 32) | <u64>r(rdLo);
  setR(rdLo, <u32>res);
  setR(rdHi, <u32>(res >> 32));
  if (s) setNzcv((<u32>(res >> 32) & N_BIT) | (res == 0 ? Z_BIT : 0) | (nzcv & (C_BIT | V_BIT)));
  return true;
}

/** CLZ (the one miscellaneous data-processing instruction here). */
export function clzInsn(insn: u32): bool {
  const rd = (insn >> 12) & 15;
  const rm = insn & 15;
  if (rd == 15 || rm == 15) return named("clz with pc (UNPREDICTABLE)");
  setR(rd, clz<u32>(r(rm)));
  return true;
}

/** Media instructions (bits 27:25 = 011, bit 4 = 1): extends, bitfields; false otherwise. */
export function media(insn: u32): bool {
  const rd = (insn >> 12) & 15;
  const rn = (insn >> 16) & 15;
  const rm = insn & 15;
  const op1 = (insn >> 20) & 0x1f;
  const op2 = (insn >> 5) & 7;
  if ((op1 & 0x18) == 0x08 && op2 == 3 && ((insn >> 8) & 3) == 0) {
    // SXTB/SXTH/UXTB/UXTH (Rn = 15) and SXTAB/SXTAH/UXTAB/UXTAH: Rm rotated right by 0/8/16/24
    const u = (op1 & 4) != 0;
    const low = op1 & 3;
    if (low == 0 || rd == 15 || rm == 15) return named(low == 0 ? (u ? "uxtb16" : "sxtb16") : "extend with pc (UNPREDICTABLE)");
    const v = rotr<u32>(r(rm), ((insn >> 10) & 3) << 3);
    let e: u32;
    if (low == 2) e = u ? v & 0xff : <u32>(<i32>(<i8>v));
    else e = u ? v & 0xffff : <u32>(<i32>(<i16>v));
    setR(rd, rn == 15 ? e : r(rn) + e);
    return true;
  }
  if ((op1 & 0x1e) == 0x1a || (op1 & 0x1e) == 0x1e) {
    if ((op2 & 3) != 2) return false;
    // SBFX (11010) / UBFX (11110): lsb = bits 11:7, widthminus1 = bits 20:16
    const lsb = (insn >> 7) & 31;
    const w1 = (insn >> 16) & 31;
    if (rd == 15 || rm == 15 || lsb + w1 > 31) return named("bitfield extract with pc or past bit 31 (UNPREDICTABLE)");
    const width = w1 + 1;
    const v = r(rm) >> lsb;
    const mask: u32 = width == 32 ? 0xffffffff : (<u32>1 << width) - 1;
    if ((op1 & 4) != 0) setR(rd, v & mask);
    else setR(rd, <u32>((<i32>((v & mask) << (32 - width))) >> (32 - width)));
    return true;
  }
  if ((op1 & 0x1e) == 0x1c && (op2 & 3) == 0) {
    // BFC (Rn = 15) / BFI: lsb bits 11:7, msb bits 20:16
    const lsb = (insn >> 7) & 31;
    const msb = (insn >> 16) & 31;
    if (rd == 15 || msb < lsb) return named("bitfield insert with pc or msb < lsb (UNPREDICTABLE)");
    const width = msb - lsb + 1;
    const mask: u32 = (width == 32 ? 0xffffffff : (<u32>1 << width) - 1) << lsb;
    const src = rm == 15 ? 0 : r(rm) << lsb;
    setR(rd, (r(rd) & ~mask) | (src & mask));
    return true;
  }
  return false;
}
