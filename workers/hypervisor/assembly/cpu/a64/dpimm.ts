// A64 data processing (immediate): adr/adrp, add/sub, logical, move wide, bitfield, extract.
// Each returns false for an encoding it does not implement (the caller reports it).
import { x, setX, xsp, setXsp, addWithCarry, logicFlags } from "./regs";
import { decodeBitMasks, wmask, tmask, rorN, ones, field } from "./bits";

export function dataProcessingImm(insn: u32, pc: u64): bool {
  const op1 = field(insn, 23, 3);
  const rd = insn & 31;
  const rn = field(insn, 5, 5);
  const sf = (insn >> 31) != 0;
  if (op1 <= 1) {
    // adr / adrp
    const imm = (field(insn, 5, 19) << 2) | field(insn, 29, 2);
    const off = <u64>(<i64>(<i32>(imm << 11)) >> 11);
    if (sf) setX(rd, (pc & ~(<u64>0xfff)) + (off << 12));
    else setX(rd, pc + off);
    return true;
  }
  if (op1 == 2) {
    // add/sub (immediate), optionally shifted by 12
    let imm = <u64>field(insn, 10, 12);
    if ((insn >> 22) & 1) imm <<= 12;
    const sub = ((insn >> 30) & 1) != 0;
    const s = ((insn >> 29) & 1) != 0;
    const a = xsp(rn);
    const r = addWithCarry(a, sub ? ~imm : imm, sub ? 1 : 0, sf, s);
    const v = sf ? r : r & 0xffffffff;
    if (s) setX(rd, v);
    else setXsp(rd, v);
    return true;
  }
  if (op1 == 4) {
    // and/orr/eor/ands (immediate)
    const n = (insn >> 22) & 1;
    if (!sf && n != 0) return false;
    if (!decodeBitMasks(n, field(insn, 10, 6), field(insn, 16, 6), true, sf ? 64 : 32)) return false;
    const imm = wmask;
    const opc = field(insn, 29, 2);
    const a = x(rn);
    let r = opc == 0 || opc == 3 ? a & imm : opc == 1 ? a | imm : a ^ imm;
    if (!sf) r &= 0xffffffff;
    if (opc == 3) {
      logicFlags(r, sf);
      setX(rd, r);
    } else setXsp(rd, r);
    return true;
  }
  if (op1 == 5) {
    // movn/movz/movk
    const opc = field(insn, 29, 2);
    const hw = field(insn, 21, 2);
    if (opc == 1 || (!sf && hw >= 2)) return false;
    const shift = <u64>(hw << 4);
    const imm = <u64>field(insn, 5, 16) << shift;
    let r: u64;
    if (opc == 0) r = ~imm;
    else if (opc == 2) r = imm;
    else r = (x(rd) & ~(<u64>0xffff << shift)) | imm;
    setX(rd, sf ? r : r & 0xffffffff);
    return true;
  }
  if (op1 == 6) return bitfield(insn, sf, rd, rn);
  if (op1 == 7) {
    // extr (ror immediate is extr with Rn == Rm)
    const n = (insn >> 22) & 1;
    const lsb = <u64>field(insn, 10, 6);
    if (field(insn, 29, 2) != 0 || ((insn >> 21) & 1) != 0 || (sf ? n != 1 : n != 0 || lsb >= 32)) return false;
    const width: u64 = sf ? 64 : 32;
    const low = x(field(insn, 16, 5)) & ones(width);
    const high = x(rn) & ones(width);
    // bits [lsb, lsb+width) of the concatenation Rn:Rm
    const r = lsb == 0 ? low : (low >> lsb) | (high << (width - lsb));
    setX(rd, r & ones(width));
    return true;
  }
  return false;
}

/** sbfm/bfm/ubfm and their aliases (asr, lsl, lsr, sxtb, uxth, bfi, bfxil, sbfx, ubfx...). */
function bitfield(insn: u32, sf: bool, rd: u32, rn: u32): bool {
  const opc = field(insn, 29, 2);
  const n = (insn >> 22) & 1;
  if (opc == 3 || (sf ? n != 1 : n != 0)) return false;
  const immr = field(insn, 16, 6);
  const imms = field(insn, 10, 6);
  const datasize: u32 = sf ? 64 : 32;
  if (!sf && (immr >= 32 || imms >= 32)) return false;
  if (!decodeBitMasks(n, imms, immr, false, datasize)) return false;
  const width = <u64>datasize;
  const mask = ones(width);
  const src = x(rn) & mask;
  const rot = rorN(src, <u64>immr, width);
  let r: u64;
  if (opc == 1) {
    const dst = x(rd) & mask;
    const bot = (dst & ~wmask) | (rot & wmask);
    r = (dst & ~tmask) | (bot & tmask);
  } else if (opc == 0) {
    const bot = rot & wmask;
    const top = ((src >> <u64>imms) & 1) != 0 ? mask : 0;
    r = (top & ~tmask) | (bot & tmask);
  } else r = rot & wmask & tmask;
  setX(rd, r & mask);
  return true;
}
