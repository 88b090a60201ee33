// The one-byte opcode map (the 0F map is in decode0f.ts).
import * as O from "./ops";
import { nb, nb16, nb32, ns8, ns32 } from "./fetch";
import { maskOf } from "./regs";
import {
  rex,
  osz16,
  asz32,
  memOp,
  opSize,
  stackSize,
  byteReg,
  modrm,
  setOp,
  setAux,
  setAux2,
  setImm,
  setRm,
  setRegField,
  setMemOp,
  setDisp,
  setImm2,
  setLockable,
  immOf,
  relTarget,
  undefinedOp,
  peek8,
} from "./decode";
import { stopUnsupportedAfter, stopUnsupportedOpcode, ccName, MAP_1, MAP_XOP } from "./names";

/** The one-byte opcode map. */
/** jcc with its displacement just read (rel8 here, rel32 in the 0F map). */
export function condJump(cc: u32, rel: u64): bool {
  setOp(O.OP_JCC, 8);
  setAux(cc);
  setImm(relTarget(rel));
  return !osz16 || stopUnsupportedAfter("j" + ccName(cc));
}

export function decode1(b: u32): bool {
  const size = opSize();
  if (b < 0x40 && (b & 7) < 6) {
    // add/or/adc/sbb/and/sub/xor/cmp in their six forms
    const kind = b >> 3;
    const form = b & 7;
    const sz = (form & 1) == 0 ? 1 : size;
    setAux(kind);
    setLockable(kind != O.ALU_CMP);
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
  if (b >= 0x70 && b < 0x80) return condJump(b & 0xf, ns8());
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
      setLockable(kind != O.ALU_CMP);
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
      setLockable(true);
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
      setMemOp(true);
      setDisp(asz32 ? nb32() : nb32() | (nb32() << 32));
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
      setImm2(<u64>level);
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
      setMemOp(true);
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
        setLockable(true);
      } else if (r == 3) {
        setOp(O.OP_NEG, sz);
        setLockable(true);
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
        setLockable(true);
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
