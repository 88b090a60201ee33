// A64 loads and stores of general registers: unsigned offset, unscaled (ldur/stur), pre/post
// index, register offset (extend/shift), literal, pairs (ldp/stp/ldpsw/ldnp/stnp), exclusives and
// acquire/release (one simulated CPU: the monitor only checks the address), prfm as a no-op.
// Registers change only when every access succeeded. Returns false for what is not implemented;
// a fault is left in the MMU record.
import { x, setX, xsp, setXsp, exclusiveOpen, exclusiveAddr, setExclusive } from "./regs";
import { rd, wr, canWrite, fKind } from "../mmu";
import { FAULT_NONE } from "../consts";
import { field, sext } from "./bits";

/** Why the last false return happened, for naming: "" when it is plainly not implemented. */
export let ldstName: string = "";

function unsupported(name: string): bool {
  ldstName = name;
  return false;
}

export function loadStore(insn: u32, pc: u64): bool {
  ldstName = "";
  const vector = ((insn >> 26) & 1) != 0;
  if ((insn & 0x3f000000) == 0x08000000) return vector ? false : exclusive(insn);
  if ((insn & 0x3b000000) == 0x18000000) {
    if (vector) return unsupported("ldr");
    return literal(insn, pc);
  }
  if ((insn & 0x3a000000) == 0x28000000) {
    if (vector) return unsupported(((insn >> 22) & 1) != 0 ? "ldp" : "stp");
    return pair(insn);
  }
  if ((insn & 0x3a000000) == 0x38000000) {
    if (vector) return unsupported(((insn >> 22) & 3) == 0 ? "str" : "ldr");
    return single(insn);
  }
  return false;
}

function literal(insn: u32, pc: u64): bool {
  const opc = insn >> 30;
  const addr = pc + sext(<u64>field(insn, 5, 19) << 2, 21);
  const rt = insn & 31;
  if (opc == 3) return true; // prfm (literal)
  const v = rd(addr, opc == 0 ? 4 : opc == 1 ? 8 : 4);
  if (fKind != FAULT_NONE) return true;
  setX(rt, opc == 2 ? sext(v, 32) : v);
  return true;
}

/** The load/store of one register; `size` 0-3 (bytes 1<<size), `opc` as encoded. */
function access(size: u32, opc: u32, rt: u32, addr: u64): bool {
  const bytes = 1 << size;
  if (opc == 0) {
    wr(addr, x(rt), bytes);
    return true;
  }
  if (opc == 2 && size == 3) return true; // prfm
  if (opc == 3 && size >= 2) return false;
  const v = rd(addr, bytes);
  if (fKind != FAULT_NONE) return true;
  if (opc == 1) setX(rt, v);
  else if (opc == 2) setX(rt, sext(v, <u64>(bytes << 3)));
  else setX(rt, sext(v, <u64>(bytes << 3)) & 0xffffffff);
  return true;
}

function single(insn: u32): bool {
  const size = insn >> 30;
  const opc = field(insn, 22, 2);
  const rt = insn & 31;
  const rn = field(insn, 5, 5);
  const base = xsp(rn);
  if (opc == 3 && size >= 2) return false;
  if (((insn >> 24) & 1) != 0) {
    // unsigned offset, scaled by the access size
    return access(size, opc, rt, base + (<u64>field(insn, 10, 12) << size));
  }
  if (((insn >> 21) & 1) == 0) {
    const imm = sext(<u64>field(insn, 12, 9), 9);
    const mode = field(insn, 10, 2);
    if (mode != 0 && opc == 2 && size == 3) return false; // prfm exists unscaled only
    if (mode == 0 || mode == 2) return access(size, opc, rt, base + imm); // ldur/stur, ldtr/sttr
    // post-index (1) or pre-index (3), with writeback
    if (rn == rt && rn != 31 && !(opc == 2 && size == 3)) return unsupported(opc == 0 ? "str" : "ldr");
    const addr = mode == 3 ? base + imm : base;
    const ok = access(size, opc, rt, addr);
    if (ok && fKind == FAULT_NONE) setXsp(rn, base + imm);
    return ok;
  }
  if (field(insn, 10, 2) == 2) {
    // register offset
    const option = field(insn, 13, 3);
    if ((option & 2) == 0) return false;
    let off = x(field(insn, 16, 5));
    if (option == 2) off &= 0xffffffff;
    else if (option == 6) off = sext(off, 32);
    if (((insn >> 12) & 1) != 0) off <<= size;
    return access(size, opc, rt, base + off);
  }
  if (field(insn, 10, 2) == 0) return unsupported(atomicName(insn));
  return false;
}

function atomicName(insn: u32): string {
  const o3 = (insn >> 15) & 1;
  const opc = field(insn, 12, 3);
  if (o3 == 1) return opc == 0 ? "swp" : opc == 4 ? "ldapr" : "";
  const names = ["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin"];
  return names[opc];
}

function pair(insn: u32): bool {
  const opc = insn >> 30;
  const load = ((insn >> 22) & 1) != 0;
  const mode = field(insn, 23, 2); // 0 no-allocate, 1 post, 2 offset, 3 pre
  if (opc == 3 || (opc == 1 && !load)) return false;
  const size: u32 = opc == 2 ? 8 : 4;
  const rt = insn & 31;
  const rt2 = field(insn, 10, 5);
  const rn = field(insn, 5, 5);
  const off = sext(<u64>field(insn, 15, 7), 7) * <u64>size;
  const base = xsp(rn);
  const wb = mode == 1 || mode == 3;
  if (wb && rn != 31 && (rn == rt || rn == rt2)) return unsupported(load ? "ldp" : "stp");
  if (load && rt == rt2) return unsupported(opc == 1 ? "ldpsw" : "ldp");
  const addr = mode == 1 ? base : base + off;
  if (load) {
    const a = rd(addr, size);
    const b = rd(addr + <u64>size, size);
    if (fKind != FAULT_NONE) return true;
    setX(rt, opc == 1 ? sext(a, 32) : a);
    setX(rt2, opc == 1 ? sext(b, 32) : b);
  } else {
    if (!canWrite(addr, size * 2)) return true;
    wr(addr, x(rt), size);
    wr(addr + <u64>size, x(rt2), size);
  }
  if (wb) setXsp(rn, base + off);
  return true;
}

/** ldxr/stxr/ldaxr/stlxr, ldxp/stxp, ldar/stlr, ldlar/stllr. */
function exclusive(insn: u32): bool {
  const size = insn >> 30;
  const o2 = (insn >> 23) & 1;
  const load = ((insn >> 22) & 1) != 0;
  const o1 = (insn >> 21) & 1;
  const rs = field(insn, 16, 5);
  const rt2 = field(insn, 10, 5);
  const rn = field(insn, 5, 5);
  const rt = insn & 31;
  const bytes = 1 << size;
  const addr = xsp(rn);
  if (o2 == 1) {
    if (o1 == 1) return unsupported("cas");
    // load-acquire / store-release: ordinary accesses on one CPU
    if (load) {
      const v = rd(addr, bytes);
      if (fKind == FAULT_NONE) setX(rt, v);
    } else wr(addr, x(rt), bytes);
    return true;
  }
  if (o1 == 1 && size < 2) return unsupported("casp");
  const pairBytes = o1 == 1 ? bytes * 2 : bytes;
  if (load) {
    const a = rd(addr, bytes);
    const b = o1 == 1 ? rd(addr + <u64>bytes, bytes) : 0;
    if (fKind != FAULT_NONE) return true;
    setX(rt, a);
    if (o1 == 1) setX(rt2, b);
    setExclusive(true, addr);
    return true;
  }
  if (rs == rt || rs == rn || (o1 == 1 && rs == rt2)) return unsupported(o1 == 1 ? "stxp" : "stxr");
  if (exclusiveOpen && exclusiveAddr == addr) {
    if (!canWrite(addr, pairBytes)) return true;
    wr(addr, x(rt), bytes);
    if (o1 == 1) wr(addr + <u64>bytes, x(rt2), bytes);
    setX(rs, 0);
  } else setX(rs, 1);
  setExclusive(false, 0);
  return true;
}
