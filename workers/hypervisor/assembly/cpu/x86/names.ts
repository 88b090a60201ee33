// Instructions this interpreter does not implement: find their full length (ModRM, SIB,
// displacement, immediate, VEX/EVEX/XOP payloads) so the stop shows the exact bytes, and name the
// ones whose encoding names them without doubt (system, I/O, far control transfer). Anything
// else keeps an empty mnemonic: the bytes speak for themselves, and a wrong name would mislead.
import { nb, pos, windowBytes } from "./fetch";
import { rex, osz16, repPrefix, modrm, modrmByte, peek8, decodingAt } from "./decode";
import { stopUnsupported } from "../state";

export const MAP_1: i32 = 1;
export const MAP_0F: i32 = 2;
export const MAP_XOP: i32 = 3;

const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

export function ccName(cc: u32): string {
  return CC[cc & 15];
}

/** Stops the run at an instruction already decoded to its end. Returns false (the decode result). */
export function stopUnsupportedAfter(name: string): bool {
  stopUnsupported(decodingAt(), windowBytes(pos), name);
  return false;
}

/** Stops the run at an unimplemented opcode `op` of `map`, whose opcode byte was just read. */
export function stopUnsupportedOpcode(map: i32, op: u32): bool {
  let name = "";
  if (map == MAP_1) name = skip1(op);
  else if (map == MAP_0F) name = skip0f(op);
  else skipVex(3);
  return stopUnsupportedAfter(name);
}

function skipImm(bytes: i32): void {
  for (let i = 0; i < bytes; i++) nb();
}

/** Immediate size of operand-size-dependent immediates (16 or 32 bits). */
function immz(): i32 {
  return osz16 ? 2 : 4;
}

/** Skips the rest of a one-byte-map instruction; returns its name when certain. */
function skip1(op: u32): string {
  switch (op) {
    case 0x6c:
      return "insb";
    case 0x6d:
      return osz16 ? "insw" : "insd";
    case 0x6e:
      return "outsb";
    case 0x6f:
      return osz16 ? "outsw" : "outsd";
    case 0x8c:
    case 0x8e:
      modrm(false);
      return "mov";
    case 0x9b:
      return "fwait";
    case 0xc4:
      return skipVex(2);
    case 0xc5:
      return skipVex(1);
    case 0x62:
      return skipVex(4);
    case 0xc6:
    case 0xc7: {
      modrm(false);
      if (op == 0xc6) {
        skipImm(1);
        return "xabort";
      }
      skipImm(immz());
      return "xbegin";
    }
    case 0xca:
      skipImm(2);
      return "lret";
    case 0xcb:
      return "lret";
    case 0xcd:
      skipImm(1);
      return "int";
    case 0xcf:
      return (rex & 8) != 0 ? "iretq" : osz16 ? "iretw" : "iretd";
    case 0xe4:
    case 0xe5:
      skipImm(1);
      return "in";
    case 0xe6:
    case 0xe7:
      skipImm(1);
      return "out";
    case 0xec:
    case 0xed:
      return "in";
    case 0xee:
    case 0xef:
      return "out";
    case 0xf1:
      return "int1";
    case 0xff: {
      const r = (modrm(false) & 7);
      return r == 3 ? "lcall" : r == 5 ? "ljmp" : "";
    }
    default:
      break;
  }
  if (op >= 0xd8 && op <= 0xdf) modrm(false); // x87
  return "";
}

/** Skips a VEX (payload 1 or 2 bytes), EVEX (3) or XOP (`payload` 3 with 8f) instruction. */
function skipVex(payload: i32): string {
  let map: u32 = 1;
  if (payload == 1) nb();
  else {
    map = nb() & (payload == 4 ? 3 : 0x1f);
    nb();
    if (payload == 4) nb();
  }
  const opcode = nb();
  modrm(false);
  if (payload == 3) {
    // XOP: map 8 takes an 8-bit immediate, map 10 a 32-bit one
    if (map == 8) skipImm(1);
    else if (map == 10) skipImm(4);
    return "";
  }
  if (map == 3 || (map == 1 && ((opcode >= 0x70 && opcode <= 0x73) || opcode == 0xc2 || (opcode >= 0xc4 && opcode <= 0xc6)))) skipImm(1);
  return "";
}

const NAMES_0F_01_REG3 = new Map<u32, string>();

function group7Names(): Map<u32, string> {
  if (NAMES_0F_01_REG3.size == 0) {
    const codes: u32[] = [0xc1, 0xc2, 0xc3, 0xc4, 0xc8, 0xc9, 0xd0, 0xd1, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xee, 0xef, 0xf8, 0xf9];
    const names = ["vmcall", "vmlaunch", "vmresume", "vmxoff", "monitor", "mwait", "xgetbv", "xsetbv", "vmrun", "vmmcall", "vmload", "vmsave", "stgi", "clgi", "skinit", "invlpga", "rdpkru", "wrpkru", "swapgs", "rdtscp"];
    for (let i = 0; i < codes.length; i++) NAMES_0F_01_REG3.set(codes[i], names[i]);
  }
  return NAMES_0F_01_REG3;
}

const SIMPLE_0F = new Map<u32, string>();

function simple0f(): Map<u32, string> {
  if (SIMPLE_0F.size == 0) {
    const codes: u32[] = [0x05, 0x06, 0x07, 0x08, 0x09, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37, 0x77, 0xa2, 0xaa];
    const names = ["syscall", "clts", "sysret", "invd", "wbinvd", "femms", "wrmsr", "rdtsc", "rdmsr", "rdpmc", "sysenter", "sysexit", "getsec", "emms", "cpuid", "rsm"];
    for (let i = 0; i < codes.length; i++) SIMPLE_0F.set(codes[i], names[i]);
  }
  return SIMPLE_0F;
}

/** Opcodes of the 0F map that take no ModRM. */
function noModrm0f(op: u32): bool {
  return (op >= 0x05 && op <= 0x0b) || op == 0x0e || (op >= 0x30 && op <= 0x37) || op == 0x77 || (op >= 0xa0 && op <= 0xa2) || (op >= 0xa8 && op <= 0xaa) || (op >= 0xc8 && op <= 0xcf);
}

/** Opcodes of the 0F map with an 8-bit immediate after the ModRM operand. */
function imm8After0f(op: u32): bool {
  return (op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba || op == 0xc2 || (op >= 0xc4 && op <= 0xc6) || op == 0x0f;
}

function skip0f(op: u32): string {
  const simple = simple0f();
  if (simple.has(op)) return simple.get(op);
  if (op == 0xa0 || op == 0xa8) return "push";
  if (op == 0xa1 || op == 0xa9) return "pop";
  if (noModrm0f(op)) return "";
  if (op == 0x38 || op == 0x3a) {
    const third = nb();
    modrm(false);
    if (op == 0x3a) skipImm(1);
    if (op == 0x38 && (third == 0xf0 || third == 0xf1)) return repPrefix == 0xf2 ? "crc32" : repPrefix == 0 && !osz16 ? "movbe" : "";
    return "";
  }
  const first = peek8();
  const reg = modrm(false) & 7;
  const isReg = modrmByte >= 0xc0;
  if (imm8After0f(op)) skipImm(1);
  switch (op) {
    case 0x00: {
      const n = ["sldt", "str", "lldt", "ltr", "verr", "verw", "", ""];
      return n[reg];
    }
    case 0x01: {
      if (isReg) {
        const g = group7Names();
        if (g.has(first)) return g.get(first);
        return reg == 4 ? "smsw" : reg == 6 ? "lmsw" : "";
      }
      const n = ["sgdt", "sidt", "lgdt", "lidt", "smsw", "", "lmsw", "invlpg"];
      return n[reg];
    }
    case 0x78:
      return repPrefix == 0 && !osz16 ? "vmread" : "";
    case 0x79:
      return repPrefix == 0 && !osz16 ? "vmwrite" : "";
    case 0x02:
      return "lar";
    case 0x03:
      return "lsl";
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
      return "mov";
    case 0xb8:
      return repPrefix == 0 ? "jmpe" : "";
    case 0xc7: {
      if (!isReg) {
        if (reg == 1) return (rex & 8) != 0 ? "cmpxchg16b" : "cmpxchg8b";
        const n = ["", "", "", "xrstors", "xsavec", "xsaves", repPrefix == 0 && !osz16 ? "vmptrld" : "", repPrefix == 0 ? "vmptrst" : ""];
        return n[reg];
      }
      if (reg == 6 && repPrefix == 0) return "rdrand";
      if (reg == 7) return repPrefix == 0xf3 ? "rdpid" : repPrefix == 0 ? "rdseed" : "";
      return "";
    }
    case 0xae: {
      if (isReg) {
        if (repPrefix == 0xf3 && reg < 4) {
          const n = ["rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"];
          return n[reg];
        }
        return "";
      }
      if (repPrefix != 0) return "";
      if (osz16) return reg == 6 ? "clwb" : reg == 7 ? "clflushopt" : "";
      const n = ["fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "xsave", "xrstor", "xsaveopt", "clflush"];
      return n[reg];
    }
    default:
      return "";
  }
}
