// The decoded code around a relocation that patches a code section, for "Resolves to": a
// PC-relative field leads to where its instruction ends, which only the decoder knows. Code is
// decoded from the label before the field (decodeSpan()), once per label, in the disassembly
// worker, and shared by every row under that label.
import { useEffect, useState } from "react";
import type { ElfFile } from "../../elf/index.ts";
import { MAX_INSNS } from "../../disasm/types.ts";
import { disassemble } from "../../services/disasmClient.ts";
import { decodeSpan, type DecodedCode } from "../inspector/symbolize.ts";

/** The longest x86 instruction: MAX_INSNS of them is all one request decodes anyway. */
const MAX_INSN_BYTES = 15;

const decoded = new WeakMap<ElfFile, Map<string, Promise<DecodedCode | null>>>();

function spanCode(elf: ElfFile, shndx: number, start: number, end: number): Promise<DecodedCode | null> {
  let perFile = decoded.get(elf);
  if (!perFile) decoded.set(elf, (perFile = new Map()));
  const key = `${shndx}:${start}`;
  let p = perFile.get(key);
  if (!p) {
    const sec = elf.sections[shndx];
    const bytes = elf.bytes.subarray(sec.dataOffset + start, sec.dataOffset + Math.min(end, start + MAX_INSNS * MAX_INSN_BYTES));
    // Addresses are section offsets, as the relocations' are.
    p = disassemble("x86_64", bytes, BigInt(start)).then((r) => (r.ok ? { insns: r.value, base: 0n } : null));
    perFile.set(key, p);
  }
  return p;
}

/**
 * x86-64 code of section `shndx` around section offset `offset`: undefined while it is decoded,
 * null when it could not be.
 */
export function useSectionCode(elf: ElfFile, shndx: number, offset: bigint): DecodedCode | null | undefined {
  const { start, end } = decodeSpan(elf, shndx, offset);
  const [code, setCode] = useState<{ elf: ElfFile; key: string; code: DecodedCode | null } | null>(null);
  const key = `${shndx}:${start}`;
  useEffect(() => {
    let live = true;
    void spanCode(elf, shndx, start, end).then((c) => {
      if (live) setCode({ elf, key: `${shndx}:${start}`, code: c });
    });
    return () => {
      live = false;
    };
  }, [elf, shndx, start, end]);
  return code && code.elf === elf && code.key === key ? code.code : undefined;
}
