// AArch64 and ARM32 through capstone-js (emscripten). capstone stops at the first word it cannot
// decode, so decoding resumes after it and the word is shown as data. When that word is the first
// one, cs_disasm decodes nothing, and capstone-js's disasm() then throws a string ("Capstone.js:
// Function cs_disasm failed with code 0: OK (CS_ERR_OK)"), not an empty array: that is read as
// "nothing decoded" here, so the word is `.word 0x…` like any other.
import { hexBytes, MAX_INSNS, type Insn } from "./types.ts";

interface CapstoneInsn {
  address: number | bigint;
  size: number;
  mnemonic: string;
  op_str: string;
}

interface CapstoneHandle {
  disasm(bytes: number[] | Uint8Array, address: number | bigint, count?: number): CapstoneInsn[];
  close(): void;
}

export interface CapstoneModule {
  ARCH_ARM: number;
  ARCH_ARM64: number;
  MODE_ARM: number;
  MODE_LITTLE_ENDIAN: number;
  Capstone: new (arch: number, mode: number) => CapstoneHandle;
}

const BRANCH = /^(b|bl)(\.[a-z]+)?$|^(b|bl)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)$|^(cbz|cbnz|tbz|tbnz)$/;

/** capstone-js's throw for a cs_disasm that decoded nothing without an error (cs_errno CS_ERR_OK, 0). */
const NOTHING_DECODED = /^Capstone\.js: Function cs_disasm failed with code 0:/;

function disasmOrNone(handle: CapstoneHandle, bytes: Uint8Array, address: bigint, count: number): CapstoneInsn[] {
  try {
    return handle.disasm(bytes, address, count);
  } catch (e) {
    if (typeof e === "string" && NOTHING_DECODED.test(e)) return [];
    throw e;
  }
}

function branchTarget(mnemonic: string, ops: string): bigint | null {
  if (!BRANCH.test(mnemonic)) return null;
  const m = /#(0x[0-9a-f]+)\s*$/.exec(ops);
  return m ? BigInt(m[1]) : null;
}

export function disassembleArm(cs: CapstoneModule, arch: "aarch64" | "arm32", bytes: Uint8Array, address: bigint): Insn[] {
  const handle = new cs.Capstone(arch === "aarch64" ? cs.ARCH_ARM64 : cs.ARCH_ARM, arch === "aarch64" ? cs.MODE_LITTLE_ENDIAN : cs.MODE_ARM);
  const mask = arch === "aarch64" ? 64 : 32;
  const out: Insn[] = [];
  try {
    let at = 0;
    while (at + 4 <= bytes.length && out.length < MAX_INSNS) {
      const base = BigInt.asUintN(mask, address + BigInt(at));
      const decoded = disasmOrNone(handle, bytes.subarray(at), base, MAX_INSNS - out.length);
      for (const d of decoded) {
        out.push({
          address: BigInt(d.address),
          size: d.size,
          bytes: hexBytes(bytes.subarray(at, at + d.size)),
          text: d.op_str ? `${d.mnemonic} ${d.op_str}` : d.mnemonic,
          target: branchTarget(d.mnemonic, d.op_str),
          invalid: false,
        });
        at += d.size;
      }
      if (at + 4 <= bytes.length && out.length < MAX_INSNS) {
        const word = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
        out.push({
          address: BigInt.asUintN(mask, address + BigInt(at)),
          size: 4,
          bytes: hexBytes(bytes.subarray(at, at + 4)),
          text: `.word 0x${(word >>> 0).toString(16).padStart(8, "0")}`,
          target: null,
          invalid: true,
        });
        at += 4;
      }
    }
  } finally {
    handle.close();
  }
  return out;
}
