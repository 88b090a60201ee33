// x86-64 through iced-x86. The module is passed in, so the same code runs under Node (tests)
// and in the disassembly worker, where the wasm is fetched from this origin first.
import type * as Iced from "iced-x86";
import { hexBytes, MAX_INSNS, type Insn } from "./types.ts";

export type IcedModule = typeof Iced;

export function disassembleX86(iced: IcedModule, bytes: Uint8Array, address: bigint): Insn[] {
  const decoder = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
  const formatter = new iced.Formatter(iced.FormatterSyntax.Gas);
  formatter.uppercaseHex = false;
  formatter.hexPrefix = "0x";
  formatter.hexSuffix = "";
  formatter.spaceAfterOperandSeparator = false;
  // objdump prints every number in hex. The decimal shortcut also judges "small" by the low 32 bits
  // only, so a 64-bit immediate such as 0xdead000000000001 would print as $1.
  formatter.smallHexNumbersInDecimal = false;
  formatter.branchLeadingZeros = false;
  const out: Insn[] = [];
  try {
    decoder.ip = BigInt.asUintN(64, address);
    let at = 0;
    while (decoder.canDecode && out.length < MAX_INSNS) {
      const ins = decoder.decode();
      const invalid = ins.code === iced.Code.INVALID;
      const flow = ins.flowControl;
      const direct =
        (flow === iced.FlowControl.UnconditionalBranch || flow === iced.FlowControl.ConditionalBranch || flow === iced.FlowControl.Call) &&
        (ins.op0Kind === iced.OpKind.NearBranch64 || ins.op0Kind === iced.OpKind.NearBranch32);
      const pcRelField = invalid ? null : relativeField(iced, decoder, ins);
      out.push({
        address: ins.ip,
        size: ins.length,
        bytes: hexBytes(bytes.subarray(at, at + ins.length)),
        text: invalid ? "(bad)" : formatter.format(ins),
        target: direct ? ins.nearBranchTarget : null,
        memAddress: !invalid && ins.isIpRelMemoryOperand ? ins.ipRelMemoryAddress : null,
        pcRelField,
        invalid,
      });
      at += ins.length;
      ins.free();
    }
  } finally {
    formatter.free();
    decoder.free();
  }
  return out;
}

function relativeField(iced: IcedModule, decoder: Iced.Decoder, ins: Iced.Instruction): Insn["pcRelField"] {
  const rel = ins.isIpRelMemoryOperand;
  const branch = ins.op0Kind === iced.OpKind.NearBranch64 || ins.op0Kind === iced.OpKind.NearBranch32 || ins.op0Kind === iced.OpKind.NearBranch16;
  if (!rel && !branch) return null;
  const co = decoder.getConstantOffsets(ins);
  try {
    // iced reports a relative branch's offset as the instruction's immediate.
    if (rel && co.hasDisplacement) return { offset: co.displacementOffset, size: co.displacementSize };
    if (branch && co.hasImmediate) return { offset: co.immediateOffset, size: co.immediateSize };
    return null;
  } finally {
    co.free();
  }
}
