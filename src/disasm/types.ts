// What a disassembler adapter returns: one decoded instruction per entry, in address order.

export type DisasmArch = "x86_64" | "aarch64" | "arm32";

export interface Insn {
  address: bigint;
  size: number;
  /** The instruction bytes as lowercase hex pairs separated by spaces. */
  bytes: string;
  /** Mnemonic and operands, AT&T syntax on x86 (as objdump prints it). */
  text: string;
  /** Direct branch or call target, when the instruction has one. */
  target: bigint | null;
  /** Address a RIP-relative memory operand designates (x86); null otherwise. */
  memAddress?: bigint | null;
  /**
   * The field the CPU adds to the next instruction's address (x86: a RIP-relative displacement or a
   * relative branch's offset), as its offset in the instruction and its size; null when none.
   */
  pcRelField?: { offset: number; size: number } | null;
  invalid: boolean;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function hexBytes(bytes: Uint8Array): string {
  // Every decoded instruction spells its bytes: a table and a plain loop, not an array per call.
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += i === 0 ? HEX_PAIRS[bytes[i]] : ` ${HEX_PAIRS[bytes[i]]}`;
  return s;
}

/** Most instructions a single request decodes: a livepatch function is small, a hostile size is not. */
export const MAX_INSNS = 4096;
