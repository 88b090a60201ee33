// The two-byte (0F) opcode map.
import * as O from "./ops";
import { nb, ns32 } from "./fetch";
import {
  rex,
  osz16,
  repPrefix,
  opSize,
  modrm,
  setOp,
  setAux,
  setAux2,
  setImm,
  setRm,
  undefinedOp,
  peek8,
  setLockable,
  memOp,
} from "./decode";
import { stopUnsupportedAfter, stopUnsupportedOpcode, MAP_0F } from "./names";
import { condJump } from "./decode1";

export function decode0f(): bool {
  const b = nb();
  const size = opSize();
  if (b >= 0x40 && b < 0x50) {
    modrm(false);
    setOp(O.OP_CMOVCC, size);
    setAux(b & 0xf);
    return true;
  }
  if (b >= 0x80 && b < 0x90) return condJump(b & 0xf, ns32());
  if (b >= 0x90 && b < 0xa0) {
    modrm(true);
    setOp(O.OP_SETCC, 1);
    setAux(b & 0xf);
    return true;
  }
  if (b >= 0xc8 && b < 0xd0) {
    setOp(O.OP_BSWAP, size);
    setRm(<u8>((b & 7) | ((rex & 1) << 3)));
    return !osz16 || stopUnsupportedAfter("bswap");
  }
  if ((b >= 0x18 && b < 0x20) || b == 0x0d) {
    // prefetch hints, the reserved-NOP space (0f 1f /0 is NOP), endbr64/endbr32 (f3 0f 1e fa/fb)
    modrm(false);
    setOp(O.OP_NOP, 0);
    return true;
  }
  switch (b) {
    case 0x01: {
      const m = peek8();
      if (m == 0xca || m == 0xcb) {
        nb();
        setOp(O.OP_FLAGOP, 0);
        setAux(m == 0xca ? 7 : 8);
        return true;
      }
      break;
    }
    case 0x0b:
      undefinedOp();
      return true;
    case 0xb9:
    case 0xff:
      modrm(false);
      undefinedOp();
      return true;
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xbb: {
      modrm(false);
      setOp(O.OP_BT, size);
      setAux(b == 0xa3 ? 0 : b == 0xab ? 1 : b == 0xb3 ? 2 : 3);
      setLockable(b != 0xa3);
      return true;
    }
    case 0xba: {
      const r = modrm(false) & 7;
      setOp(O.OP_BT, size);
      setImm(<u64>nb());
      setAux2(1);
      if (r < 4) undefinedOp();
      else {
        setAux(r - 4);
        setLockable(r != 4);
      }
      return true;
    }
    case 0xa4:
    case 0xa5:
    case 0xac:
    case 0xad: {
      modrm(false);
      setOp(b < 0xa8 ? O.OP_SHLD : O.OP_SHRD, size);
      if ((b & 1) != 0) setAux2(1);
      else setImm(<u64>nb());
      return true;
    }
    case 0xaf:
      modrm(false);
      setOp(O.OP_IMUL, size);
      return true;
    case 0xc3: {
      // movnti: a store with a non-temporal hint (memory destination only)
      if (repPrefix != 0 || osz16) break;
      modrm(false);
      setOp(O.OP_MOV_EG, size);
      if (!memOp) undefinedOp();
      return true;
    }
    case 0xb0:
    case 0xb1:
    case 0xc0:
    case 0xc1: {
      const sz = (b & 1) == 0 ? 1 : size;
      modrm(sz == 1);
      setOp(b < 0xc0 ? O.OP_CMPXCHG : O.OP_XADD, sz);
      setLockable(true);
      return true;
    }
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf: {
      const src = (b & 1) == 0 ? 1 : 2;
      modrm(src == 1);
      setOp(b < 0xb8 ? O.OP_MOVZX : O.OP_MOVSX, size);
      setAux(src);
      return true;
    }
    case 0xb8:
    case 0xbc:
    case 0xbd: {
      if (b == 0xb8 && repPrefix != 0xf3) break;
      modrm(false);
      setOp(O.OP_BITSCAN, size);
      const counted = repPrefix == 0xf3;
      setAux(b == 0xb8 ? 4 : b == 0xbc ? (counted ? 2 : 0) : counted ? 3 : 1);
      return true;
    }
    case 0xae: {
      const m = peek8();
      if (m >= 0xe8 && repPrefix == 0 && !osz16) {
        // lfence, mfence, sfence: ordering only, nothing to do on one simulated CPU
        modrm(false);
        setOp(O.OP_NOP, 0);
        return true;
      }
      break;
    }
    default:
      break;
  }
  return stopUnsupportedOpcode(MAP_0F, b);
}

