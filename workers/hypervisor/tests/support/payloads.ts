// Test helpers for the upload tests: boot a sample image, load sample payloads, and make
// targeted byte edits (located with src/elf) to build malformed variants of real payloads.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ElfFile, type ElfSection, parseElf, relocOffset } from "../../../../src/elf/index.ts";
import { bootNodeImage } from "../../host/node.ts";
import type { HypervisorApi } from "../../host/api.ts";

export type SampleArch = "x86_64" | "aarch64" | "arm32";

const SAMPLES = fileURLToPath(new URL("../../../../public/samples/", import.meta.url));

export function sampleBytes(path: string): Uint8Array {
  const b = readFileSync(SAMPLES + path);
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function payloadBytes(arch: SampleArch, name: string): Uint8Array {
  return sampleBytes(`${arch}/${name}.livepatch`);
}

export async function bootArch(arch: SampleArch, cpus = 2): Promise<HypervisorApi> {
  const { hv } = await bootNodeImage(SAMPLES + `${arch}/xen-syms`, cpus);
  return hv;
}

/** A writable copy of a payload with helpers that know where its records live. */
export class Edit {
  readonly bytes: Uint8Array;
  readonly elf: ElfFile;
  private readonly dv: DataView;
  readonly is64: boolean;

  constructor(src: Uint8Array) {
    this.bytes = src.slice();
    this.elf = parseElf(src.slice());
    this.dv = new DataView(this.bytes.buffer);
    this.is64 = this.elf.header.elfClass === 64;
  }

  u8(off: number, v: number): this {
    this.bytes[off] = v;
    return this;
  }
  u16(off: number, v: number): this {
    this.dv.setUint16(off, v, true);
    return this;
  }
  u32(off: number, v: number): this {
    this.dv.setUint32(off, v >>> 0, true);
    return this;
  }
  u64(off: number, v: bigint): this {
    this.dv.setBigUint64(off, BigInt.asUintN(64, v), true);
    return this;
  }
  word(off: number, v: bigint): this {
    return this.is64 ? this.u64(off, v) : this.u32(off, Number(BigInt.asUintN(32, v)));
  }
  readU32(off: number): number {
    return this.dv.getUint32(off, true);
  }

  section(name: string): ElfSection {
    const s = this.elf.sections.find((x) => x.name === name);
    if (!s) throw new Error(`no section ${name}`);
    return s;
  }

  /** Field offsets inside a section header record. */
  private shField(s: ElfSection, field: "name" | "type" | "flags" | "addr" | "offset" | "size" | "link" | "info" | "addralign" | "entsize"): number {
    const o64 = { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56 };
    const o32 = { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36 };
    return s.header.offset + (this.is64 ? o64 : o32)[field];
  }

  sh(name: string | number, field: "name" | "type" | "link" | "info", v: number): this;
  sh(name: string | number, field: "flags" | "addr" | "offset" | "size" | "addralign" | "entsize", v: bigint): this;
  sh(name: string | number, field: Parameters<Edit["shField"]>[1], v: number | bigint): this {
    const s = typeof name === "number" ? this.elf.sections[name] : this.section(name);
    const off = this.shField(s, field);
    if (field === "name" || field === "type" || field === "link" || field === "info") return this.u32(off, Number(v));
    return this.word(off, BigInt(v));
  }

  /** Overwrites a section's name in .shstrtab in place (the new name must not be longer). */
  rename(from: string, to: string): this {
    const s = this.section(from);
    if (to.length > from.length) throw new Error("rename: new name longer");
    const tab = this.elf.sections[this.elf.header.shstrndx];
    const at = tab.dataOffset + s.nameOffset;
    for (let i = 0; i < from.length; i++) this.bytes[at + i] = i < to.length ? to.charCodeAt(i) : 0;
    return this;
  }

  symtab() {
    const t = this.elf.symbolTables.find((x) => x.sectionType === 2);
    if (!t) throw new Error("no symtab");
    return t;
  }

  symIndex(name: string): number {
    const t = this.symtab();
    const i = t.name.indexOf(name);
    if (i < 0) throw new Error(`no symbol ${name}`);
    return i;
  }

  /** Index of the STT_SECTION symbol of section `name`. */
  sectionSymbol(name: string): number {
    const t = this.symtab();
    const idx = this.section(name).index;
    for (let i = 1; i < t.count; i++) if ((t.info[i] & 0xf) === 3 && t.shndx[i] === idx) return i;
    throw new Error(`no section symbol for ${name}`);
  }

  /** Offset of symbol `i`'s record and of a field in it. */
  symField(i: number, field: "name" | "value" | "size" | "info" | "shndx"): number {
    const t = this.symtab();
    const rec = t.recordOffset + i * t.entsize;
    const o64 = { name: 0, info: 4, shndx: 6, value: 8, size: 16 };
    const o32 = { name: 0, value: 4, size: 8, info: 12, shndx: 14 };
    return rec + (this.is64 ? o64 : o32)[field];
  }

  /** Overwrites the bytes of a symbol's name in its string table (same length or shorter). */
  renameSymbol(name: string, to: string): this {
    const t = this.symtab();
    const i = this.symIndex(name);
    const str = this.elf.sections[t.stringTableIndex];
    const at = str.dataOffset + t.nameOffset[i];
    if (to.length > name.length) throw new Error("renameSymbol: new name longer");
    for (let k = 0; k < name.length; k++) this.bytes[at + k] = k < to.length ? to.charCodeAt(k) : 0;
    return this;
  }

  /** The relocation table applying to section `target`, and a record/field offset inside it. */
  relocs(target: string) {
    const idx = this.section(target).index;
    const t = this.elf.relocationTables.find((r) => r.targetSection === idx);
    if (!t) throw new Error(`no relocations for ${target}`);
    return t;
  }

  relField(target: string, k: number, field: "offset" | "info" | "addend"): number {
    const t = this.relocs(target);
    const rec = t.recordOffset + k * t.entsize;
    const w = this.is64 ? 8 : 4;
    return rec + (field === "offset" ? 0 : field === "info" ? w : 2 * w);
  }

  /** Sets relocation k's type (keeping its symbol). */
  relType(target: string, k: number, type: number): this {
    const off = this.relField(target, k, "info");
    if (this.is64) return this.u32(off, type);
    return this.u8(off, type);
  }

  relSym(target: string, k: number, sym: number): this {
    const off = this.relField(target, k, "info");
    if (this.is64) return this.u32(off + 4, sym);
    const info = this.readU32(off);
    return this.u32(off, ((sym << 8) | (info & 0xff)) >>> 0);
  }

  /** Index of the relocation that fills byte `at` of `target`. */
  relAt(target: string, at: number): number {
    const t = this.relocs(target);
    for (let k = 0; k < t.count; k++) if (Number(relocOffset(t, k)) === at) return k;
    throw new Error(`no relocation at ${target}+${at}`);
  }

  /** File offset of byte `at` inside section `name`'s data. */
  dataAt(name: string, at = 0): number {
    return this.section(name).dataOffset + at;
  }
}

/** Where the simulator puts the first payload after boot (see assembly/place.ts). */
export function firstPayloadBase(hv: HypervisorApi, arch: SampleArch): bigint {
  if (arch === "aarch64") return 0x00000a0001000000n;
  if (arch === "arm32") return 0x1000000n;
  const end = hv.symbol("_end")?.addr ?? 0n;
  return (end + 0x1fffffn) & ~0x1fffffn;
}
