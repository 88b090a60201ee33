// The payload ELF checks Xen runs before loading anything (livepatch_elf_load() in
// xen/common/livepatch_elf.c), in Xen's order, with Xen's console lines.
// Headers are read with the booted hypervisor's native layout (ELF64 on x86-64/AArch64, ELF32
// on ARM32), as Xen reads them through its own Elf_Ehdr/Elf_Shdr types.
import { Bytes } from "./bytes";
import { latin1 } from "./fmt";
import { fail, failQuoting, lp, at, Loc, diagName } from "./diag";
import { fatalFault, hexAlt } from "./xenlog";
import * as R from "./rules";
import { EINVAL, ENOSYS, EOPNOTSUPP } from "./errno";
import { arch, ARCH_X86_64, ARCH_ARM64, ARCH_ARM32 } from "./image";

export const SHT_SYMTAB: u32 = 2;
export const SHT_STRTAB: u32 = 3;
export const SHT_RELA: u32 = 4;
export const SHT_NOBITS: u32 = 8;
export const SHT_REL: u32 = 9;

export const SHF_WRITE: u64 = 1;
export const SHF_ALLOC: u64 = 2;
export const SHF_EXECINSTR: u64 = 4;
export const SHF_MERGE: u64 = 0x10;

export const SHN_UNDEF: u32 = 0;
export const SHN_LORESERVE: u32 = 0xff00;
export const SHN_ABS: u32 = 0xfff1;
export const SHN_COMMON: u32 = 0xfff2;

export const MAX_PAYLOAD: u64 = 2 * 1024 * 1024;

export const REGION_NONE: i32 = 0;
export const REGION_TEXT: i32 = 1;
export const REGION_RW: i32 = 2;
export const REGION_RO: i32 = 3;

export class Sec {
  index: i32 = 0;
  nameOff: u32 = 0;
  name: string = "";
  type: u32 = 0;
  flags: u64 = 0;
  addr: u64 = 0;
  offset: u64 = 0;
  size: u64 = 0;
  link: u32 = 0;
  info: u32 = 0;
  addralign: u64 = 0;
  entsize: u64 = 0;
  /** Xen's `sec->addr`: in the upload buffer, then where move_payload put an ALLOC section. */
  loadAddr: u64 = 0;
  region: i32 = REGION_NONE;
  /**
   * The later section move_payload() copied over part of this one (index), or -1: only a section
   * with sh_addralign 0 lands below its region's end, since ROUNDUP(x, 0) is 0.
   */
  overlaidBy: i32 = -1;
  /** This section's offset inside its region, as move_payload() computed it. */
  regionOffset: u64 = 0;

  get alloc(): bool {
    return (this.flags & SHF_ALLOC) != 0;
  }
}

export class Sym {
  name: string = "";
  info: u32 = 0;
  shndx: u32 = 0;
  value: u64 = 0;
  size: u64 = 0;
  /** Defined in a section that is not loaded: relocations against it are refused. */
  ignored: bool = false;
}

export class Elf {
  b: Bytes;
  /** Where the upload buffer is mapped: every section's `addr` starts at rawBase + sh_offset. */
  rawBase: u64 = 0;
  is64: bool;
  shnum: u32 = 0;
  shstrndx: u32 = 0;
  shoff: u64 = 0;
  shentsize: u32 = 0;
  secs: Sec[] = [];
  symtabIdx: i32 = -1;
  strtabIdx: i32 = -1;
  syms: Sym[] = [];
  /** Sections whose sh_offset + sh_size wraps around 2^64 (Xen's bounds check passes them). */
  wrapping: i32[] = [];

  constructor(data: Uint8Array, is64: bool) {
    this.b = new Bytes(data);
    this.is64 = is64;
  }

  /** First section called `name` (Xen's lookup: lowest index wins), or null. */
  byName(name: string): Sec | null {
    for (let i = 1; i < this.secs.length; i++) if (this.secs[i].name == name) return this.secs[i];
    return null;
  }

  ehdrSize(): u64 {
    return this.is64 ? 64 : 52;
  }
  shdrSize(): u32 {
    return this.is64 ? 64 : 40;
  }
  symSize(): u64 {
    return this.is64 ? 24 : 16;
  }
}

/** A NUL-terminated string at `off`, read byte-per-char; stops at `end` at the latest. */
export function cstr(b: Bytes, off: u64, end: u64): string {
  // Stops at the NUL, at `end` or at the end of the data, whichever comes first.
  const n = <u64>b.data.length;
  const stop = end < n ? end : n;
  const base = b.data.dataStart;
  let p = off;
  while (p < stop && load<u8>(base + <usize>p) != 0) p++;
  return p <= off ? "" : latin1(base + <usize>off, <i32>(p - off));
}

/** The section header of section `i` in the file. */
export function shdrLoc(e: Elf, i: i32): Loc {
  const l = at(e.shoff + <u64>i * <u64>e.shentsize, <u64>e.shentsize);
  return l.sec(i < e.secs.length ? e.secs[i].name : "", i);
}

/** A section's bytes in the file (none for NOBITS), with its name and index. */
export function dataLoc(s: Sec): Loc {
  return at(s.offset, s.type == SHT_NOBITS ? 0 : s.size).sec(s.name, s.index);
}

/** Symbol `i`'s entry in the symbol table. */
export function symLoc(e: Elf, i: i32): Loc {
  const st = e.secs[e.symtabIdx];
  const l = at(st.offset + st.entsize * <u64>i, st.entsize).sec(st.name, st.index);
  return l.sym(i, i < e.syms.length ? e.syms[i].name : "");
}

// livepatch_header_check() in xen/common/livepatch_elf.c, with arch_livepatch_verify_elf() from
// xen/arch/{x86,arm/arm64,arm/arm32}/livepatch.c, in Xen's order.
function headerCheck(e: Elf): i32 {
  const b = e.b;
  const len = <u64>b.length;
  // "%s: Section header is bigger than payload"
  if (len < e.ehdrSize()) return failQuoting(R.R_ELF_UNPARSABLE, EINVAL, lp("Section header is bigger than payload"), "the file is shorter than an ELF header", at(0, len));
  // "%s: Not an ELF payload"
  if (b.u8(0) != 0x7f || b.u8(1) != 0x45 || b.u8(2) != 0x4c || b.u8(3) != 0x46)
    return failQuoting(R.R_ELF_UNPARSABLE, EINVAL, lp("Not an ELF payload"), "the file does not start with the ELF magic", at(0, 4));
  const osabi = b.u8(7);
  const cls = b.u8(4);
  const phnumAt: u64 = e.is64 ? 56 : 44;
  const phnum = b.u16(phnumAt);
  const why = b.u32(20) != 1 ? "e_version is not 1" : b.u8(6) != 1 ? "EI_VERSION is not 1" : b.u8(8) != 0 ? "EI_ABIVERSION is not 0"
    : osabi != 0 && osabi != 9 ? "EI_OSABI is neither SYSV nor FreeBSD" : b.u16(16) != 1 ? "e_type is not ET_REL" : phnum != 0 ? "the file has program headers" : "";
  if (why.length > 0) {
    // Xen reads the header as its own class and byte order before it looks at either, so the field
    // it trips on may be an artefact of reading another layout: that comes first.
    const layout = cls != (e.is64 ? 2 : 1) && (cls == 1 || cls == 2)
      ? "the file is ELFCLASS" + (cls == 2 ? "64" : "32") + " and Xen reads its header as the ELFCLASS" + (e.is64 ? "64" : "32") + " layout it loads; read so, "
      : b.u8(5) == 2 ? "the file is big-endian and Xen reads its header little-endian; read so, " : "";
    const where = b.u32(20) != 1 ? at(20, 4) : b.u8(6) != 1 ? at(6, 1) : b.u8(8) != 0 ? at(8, 1) : osabi != 0 && osabi != 9 ? at(7, 1) : b.u16(16) != 1 ? at(16, 2) : at(phnumAt, 2);
    // "%s: Invalid ELF payload"
    return failQuoting(R.R_ELF_HEADER, EOPNOTSUPP, lp("Invalid ELF payload"), layout + why, where);
  }
  const machine = b.u16(18);
  let archOk = false;
  if (arch == ARCH_X86_64) archOk = machine == 62 && cls == 2 && b.u8(5) == 1;
  else if (arch == ARCH_ARM64) archOk = machine == 183 && cls == 2;
  else if (arch == ARCH_ARM32) archOk = machine == 40 && cls == 1;
  // arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type"
  if (!archOk)
    return failQuoting(R.R_ELF_ARCH, EOPNOTSUPP, lp("Unsupported ELF Machine type"), "e_machine " + machine.toString() + ", ELFCLASS" + (cls == 2 ? "64" : "32") + (b.u8(5) == 2 ? ", big-endian" : b.u8(5) == 1 ? "" : ", EI_DATA " + b.u8(5).toString()) + " is not what this hypervisor loads", at(18, 2));
  // xen/arch/arm/arm32/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF EABI(%x)"
  if (arch == ARCH_ARM32 && (b.u32(36) & 0xff000000) != 0x05000000)
    return failQuoting(R.R_ELF_ARCH, EOPNOTSUPP, lp("Unsupported ELF EABI(" + b.u32(36).toString(16) + ")"), "ARM32 Xen loads EABI version 5 objects only", at(36, 4));
  e.shoff = e.is64 ? b.u64(40) : <u64>b.u32(32);
  e.shentsize = e.is64 ? b.u16(58) : b.u16(46);
  e.shnum = e.is64 ? b.u16(60) : b.u16(48);
  e.shstrndx = e.is64 ? b.u16(62) : b.u16(50);
  const shoffAt: u64 = e.is64 ? 40 : 32;
  const shentAt: u64 = e.is64 ? 58 : 46;
  const shnumAt: u64 = e.is64 ? 60 : 48;
  const shstrAt: u64 = e.is64 ? 62 : 50;
  // "%s: Section name idx is undefined"
  if (e.shstrndx == 0) return failQuoting(R.R_SECTION_TABLE, EINVAL, lp("Section name idx is undefined"), "e_shstrndx is SHN_UNDEF", at(shstrAt, 2));
  // "%s: Too many (%u) sections"
  if (e.shnum >= 1024) return failQuoting(R.R_TOO_MANY_SECTIONS, EOPNOTSUPP, lp("Too many (" + e.shnum.toString() + ") sections"), "Xen takes at most 1023 sections", at(shnumAt, 2));
  // "%s: Section name idx (%u) is past end of sections (%u)"
  if (e.shstrndx >= e.shnum)
    return fail(R.R_SECTION_TABLE, EINVAL, lp("Section name idx (" + e.shstrndx.toString() + ") is past end of sections (" + e.shnum.toString() + ")"), "", at(shstrAt, 2));
  // "%s: Bogus e_shoff"
  if (e.shoff >= len) return failQuoting(R.R_SECTION_TABLE, EINVAL, lp("Bogus e_shoff"), "e_shoff is at or past the end of the file", at(shoffAt, e.is64 ? 8 : 4));
  // "%s: Section header size is %u! Expected %zu."
  if (e.shentsize < e.shdrSize())
    return fail(R.R_SECTION_TABLE, EINVAL, lp("Section header size is " + e.shentsize.toString() + "! Expected " + e.shdrSize().toString() + "."), "", at(shentAt, 2));
  // "%s: Section header size is corrupted"
  if ((len - e.shoff) / <u64>e.shentsize < <u64>e.shnum)
    return failQuoting(R.R_SECTION_TABLE, EINVAL, lp("Section header size is corrupted"), "the section header table runs past the end of the file", at(e.shoff, len - e.shoff));
  return 0;
}

function readSection(e: Elf, i: i32): Sec {
  const b = e.b;
  const h = e.shoff + <u64>i * <u64>e.shentsize;
  const s = new Sec();
  s.index = i;
  s.nameOff = b.u32(h);
  s.type = b.u32(h + 4);
  if (e.is64) {
    s.flags = b.u64(h + 8);
    s.addr = b.u64(h + 16);
    s.offset = b.u64(h + 24);
    s.size = b.u64(h + 32);
    s.link = b.u32(h + 40);
    s.info = b.u32(h + 44);
    s.addralign = b.u64(h + 48);
    s.entsize = b.u64(h + 56);
  } else {
    s.flags = b.u32(h + 8);
    s.addr = b.u32(h + 12);
    s.offset = b.u32(h + 16);
    s.size = b.u32(h + 20);
    s.link = b.u32(h + 24);
    s.info = b.u32(h + 28);
    s.addralign = b.u32(h + 32);
    s.entsize = b.u32(h + 36);
  }
  return s;
}

/** elf_verify_strtab(): SHT_STRTAB, non-empty, NUL at both ends. */
function strtabOk(e: Elf, s: Sec): bool {
  if (s.type != SHT_STRTAB || s.size == 0) return false;
  return e.b.u8(s.offset) == 0 && e.b.u8(s.offset + s.size - 1) == 0;
}

/** Offset of sh_type / sh_flags in Elf_Shdr: what a NULL `sec->sec` dereference reads. */
export const SHDR_TYPE_OFF: u64 = 4;
export const SHDR_FLAGS_OFF: u64 = 8;

// elf_resolve_sections() in xen/common/livepatch_elf.c.
function resolveSections(e: Elf): i32 {
  const len = <u64>e.b.length;
  e.secs = [new Sec()];
  for (let i = 1; i < <i32>e.shnum; i++) {
    const s = readSection(e, i);
    e.secs.push(s);
    const si = i.toString();
    // "%s: Section [%u] data %s of payload" ("at ELF header" / "is past end")
    if (s.offset < e.ehdrSize())
      return fail(R.R_SECTION_OFFSET, EINVAL, lp("Section [" + si + "] data at ELF header of payload"), "", shdrLoc(e, i));
    if (s.type != SHT_NOBITS && (s.offset > len || s.offset + s.size > len))
      return fail(R.R_SECTION_OFFSET, EINVAL, lp("Section [" + si + "] data is past end of payload"), "", shdrLoc(e, i));
    // Xen adds offset and size without a wrap check, so a wrapping size passes there. Harmless
    // for a section Xen never reads (.debug_*); refusedWrap() stops at one it does read.
    if (s.type != SHT_NOBITS && s.size > len - s.offset) e.wrapping.push(i);
    // "%s: Section [%u] alignment (%#"PRIxElfAddr") is not supported"
    if (s.addralign != 0 && (s.addralign & (s.addralign - 1)) != 0)
      return fail(R.R_SECTION_ALIGN, EOPNOTSUPP, lp("Section [" + si + "] alignment (" + hexAlt(s.addralign) + ") is not supported"), "", shdrLoc(e, i));
    // "%s: Section [%u] addr (%#"PRIxElfAddr") is not aligned properly (%#"PRIxElfAddr")"
    if (s.addralign != 0 && s.addr % s.addralign != 0)
      return fail(R.R_SECTION_ADDR, EINVAL, lp("Section [" + si + "] addr (" + hexAlt(s.addr) + ") is not aligned properly (" + hexAlt(s.addralign) + ")"), "", shdrLoc(e, i));
    if ((s.flags & (SHF_WRITE | SHF_ALLOC)) != 0 && s.type == SHT_NOBITS && s.size > MAX_PAYLOAD)
      return fail(R.R_NOBITS_LARGE, EINVAL, "", "a writable or allocated NOBITS section of more than 2 MiB; Xen refuses it without a message", shdrLoc(e, i));
    s.loadAddr = e.rawBase + s.offset;
    if (s.type == SHT_SYMTAB) {
      // "%s: Unsupported multiple symbol tables"
      if (e.symtabIdx >= 0) return fail(R.R_SYMTAB_DUP, EOPNOTSUPP, lp("Unsupported multiple symbol tables"), "", shdrLoc(e, i));
      e.symtabIdx = i;
      // "%s: Symbol table idx (%u) to strtab past end (%u)"
      if (s.link >= e.shnum)
        return fail(R.R_SYMTAB_BAD, EINVAL, lp("Symbol table idx (" + s.link.toString() + ") to strtab past end (" + e.shnum.toString() + ")"), "", shdrLoc(e, i));
    }
  }
  // "%s: No symbol table found"
  if (e.symtabIdx < 0) return fail(R.R_SYMTAB_MISSING, EINVAL, lp("No symbol table found"), "", at(e.shoff, <u64>e.shnum * <u64>e.shentsize));
  const st = e.secs[e.symtabIdx];
  // "%s: Symbol table header is corrupted"
  if (st.size == 0 || st.entsize < e.symSize() || st.size % st.entsize != 0)
    return fail(R.R_SYMTAB_BAD, EINVAL, lp("Symbol table header is corrupted"), "", shdrLoc(e, e.symtabIdx));
  e.strtabIdx = <i32>st.link;
  // sh_link 0 picks sec[0], whose header pointer is NULL: elf_verify_strtab() reads its sh_type.
  if (e.strtabIdx == 0) {
    fatalFault(0, diagName, SHDR_TYPE_OFF, false, R.R_STRTAB_NULL,
      "the symbol table's sh_link is 0, so Xen takes section 0 (which has no header) as the string table and reads its sh_type through a NULL pointer");
    return -ENOSYS;
  }
  const strWrap = refusedWrap(e, e.strtabIdx, "it is the symbol table's string table, which elf_verify_strtab() and elf_get_sym() read");
  if (strWrap != 0) return strWrap;
  // "%s: String table section is corrupted"
  if (!strtabOk(e, e.secs[e.strtabIdx])) return fail(R.R_STRTAB_BAD, EINVAL, lp("String table section is corrupted"), "", shdrLoc(e, e.strtabIdx));
  return 0;
}

/** Sections Xen looks up by name and reads (livepatch.c: check_special_sections, prepare_payload and the hooks). */
function readByName(name: string): bool {
  return name.startsWith(".livepatch.") || name.startsWith(".bug_frames.") || name == ".note.gnu.build-id" || name == ".altinstructions" ||
    name == ".altinstr_replacement" || name == ".alt_call_sites" || name == ".ex_table" || name == ".modinfo";
}

/** Why Xen reads section `s`'s bytes after livepatch_elf_load(), or "" when it never does. */
function laterReader(e: Elf, s: Sec): string {
  if (s.alloc) return "it is SHF_ALLOC, so move_payload() copies it";
  if ((s.type == SHT_RELA || s.type == SHT_REL) && s.info < e.shnum && e.secs[s.info].alloc) return "it relocates an SHF_ALLOC section, so Xen reads its entries";
  if (readByName(s.name)) return "Xen looks it up by name and reads it";
  return "";
}

/**
 * Xen is about to read section `i` because `why`: when its size wraps, that read runs past the
 * end of the upload, which the simulator cannot follow, so it refuses the payload there.
 */
function refusedWrap(e: Elf, i: i32, why: string): i32 {
  if (!e.wrapping.includes(i)) return 0;
  return fail(R.R_SECTION_OFFSET, EINVAL, "", "section [" + i.toString() + "]: sh_offset + sh_size wraps around 2^64, so Xen's bounds check passed it; " + why +
    ", past the end of the upload. The simulator cannot follow that read and refuses the payload here: Xen gives no return code for this", shdrLoc(e, i));
}

/** A wrapping section that Xen reads after loading the ELF (a section it never reads is harmless). */
function refusedLaterWrap(e: Elf): i32 {
  for (let k = 0; k < e.wrapping.length; k++) {
    const i = e.wrapping[k];
    const why = laterReader(e, e.secs[i]);
    if (why.length > 0) return refusedWrap(e, i, why);
  }
  return 0;
}

// elf_resolve_section_names() in xen/common/livepatch_elf.c.
function resolveNames(e: Elf): i32 {
  const shWrap = refusedWrap(e, <i32>e.shstrndx, "it is the section name table, which elf_resolve_section_names() reads");
  if (shWrap != 0) return shWrap;
  const sh = e.secs[e.shstrndx];
  // "%s: Section string table is corrupted"
  if (!strtabOk(e, sh)) return fail(R.R_STRTAB_BAD, EINVAL, lp("Section string table is corrupted"), "", shdrLoc(e, <i32>e.shstrndx));
  for (let i = 1; i < <i32>e.shnum; i++) {
    const s = e.secs[i];
    // "%s: Section %u name is not within .shstrtab"
    if (<u64>s.nameOff >= sh.size) return fail(R.R_STRTAB_BAD, EINVAL, lp("Section " + i.toString() + " name is not within .shstrtab"), "", shdrLoc(e, i));
    s.name = cstr(e.b, sh.offset + <u64>s.nameOff, sh.offset + sh.size);
  }
  return 0;
}

// elf_get_sym() in xen/common/livepatch_elf.c.
function readSymbols(e: Elf): i32 {
  const b = e.b;
  const st = e.secs[e.symtabIdx];
  const str = e.secs[e.strtabIdx];
  const n = <i32>(st.size / st.entsize);
  e.syms = [new Sym()];
  for (let i = 1; i < n; i++) {
    const o = st.offset + st.entsize * <u64>i;
    const y = new Sym();
    const nameOff = b.u32(o);
    if (e.is64) {
      y.info = b.u8(o + 4);
      y.shndx = b.u16(o + 6);
      y.value = b.u64(o + 8);
      y.size = b.u64(o + 16);
    } else {
      y.value = b.u32(o + 4);
      y.size = b.u32(o + 8);
      y.info = b.u8(o + 12);
      y.shndx = b.u16(o + 14);
    }
    // "%s: Symbol [%u] name is not within .strtab"
    if (<u64>nameOff >= str.size) return fail(R.R_STRTAB_BAD, EINVAL, lp("Symbol [" + i.toString() + "] name is not within .strtab"), "", symLoc(e, i));
    y.name = cstr(b, str.offset + <u64>nameOff, str.offset + str.size);
    e.syms.push(y);
    // arch_livepatch_symbol_deny() (ARM32: $t mapping symbols): "%s: Symbol '%s' should not be in payload"
    if (arch == ARCH_ARM32 && y.name.startsWith("$t") && (y.name.length == 2 || y.name.charAt(2) == "."))
      return failQuoting(R.R_THUMB, EINVAL, lp("Symbol '" + y.name + "' should not be in payload"), "Thumb code in the payload", symLoc(e, i));
  }
  return 0;
}

/** livepatch_elf_load(): header, sections, names, symbols; 0 or -errno (message in diag). */
export function loadElf(e: Elf): i32 {
  let rc = headerCheck(e);
  if (rc == 0) rc = resolveSections(e);
  if (rc == 0) rc = resolveNames(e);
  if (rc == 0) rc = refusedWrap(e, e.symtabIdx, "it is the symbol table, which elf_get_sym() reads");
  if (rc == 0) rc = readSymbols(e);
  if (rc == 0) rc = refusedLaterWrap(e);
  return rc;
}
