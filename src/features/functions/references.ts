// What each instruction refers to, spelled for a reviewer: a string literal when the reference
// lands in a string, else a symbol. Linked code (the image) carries its references in the
// instruction (a RIP-relative operand, an ADRP+ADD or MOVW+MOVT pair); relocatable code (the
// payload) in the relocations that will fill it.
import { type ElfFile, relocAddend, type RelocationTable, relocOffset, relocSymbol, SHF_ALLOC, SHF_EXECINSTR, SHF_STRINGS, SHT_NOBITS, symbolDisplayName } from "../../elf/index.ts";
import type { DisasmArch, Insn } from "../../disasm/types.ts";
import { cString, describeInSection, insnHolding, relocLanding, symbolTableFor, type DecodedCode } from "../inspector/symbolize.ts";


export { cString };

/** Per instruction: the address its data operand designates (null when none or unknown). */
export function linkedRefs(arch: DisasmArch, insns: readonly Insn[]): (bigint | null)[] {
  const out: (bigint | null)[] = insns.map((i) => i.memAddress ?? null);
  if (arch === "x86_64") return out;
  // Register → [address so far, index of the instruction that started it].
  const pending = new Map<string, [bigint, number]>();
  insns.forEach((ins, k) => {
    const t = ins.text;
    let m: RegExpExecArray | null;
    if ((m = /^adrp (x\d+), #(0x[0-9a-f]+)$/.exec(t))) pending.set(m[1], [BigInt(m[2]), k]);
    else if ((m = /^movw (r\d+), #(0x[0-9a-f]+|\d+)$/.exec(t))) pending.set(m[1], [BigInt(m[2]), k]);
    else if ((m = /^add (x\d+), (x\d+), #(0x[0-9a-f]+|\d+)$/.exec(t)) && pending.has(m[2])) {
      const [page, first] = pending.get(m[2])!;
      out[k] = out[first] = page + BigInt(m[3]);
      pending.delete(m[2]);
    } else if ((m = /^(?:ldr|str)[a-z]* \w+, \[(x\d+), #(0x[0-9a-f]+|\d+)\]$/.exec(t)) && pending.has(m[1])) {
      const [page, first] = pending.get(m[1])!;
      out[k] = out[first] = page + BigInt(m[2]);
    } else if ((m = /^movt (r\d+), #(0x[0-9a-f]+|\d+)$/.exec(t)) && pending.has(m[1])) {
      const [low, first] = pending.get(m[1])!;
      out[k] = out[first] = (BigInt(m[2]) << 16n) | (low & 0xffffn);
      pending.delete(m[1]);
    }
  });
  return out;
}

export const quoted = (s: string) => JSON.stringify(s);

/** The string at a linked image's `address`, when it lies in loaded, non-executable data. */
export function imageString(image: ElfFile, address: bigint): string | null {
  for (const s of image.sections) {
    const flags = Number(s.flags);
    if (!(flags & SHF_ALLOC) || flags & SHF_EXECINSTR || s.type === SHT_NOBITS || s.dataSize === 0) continue;
    if (address < s.addr || address >= s.addr + BigInt(s.dataSize)) continue;
    return cString(image.bytes.subarray(s.dataOffset, s.dataOffset + s.dataSize), Number(address - s.addr));
  }
  return null;
}

export interface RelocRef {
  /** Where it lands in the payload: section and offset (null for an undefined symbol). */
  section: number | null;
  offset: bigint;
  /** The symbol as the relocation names it (section name for section symbols). */
  symbol: string;
  defined: boolean;
}

/**
 * For each instruction decoded from payload section `sectionIndex` (placed so that section offset 0
 * is at `base`), where the relocation that patches it leads (the first, when several do).
 */
export function relocRefs(elf: ElfFile, sectionIndex: number, insns: readonly Insn[], base: bigint): (RelocRef | null)[] {
  const out: (RelocRef | null)[] = insns.map(() => null);
  if (insns.length === 0) return out;
  const code = { insns, base };
  for (const r of elf.relocationTables) {
    if (r.targetSection !== sectionIndex) continue;
    const symtab = symbolTableFor(elf, r);
    for (let i = 0; i < r.count; i++) {
      const insn = insnHolding(code, relocOffset(r, i));
      const k = insn ? insns.indexOf(insn) : -1;
      if (k < 0 || out[k]) continue;
      out[k] = refOf(elf, r, i, symtab, code);
    }
  }
  return out;
}

function refOf(elf: ElfFile, r: RelocationTable, i: number, symtab: ReturnType<typeof symbolTableFor>, code: DecodedCode): RelocRef | null {
  const s = relocSymbol(r, i);
  if (!symtab || s === 0 || s >= symtab.count) return null;
  const shndx = symtab.shndx[s];
  const symbol = symbolDisplayName(elf, symtab, s);
  if (shndx === 0) return { section: null, offset: relocAddend(r, i), symbol, defined: false };
  if (shndx >= elf.sections.length) return null;
  const land = relocLanding(elf, r, i, code);
  // A PC-relative field whose instruction did not decode: where it leads is not known, so say nothing.
  if (!land || land.counted === "unknown") return null;
  return { section: land.section, offset: land.offset, symbol, defined: true };
}

/** How a relocation target reads: the string there, else function+offset, else section+offset. */
export function relocLabel(elf: ElfFile, ref: RelocRef): string {
  if (ref.section === null) return ref.symbol;
  const sec = elf.sections[ref.section];
  const flags = Number(sec.flags);
  if (!(flags & SHF_EXECINSTR) && sec.type !== SHT_NOBITS && ref.offset >= 0n && ref.offset < BigInt(sec.dataSize)) {
    const str = (flags & SHF_STRINGS || sec.name.startsWith(".rodata")) ? cString(elf.bytes.subarray(sec.dataOffset, sec.dataOffset + sec.dataSize), Number(ref.offset)) : null;
    if (str !== null) return quoted(str);
  }
  return describeInSection(elf, ref.section, ref.offset);
}
