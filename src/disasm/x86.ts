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
  // As objdump: a RIP-relative operand as its displacement off %rip (the address it reaches follows
  // in a comment), and a zero displacement the encoding carries. (iced's alwaysShowScale also
  // prints "(%rbx,)" for a base alone: a scale of 1 is added in objdumpText() instead.)
  formatter.ripRelativeAddresses = true;
  formatter.showZeroDisplacements = true;
  // objdump names a prefix the instruction does not need ("cs nopw", padding in Xen's alignment).
  formatter.showUselessPrefixes = true;
  const out: Insn[] = [];
  try {
    decoder.ip = BigInt.asUintN(64, address);
    let at = 0;
    while (decoder.canDecode && out.length < MAX_INSNS) {
      const ins = decoder.decode();
      const invalid = ins.code === iced.Code.INVALID;
      if (invalid) {
        // As objdump: a byte that starts no valid instruction is one "(bad)" byte, and decoding
        // goes on at the next byte. iced's invalid instruction spans the bytes it read (d6 e8 is
        // two), which would put every later instruction out of step with objdump's listing.
        // d6 is UDB in 64-bit mode: the one-byte #UD that Xen 4.23's BUG()/WARN() emit (its
        // asm/bug.h: "UDB, requiring gas 2.46"); binutils names it from 2.46, older objdump says (bad).
        ins.free();
        const udb = bytes[at] === 0xd6;
        out.push({ address: BigInt.asUintN(64, address + BigInt(at)), size: 1, bytes: hexBytes(bytes.subarray(at, at + 1)), text: udb ? "udb" : "(bad)", target: null, memAddress: null, pcRelField: null, invalid: !udb });
        at += 1;
        decoder.position = at;
        decoder.ip = BigInt.asUintN(64, address + BigInt(at));
        continue;
      }
      const flow = ins.flowControl;
      const direct =
        (flow === iced.FlowControl.UnconditionalBranch || flow === iced.FlowControl.ConditionalBranch || flow === iced.FlowControl.Call) &&
        (ins.op0Kind === iced.OpKind.NearBranch64 || ins.op0Kind === iced.OpKind.NearBranch32);
      const pcRelField = relativeField(iced, decoder, ins);
      out.push({
        address: ins.ip,
        size: ins.length,
        bytes: hexBytes(bytes.subarray(at, at + ins.length)),
        text: objdumpText(iced, ins, formatter.format(ins)),
        target: direct ? ins.nearBranchTarget : null,
        memAddress: ins.isIpRelMemoryOperand ? ins.ipRelMemoryAddress : null,
        pcRelField,
        invalid: false,
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

/**
 * The few places iced's GAS text differs from objdump's (binutils), applied to iced's text:
 * an index register's scale of 1 is printed, the shift/rotate-by-one encodings (D0/D1/D3 /r) carry
 * no `$0x1` operand, a three-operand imul whose source is its destination is written out, an
 * indirect call/jmp and a push/pop of memory have no size suffix, in/out name the port as (%dx),
 * and a RIP-relative operand is followed by the address it reaches as `# 0x<hex>`.
 */
function objdumpText(iced: IcedModule, ins: Iced.Instruction, text: string): string {
  let out = text.replace(/^(call|jmp|push|pop)q /, "$1 ").replace(/^imul (\$[^,]+),(%\w+)$/, "imul $1,$2,$2");
  out = out.replace(/^(in\w*) %dx,/, "$1 (%dx),").replace(/^(out\w*) (%\w+),%dx$/, "$1 $2,(%dx)");
  if (ins.memoryIndex !== iced.Register.None && ins.memoryIndexScale === 1) out = out.replace(/\((%\w+)?,(%\w+)\)/, "($1,$2,1)");
  if (/_1$/.test(iced.Code[ins.code] ?? "") && ins.opCount === 2 && ins.op1Kind === iced.OpKind.Immediate8 && ins.immediate8 === 1) out = out.replace(/ \$0x1,/, " ");
  if (ins.isIpRelMemoryOperand) out += ` # 0x${ins.ipRelMemoryAddress.toString(16)}`;
  return out;
}
