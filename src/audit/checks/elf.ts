// Facts §1.1–§1.2 and §2: the ELF header, the section table, the symbol and string tables, and
// the section flags Xen refuses, checked on the raw fields the way the upload path reads them.
import {
  EM_AARCH64,
  EM_ARM,
  EM_X86_64,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  ET_REL,
  type ElfSection,
} from "../../elf/index.ts";
import type { FileContext } from "../context.ts";
import { EINVAL, EOPNOTSUPP } from "../rules.ts";

const MAX_PAYLOAD = 2 * 1024 * 1024;
const MAX_SECTIONS = 1024;

function headerChecks(ctx: FileContext): boolean {
  const h = ctx.elf.header;
  const problems: string[] = [];
  if (h.version !== 1 || h.identVersion !== 1) problems.push(`ELF version ${h.version}/${h.identVersion}, expected 1`);
  if (h.abiVersion !== 0) problems.push(`EI_ABIVERSION ${h.abiVersion}, expected 0`);
  if (h.osabi !== 0 && h.osabi !== 9) problems.push(`EI_OSABI ${h.osabi}, expected 0 (SYSV) or 9 (FreeBSD)`);
  if (h.type !== ET_REL) problems.push(`e_type ${h.type}, expected 1 (ET_REL, a relocatable object)`);
  if (h.phnum !== 0) problems.push(`${h.phnum} program headers, expected none`);
  if (problems.length) {
    ctx.emit("elf-header-unsupported", `${problems.join("; ")}: Xen refuses the payload (−EOPNOTSUPP)`, { offset: 0, length: h.range.size });
    return false;
  }
  const m = h.machine;
  let arch: string | null = null;
  if (m === EM_X86_64 && h.elfClass === 64 && h.littleEndian) arch = "x86_64";
  else if (m === EM_AARCH64 && h.elfClass === 64) arch = "aarch64";
  else if (m === EM_ARM && h.elfClass === 32 && (h.flags & 0xff000000) >>> 0 === 0x05000000) arch = "arm32";
  if (!arch) {
    ctx.emit("elf-arch-unsupported", `e_machine ${m}, ELFCLASS${h.elfClass}, ${h.littleEndian ? "LSB" : "MSB"}${m === EM_ARM ? `, e_flags 0x${h.flags.toString(16)}` : ""}: not a payload any Xen architecture loads (−EOPNOTSUPP)`, { offset: 0, length: h.range.size });
    return false;
  }
  if (ctx.image?.arch && ctx.image.arch !== arch) {
    ctx.emit("elf-arch-unsupported", `the payload is ${arch} but the hypervisor image is ${ctx.image.arch}; Xen refuses it (−EOPNOTSUPP)`, { offset: 18, length: 2 });
    return false;
  }
  const shdrSize = h.elfClass === 64 ? 64 : 40;
  const len = BigInt(ctx.elf.bytes.length);
  const table = (message: string, offset: number, length: number) => {
    ctx.emit("elf-section-table-bad", `${message} (−EINVAL)`, { offset, length });
    return false;
  };
  const at = h.elfClass === 64 ? { shoff: 0x28, shentsize: 0x3a, shnum: 0x3c, shstrndx: 0x3e } : { shoff: 0x20, shentsize: 0x2e, shnum: 0x30, shstrndx: 0x32 };
  if (h.shstrndx === 0) return table("e_shstrndx is 0: no section-name table", at.shstrndx, 2);
  if (h.shnum >= MAX_SECTIONS) {
    ctx.emit("elf-too-many-sections", `${h.shnum} sections; Xen accepts at most ${MAX_SECTIONS - 1} (−EOPNOTSUPP)`, { offset: at.shnum, length: 2 });
    return false;
  }
  if (h.shstrndx >= h.shnum) return table(`e_shstrndx ${h.shstrndx} is not below e_shnum ${h.shnum}`, at.shstrndx, 2);
  if (h.shoff >= len) return table(`e_shoff 0x${h.shoff.toString(16)} is past the end of the ${len}-byte file`, at.shoff, ctx.ptr);
  if (h.shentsize < shdrSize) return table(`e_shentsize ${h.shentsize} is below ${shdrSize}`, at.shentsize, 2);
  if ((len - h.shoff) / BigInt(h.shentsize) < BigInt(h.shnum)) return table(`${h.shnum} section headers of ${h.shentsize} bytes do not fit after e_shoff`, at.shnum, 2);
  return true;
}

function isPow2(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

function strtabOk(ctx: FileContext, s: ElfSection | undefined, what: string): boolean {
  if (!s || s.type !== SHT_STRTAB || s.size === 0n || s.dataSize === 0) {
    ctx.emit("strtab-malformed", `${what} ${s ? `(section ${s.index} ${s.name || "?"})` : ""} is not a non-empty SHT_STRTAB (−EINVAL)`, s ? { section: s.name, sectionIndex: s.index, offset: s.header.offset, length: s.header.size } : {});
    return false;
  }
  const b = ctx.elf.bytes;
  if (b[s.dataOffset] !== 0 || b[s.dataOffset + s.dataSize - 1] !== 0) {
    ctx.emit("strtab-malformed", `${what} ${s.name} does not begin and end with a NUL byte, so a name could run off its end (−EINVAL)`, { section: s.name, sectionIndex: s.index, offset: s.dataOffset, length: s.dataSize });
    return false;
  }
  return true;
}

function sectionChecks(ctx: FileContext): boolean {
  const { elf } = ctx;
  const ehsize = BigInt(elf.header.range.size);
  const len = BigInt(elf.bytes.length);
  let symtab: ElfSection | null = null;
  for (const s of elf.sections) {
    if (s.index === 0) continue;
    const where = { section: s.name, sectionIndex: s.index, offset: s.header.offset, length: s.header.size };
    const label = `section ${s.index} (${s.name || "unnamed"})`;
    if (s.offset < ehsize) {
      ctx.emit("section-offset-bad", `${label}: sh_offset 0x${s.offset.toString(16)} points into the ELF header (−EINVAL)`, where);
      return false;
    }
    if (s.type !== SHT_NOBITS && (s.offset > len || s.offset + s.size > len)) {
      ctx.emit("section-offset-bad", `${label}: its ${s.size} bytes at 0x${s.offset.toString(16)} run past the end of the ${len}-byte file (−EINVAL)`, where);
      return false;
    }
    if (s.addralign !== 0n && !isPow2(s.addralign)) {
      ctx.emit("section-align-not-power-of-two", `${label}: sh_addralign ${s.addralign} is not a power of two (−EOPNOTSUPP)`, { ...where, rc: -EOPNOTSUPP });
      return false;
    }
    if (s.addralign !== 0n && s.addr % s.addralign !== 0n) {
      ctx.emit("section-addr-misaligned", `${label}: sh_addr 0x${s.addr.toString(16)} is not a multiple of its alignment ${s.addralign} (−EINVAL)`, where);
      return false;
    }
    if ((s.flags & BigInt(SHF_WRITE | SHF_ALLOC)) !== 0n && s.type === SHT_NOBITS && s.size > BigInt(MAX_PAYLOAD)) {
      ctx.emit("section-nobits-too-large", `${label}: ${s.size} bytes of NOBITS exceed the 2 MiB cap (−EINVAL)`, where);
      return false;
    }
    if (s.type === SHT_SYMTAB) {
      if (symtab) {
        ctx.emit("symtab-duplicate", `${label} is a second SHT_SYMTAB (the first is section ${symtab.index}) (−EOPNOTSUPP)`, where);
        return false;
      }
      symtab = s;
      if (s.link >= elf.header.shnum) {
        ctx.emit("symtab-malformed", `${label}: sh_link ${s.link} names no section (−EINVAL)`, where);
        return false;
      }
    }
  }
  if (!symtab) {
    ctx.emit("symtab-missing", "no SHT_SYMTAB section: Xen cannot relocate the payload (−EINVAL)", { offset: 0 });
    return false;
  }
  const entsize = ctx.ptr === 8 ? 24n : 16n;
  const where = { section: symtab.name, sectionIndex: symtab.index, offset: symtab.header.offset, length: symtab.header.size };
  if (symtab.size === 0n || symtab.entsize < entsize || symtab.size % symtab.entsize !== 0n) {
    ctx.emit("symtab-malformed", `${symtab.name}: size ${symtab.size} with sh_entsize ${symtab.entsize} is not a whole, non-empty array of ${entsize}-byte symbols (−EINVAL)`, where);
    return false;
  }
  if (!strtabOk(ctx, elf.sections[symtab.link], "the symbol string table")) return false;
  const shstr = elf.sections[elf.header.shstrndx];
  if (!strtabOk(ctx, shstr, "the section-name table")) return false;
  for (const s of elf.sections)
    if (s.index > 0 && BigInt(s.nameOffset) >= shstr.size) {
      ctx.emit("strtab-malformed", `section ${s.index}: sh_name ${s.nameOffset} is outside the ${shstr.size}-byte section-name table (−EINVAL)`, { sectionIndex: s.index, offset: s.header.offset, length: 4 });
      return false;
    }
  const t = ctx.symtab;
  const strsize = elf.sections[symtab.link].size;
  if (t)
    for (let i = 1; i < t.count; i++) {
      const rec = { section: symtab.name, sectionIndex: symtab.index, offset: t.recordOffset + i * t.entsize, length: t.entsize };
      if (BigInt(t.nameOffset[i]) >= strsize) {
        ctx.emit("strtab-malformed", `symbol ${i}: st_name ${t.nameOffset[i]} is outside the ${strsize}-byte string table (−EINVAL)`, rec);
        return false;
      }
      if (ctx.arch === "arm32" && (t.name[i] === "$t" || t.name[i].startsWith("$t."))) {
        ctx.emit("arm32-thumb-symbol", `symbol ${i} is the Thumb mapping symbol ${t.name[i]}: the payload contains Thumb code (−EINVAL)`, rec);
        return false;
      }
    }
  return true;
}

/** Step 2 and step 7. Returns false when Xen stops reading the file here. */
export function checkElf(ctx: FileContext): boolean {
  if (ctx.elf.bytes.length > MAX_PAYLOAD)
    ctx.emit("payload-too-large", `${ctx.elf.bytes.length} bytes; Xen accepts at most ${MAX_PAYLOAD} (−EINVAL)`, { rc: -EINVAL });
  return headerChecks(ctx) && sectionChecks(ctx);
}

/** Step 9: a section both writable and executable. */
export function checkWriteExec(ctx: FileContext): void {
  for (const s of ctx.elf.sections) {
    const wx = BigInt(SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR);
    if ((s.flags & wx) === wx)
      ctx.emit("section-write-exec", `${s.name} is allocated, writable and executable; Xen refuses it (−EOPNOTSUPP)`, {
        section: s.name,
        sectionIndex: s.index,
        offset: s.header.offset,
        length: s.header.size,
      });
  }
}
