// Display names, spelled as GNU readelf 2.40 prints them. The parser never formats text; this
// module only turns numbers into words, and unknown values still render (readelf's fallbacks).
import {
  EM_386,
  EM_AARCH64,
  EM_ARM,
  EM_X86_64,
  SHN_ABS,
  SHN_COMMON,
  SHN_HIOS,
  SHN_HIPROC,
  SHN_LOOS,
  SHN_LOPROC,
  SHN_LORESERVE,
  SHN_UNDEF,
} from "./constants.ts";
import { MACHINE_NAMES } from "./machine-names.ts";
import { RELOC_386, RELOC_AARCH64, RELOC_ARM, RELOC_X86_64 } from "./relocation-names.ts";

const ELFOSABI_NONE = 0;
const ELFOSABI_GNU = 3;
const ELFOSABI_FREEBSD = 9;
/** x86-64 large-model common (SHN_X86_64_LCOMMON). */
const SHN_X86_64_LCOMMON = 0xff02;

const hexNoPad = (n: number | bigint): string => n.toString(16);

const SECTION_TYPES: Readonly<Record<number, string>> = {
  0: "NULL", 1: "PROGBITS", 2: "SYMTAB", 3: "STRTAB", 4: "RELA", 5: "HASH", 6: "DYNAMIC", 7: "NOTE",
  8: "NOBITS", 9: "REL", 10: "SHLIB", 11: "DYNSYM", 14: "INIT_ARRAY", 15: "FINI_ARRAY",
  16: "PREINIT_ARRAY", 17: "GROUP", 18: "SYMTAB SECTION INDICES", 19: "RELR",
  0x6fff4700: "GNU_INCREMENTAL_INPUTS", 0x6ffffff0: "VERSYM", 0x6ffffff5: "GNU_ATTRIBUTES",
  0x6ffffff6: "GNU_HASH", 0x6ffffff7: "GNU_LIBLIST", 0x6ffffffc: "VERDEF", 0x6ffffffd: "VERDEF",
  0x6ffffffe: "VERNEED", 0x6fffffff: "VERSYM", 0x7fffffff: "FILTER",
};

const PROC_SECTION_TYPES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [EM_X86_64]: { 0x70000001: "X86_64_UNWIND" },
  [EM_ARM]: { 0x70000001: "ARM_EXIDX", 0x70000002: "ARM_PREEMPTMAP", 0x70000003: "ARM_ATTRIBUTES", 0x70000004: "ARM_DEBUGOVERLAY", 0x70000005: "ARM_OVERLAYSECTION" },
  [EM_AARCH64]: { 0x70000003: "AARCH64_ATTRIBUTES" },
};

const SOLARIS_SECTION_TYPES: Readonly<Record<number, string>> = {
  0x6fffffee: "SUNW_ancillary", 0x6fffffef: "SUNW_capchain", 0x6ffffff1: "SUNW_symsort", 0x6ffffff2: "SUNW_tlssort",
  0x6ffffff3: "SUNW_LDYNSYM", 0x6ffffff4: "SUNW_dof", 0x6ffffff5: "SUNW_cap", 0x6ffffff8: "SUNW_DEBUGSTR",
  0x6ffffff9: "SUNW_DEBUG", 0x6ffffffa: "SUNW_move", 0x6ffffffb: "SUNW_COMDAT",
};
const ELFOSABI_SOLARIS = 6;

/** Section type column of `readelf -S` (e.g. `PROGBITS`, `X86_64_UNWIND`, `LOOS+0x5`). */
export function sectionTypeName(type: number, machine: number, osabi = 0): string {
  const proc = PROC_SECTION_TYPES[machine]?.[type];
  if (proc) return proc;
  if (osabi === ELFOSABI_SOLARIS) {
    const sun = SOLARIS_SECTION_TYPES[type];
    if (sun) return sun;
    if (type === 0x6fff4700) return "LOOS+0xfff4700";
  }
  const known = SECTION_TYPES[type];
  if (known) return known;
  const plus = (base: number): string => {
    const d = type - base;
    return d === 0 ? "0" : `0x${hexNoPad(d)}`;
  };
  if (type >= 0x70000000 && type <= 0x7fffffff) return `LOPROC+${plus(0x70000000)}`;
  if (type >= 0x60000000 && type <= 0x6fffffff) return `LOOS+${plus(0x60000000)}`;
  if (type >= 0x80000000 && type <= 0xffffffff) return `LOUSER+${plus(0x80000000)}`;
  return `${type.toString(16).padStart(8, "0")}: <unknown>`;
}

const SHF_MASKOS = 0x0ff00000n;
const SHF_MASKPROC = 0xf0000000n;
const FLAG_LETTERS: Readonly<Record<number, string>> = {
  0x1: "W", 0x2: "A", 0x4: "X", 0x10: "M", 0x20: "S", 0x40: "I", 0x80: "L", 0x100: "O",
  0x200: "G", 0x400: "T", 0x800: "C", 0x80000000: "E",
};

/**
 * Flag letters of `readelf -SW`, lowest bit first. Like readelf, an OS- or processor-specific
 * bit prints once (`o`/`p`) and then clears its whole mask, together with every bit above 31.
 */
export function sectionFlagLetters(flags: bigint, machine: number, osabi: number): string {
  let rest = BigInt.asUintN(64, flags);
  let out = "";
  while (rest !== 0n) {
    const flag = rest & -rest;
    rest &= ~flag;
    const letter = flag <= 0x80000000n ? FLAG_LETTERS[Number(flag)] : undefined;
    if (letter) {
      out += letter;
    } else if (machine === EM_X86_64 && flag === 0x10000000n) {
      out += "l";
    } else if (machine === EM_ARM && flag === 0x20000000n) {
      out += "y";
    } else if (flag & SHF_MASKOS) {
      const gnuish = osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD;
      if (gnuish && flag === 0x200000n) out += "R";
      else if ((gnuish || osabi === ELFOSABI_NONE) && flag === 0x01000000n) out += "D";
      else {
        out += "o";
        rest &= ~SHF_MASKOS & 0xffffffffn;
      }
    } else if (flag & SHF_MASKPROC) {
      out += "p";
      rest &= ~SHF_MASKPROC & 0xffffffffn;
    } else {
      out += "x";
    }
  }
  return out;
}

/** The "Key to Flags" block that `readelf -SW` prints after the section table. */
export function flagKey(machine: number, osabi: number): string {
  let last = "  ";
  if (osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD) last += "R (retain), ";
  if (osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD || osabi === ELFOSABI_NONE) last += "D (mbind), ";
  if (machine === EM_X86_64) last += "l (large), ";
  if (machine === EM_ARM) last += "y (purecode), ";
  last += "p (processor specific)";
  return (
    "Key to Flags:\n" +
    "  W (write), A (alloc), X (execute), M (merge), S (strings), I (info),\n" +
    "  L (link order), O (extra OS processing required), G (group), T (TLS),\n" +
    "  C (compressed), x (unknown), o (OS specific), E (exclude),\n" +
    last +
    "\n"
  );
}

const RELOC_TABLES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [EM_X86_64]: RELOC_X86_64,
  [EM_386]: RELOC_386,
  [EM_ARM]: RELOC_ARM,
  [EM_AARCH64]: RELOC_AARCH64,
};

/** `readelf -r` relocation type name (`R_X86_64_PC32`), or null when readelf does not know it. */
export function relocationTypeName(machine: number, type: number): string | null {
  return RELOC_TABLES[machine]?.[type] ?? null;
}

/** Symbol type as `readelf -s` prints it. */
export function symbolTypeName(type: number, machine: number, osabi: number): string {
  const names = ["NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS"];
  if (type < names.length) return names[type];
  if (type === 8) return "RELC";
  if (type === 9) return "SRELC";
  if (type === 13 && machine === EM_ARM) return "THUMB_FUNC";
  if (type >= 13 && type <= 15) return `<processor specific>: ${type}`;
  if (type === 10 && (osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD)) return "IFUNC";
  if (type >= 10 && type <= 12) return `<OS specific>: ${type}`;
  return `<unknown>: ${type}`;
}

/** Symbol binding as `readelf -s` prints it. */
export function symbolBindName(bind: number, osabi: number): string {
  const names = ["LOCAL", "GLOBAL", "WEAK"];
  if (bind < names.length) return names[bind];
  if (bind === 10 && osabi === ELFOSABI_GNU) return "UNIQUE";
  if (bind >= 10 && bind <= 12) return `<OS specific>: ${bind}`;
  if (bind >= 13 && bind <= 15) return `<processor specific>: ${bind}`;
  return `<unknown>: ${bind}`;
}

/** Symbol visibility (low two bits of st_other). */
export function symbolVisibilityName(other: number): string {
  return ["DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"][other & 3];
}

/** Solaris reads the whole st_other as a visibility (EXPORTED, SINGLETON, ELIMINATE added). */
export function solarisVisibilityName(other: number): string {
  return ["DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED", "EXPORTED", "SINGLETON", "ELIMINATE"][other] ?? "<unknown>";
}

/** What readelf prints in brackets for st_other bits beyond the visibility, or null. */
export function symbolOtherName(other: number, machine: number): string | null {
  const extra = other & ~3 & 0xff;
  if (extra === 0) return null;
  if (machine === EM_AARCH64 && extra === 0x80) return "VARIANT_PCS";
  return `<other>: ${hexNoPad(extra)}`;
}

/**
 * `Ndx` column of `readelf -s`: `UND`, `ABS`, `COM`, or the index (right-aligned to 3 by the
 * caller's `%4s`). `sectionCount` is the real number of sections (0 when there is no table).
 */
export function sectionIndexName(shndx: number, machine: number, sectionCount: number): string {
  switch (shndx) {
    case SHN_UNDEF:
      return "UND";
    case SHN_ABS:
      return "ABS";
    case SHN_COMMON:
      return "COM";
  }
  if (machine === EM_X86_64 && shndx === SHN_X86_64_LCOMMON) return "LARGE_COM";
  const h4 = (shndx & 0xffff).toString(16).padStart(4, "0");
  if (shndx >= SHN_LOPROC && shndx <= SHN_HIPROC) return `PRC[0x${h4}]`;
  if (shndx >= SHN_LOOS && shndx <= SHN_HIOS) return `OS [0x${h4}]`;
  if (shndx >= SHN_LORESERVE && shndx <= 0xffff) return `RSV[0x${h4}]`;
  if (sectionCount !== 0 && shndx >= sectionCount) return `bad section index[${String(shndx).padStart(3)}]`;
  return String(shndx).padStart(3);
}

/** Machine name as on readelf's `Machine:` line (`Advanced Micro Devices X86-64`). */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `<unknown>: 0x${hexNoPad(machine)}`;
}

const OSABI_NAMES: Readonly<Record<number, string>> = {
  0: "UNIX - System V", 1: "UNIX - HP-UX", 2: "UNIX - NetBSD", 3: "UNIX - GNU", 6: "UNIX - Solaris",
  7: "UNIX - AIX", 8: "UNIX - IRIX", 9: "UNIX - FreeBSD", 10: "UNIX - TRU64", 11: "Novell - Modesto",
  12: "UNIX - OpenBSD", 13: "VMS - OpenVMS", 14: "HP - Non-Stop Kernel", 15: "AROS", 16: "FenixOS",
  17: "Nuxi CloudABI", 18: "Stratus Technologies OpenVOS",
};

/** OS/ABI as on readelf's `OS/ABI:` line (`UNIX - System V`). */
export function osabiName(osabi: number, machine: number): string {
  const known = OSABI_NAMES[osabi];
  if (known) return known;
  if (machine === EM_ARM && osabi === 65) return "ARM FDPIC";
  if (machine === EM_ARM && osabi === 97) return "ARM";
  return `<unknown: ${hexNoPad(osabi)}>`;
}

/** e_type as on readelf's `Type:` line (`REL (Relocatable file)`). */
export function fileTypeName(type: number): string {
  const names = ["NONE (None)", "REL (Relocatable file)", "EXEC (Executable file)", "DYN (Shared object file)", "CORE (Core file)"];
  if (type < names.length) return names[type];
  if (type >= 0xfe00 && type <= 0xfeff) return `OS Specific: (${hexNoPad(type)})`;
  if (type >= 0xff00 && type <= 0xffff) return `Processor Specific: (${hexNoPad(type)})`;
  return `<unknown>: ${hexNoPad(type)}`;
}

/** The text after the hex on readelf's `Flags:` line (ARM EABI decoding; empty elsewhere). */
export function machineFlagsText(machine: number, flags: number): string {
  if (flags === 0 || machine !== EM_ARM) return "";
  let out = "";
  let rest = flags >>> 0;
  if (rest & 0x1) {
    out += ", relocatable executable";
    rest &= ~0x1;
  }
  const eabi = rest & 0xff000000;
  rest &= 0x00ffffff;
  let unknown = false;
  const take = (bit: number, text: string): boolean => {
    if (!(rest & bit)) return false;
    out += `, ${text}`;
    rest &= ~bit;
    return true;
  };
  switch (eabi >>> 0) {
    case 0x05000000:
      out += ", Version5 EABI";
      take(0x200, "soft-float ABI");
      take(0x400, "hard-float ABI");
      take(0x800000, "BE8");
      take(0x400000, "LE8");
      unknown = rest !== 0;
      break;
    case 0x04000000:
      out += ", Version4 EABI";
      take(0x800000, "BE8");
      take(0x400000, "LE8");
      unknown = rest !== 0;
      break;
    case 0x03000000:
    case 0x02000000:
    case 0x01000000:
      out += `, Version${eabi >>> 24} EABI`;
      unknown = rest !== 0;
      break;
    case 0:
      out += ", GNU EABI";
      take(0x4, "interworking enabled");
      take(0x8, "uses APCS/26");
      take(0x10, "uses APCS/float");
      take(0x20, "position independent");
      take(0x40, "8 bit structure alignment");
      take(0x80, "uses new ABI");
      take(0x100, "uses old ABI");
      take(0x200, "software FP");
      take(0x400, "VFP");
      take(0x800, "Maverick FP");
      unknown = rest !== 0;
      break;
    default:
      return `${out}, <unrecognized EABI>`;
  }
  return unknown ? `${out}, <unknown>` : out;
}

const GNU_NOTE_TYPES: Readonly<Record<number, string>> = {
  1: "NT_GNU_ABI_TAG (ABI version tag)",
  2: "NT_GNU_HWCAP (DSO-supplied software HWCAP info)",
  3: "NT_GNU_BUILD_ID (unique build ID bitstring)",
  4: "NT_GNU_GOLD_VERSION (gold version)",
  5: "NT_GNU_PROPERTY_TYPE_0",
  0x100: "NT_GNU_BUILD_ATTRIBUTE_OPEN",
  0x101: "NT_GNU_BUILD_ATTRIBUTE_FUNC",
};

const GENERIC_NOTE_TYPES: Readonly<Record<number, string>> = {
  1: "NT_VERSION (version)",
  2: "NT_ARCH (architecture)",
  0x100: "OPEN",
  0x101: "func",
};

/** Note type as in `readelf -n` (`NT_GNU_BUILD_ID (unique build ID bitstring)`). */
export function noteTypeName(owner: string, type: number): string {
  const unknown = `Unknown note type: (0x${type.toString(16).padStart(8, "0")})`;
  if (owner === "GNU") return GNU_NOTE_TYPES[type] ?? unknown;
  if (owner === "Go" && type === 4) return "GO BUILDID";
  return GENERIC_NOTE_TYPES[type] ?? unknown;
}
