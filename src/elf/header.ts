// The file header: the only part whose damage is fatal.
import { EI_CLASS, EI_DATA, EI_NIDENT, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, EV_CURRENT } from "./constants.ts";
import { ElfFormatError } from "./errors.ts";
import { LAYOUT32, LAYOUT64, type Layout } from "./layout.ts";
import { ByteReader } from "./reader.ts";
import type { ElfHeader } from "./types.ts";

export interface HeaderResult {
  header: ElfHeader;
  reader: ByteReader;
  layout: Layout;
  /** Problems in non-fatal header fields, reported as diagnostics by the caller. */
  warnings: { code: "BAD_VERSION" | "BAD_EHSIZE"; offset: number; message: string }[];
}

/** Reads and validates e_ident and the rest of the file header; throws ElfFormatError. */
export function parseHeader(bytes: Uint8Array): HeaderResult {
  const magic = [0x7f, 0x45, 0x4c, 0x46];
  for (let i = 0; i < 4; i++) {
    if (i >= bytes.length) throw new ElfFormatError("TRUNCATED_HEADER", bytes.length, `file is ${bytes.length} bytes, too short for the ELF magic`);
    if (bytes[i] !== magic[i]) throw new ElfFormatError("NOT_ELF", i, `not an ELF file: bad magic byte 0x${bytes[i].toString(16)} at byte 0x${i.toString(16)}`, "e_ident", bytes[i]);
  }
  if (bytes.length < EI_NIDENT) throw new ElfFormatError("TRUNCATED_HEADER", bytes.length, `file is ${bytes.length} bytes, too short for e_ident`);
  const cls = bytes[EI_CLASS];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new ElfFormatError("BAD_CLASS", EI_CLASS, `unknown ELF class ${cls} at byte 0x4`, "EI_CLASS", cls);
  const data = bytes[EI_DATA];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new ElfFormatError("BAD_DATA", EI_DATA, `unknown ELF data encoding ${data} at byte 0x5`, "EI_DATA", data);
  const L = cls === ELFCLASS64 ? LAYOUT64 : LAYOUT32;
  if (bytes.length < L.ehdrSize) {
    throw new ElfFormatError("TRUNCATED_HEADER", bytes.length, `file is ${bytes.length} bytes, too short for the ${L.ehdrSize}-byte ELF${L.is64 ? 64 : 32} header`);
  }
  const r = new ByteReader(bytes, data === ELFDATA2LSB);
  const e = L.eh;
  const header: ElfHeader = {
    ident: bytes.slice(0, EI_NIDENT),
    elfClass: L.is64 ? 64 : 32,
    littleEndian: r.le,
    identVersion: bytes[6],
    osabi: bytes[7],
    abiVersion: bytes[8],
    type: r.u16(e.type),
    machine: r.u16(e.machine),
    version: r.u32(e.version),
    entry: r.word(e.entry, L.is64),
    phoff: r.word(e.phoff, L.is64),
    shoff: r.word(e.shoff, L.is64),
    flags: r.u32(e.flags),
    ehsize: r.u16(e.ehsize),
    phentsize: r.u16(e.phentsize),
    phnum: r.u16(e.phnum),
    shentsize: r.u16(e.shentsize),
    shnum: r.u16(e.shnum),
    shstrndx: r.u16(e.shstrndx),
    sectionCount: 0,
    programCount: 0,
    sectionNamesIndex: 0,
    range: { offset: 0, size: L.ehdrSize },
  };
  header.sectionCount = header.shnum;
  header.programCount = header.phnum;
  header.sectionNamesIndex = header.shstrndx;
  const warnings: HeaderResult["warnings"] = [];
  if (header.version !== EV_CURRENT) warnings.push({ code: "BAD_VERSION", offset: e.version, message: `unexpected e_version ${header.version} at byte 0x${e.version.toString(16)}` });
  if (header.ehsize !== L.ehdrSize) warnings.push({ code: "BAD_EHSIZE", offset: e.ehsize, message: `e_ehsize ${header.ehsize} differs from ${L.ehdrSize} at byte 0x${e.ehsize.toString(16)}` });
  return { header, reader: r, layout: L, warnings };
}
