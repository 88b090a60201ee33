// The decoded code of a section that relocations patch, for "Resolves to": a PC-relative field
// leads to where its instruction ends, which only the decoder knows. Each section is decoded once,
// in the disassembly worker, and shared by every row that asks.
import { useEffect, useState } from "react";
import type { ElfFile } from "../../elf/index.ts";
import { MAX_INSNS } from "../../disasm/types.ts";
import { disassemble } from "../../services/disasmClient.ts";
import type { DecodedCode } from "../inspector/symbolize.ts";

/** The longest x86 instruction: MAX_INSNS of them is all one request decodes anyway. */
const MAX_INSN_BYTES = 15;

const decoded = new WeakMap<ElfFile, Map<number, Promise<DecodedCode | null>>>();

function sectionCode(elf: ElfFile, shndx: number): Promise<DecodedCode | null> {
  let perFile = decoded.get(elf);
  if (!perFile) decoded.set(elf, (perFile = new Map()));
  let p = perFile.get(shndx);
  if (!p) {
    const sec = elf.sections[shndx];
    const bytes = elf.bytes.subarray(sec.dataOffset, sec.dataOffset + Math.min(sec.dataSize, MAX_INSNS * MAX_INSN_BYTES));
    p = disassemble("x86_64", bytes, 0n).then((r) => (r.ok ? { insns: r.value, base: 0n } : null));
    perFile.set(shndx, p);
  }
  return p;
}

/** x86-64 code of section `shndx`: undefined while it is decoded, null when it could not be. */
export function useSectionCode(elf: ElfFile, shndx: number): DecodedCode | null | undefined {
  const [code, setCode] = useState<{ elf: ElfFile; shndx: number; code: DecodedCode | null } | null>(null);
  useEffect(() => {
    let live = true;
    void sectionCode(elf, shndx).then((c) => {
      if (live) setCode({ elf, shndx, code: c });
    });
    return () => {
      live = false;
    };
  }, [elf, shndx]);
  return code && code.elf === elf && code.shndx === shndx ? code.code : undefined;
}
