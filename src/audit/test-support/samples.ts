// Test helpers: the committed samples, and byte surgery on copies of them (ELF little-endian,
// 64- or 32-bit) so each rule can be triggered by a minimal change to a real payload.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ElfFile, parseElf, relocSymbol, relocType } from "../../elf/index.ts";

export const SAMPLES = fileURLToPath(new URL("../../../public/samples/", import.meta.url));

export interface SampleEntry {
  path: string;
  kind: "payload" | "image";
  arch: string;
  image: string | null;
  expect: string;
}

export function catalogue(): SampleEntry[] {
  return JSON.parse(readFileSync(SAMPLES + "index.json", "utf8")) as SampleEntry[];
}

export function sample(path: string): Uint8Array {
  return new Uint8Array(readFileSync(SAMPLES + path));
}

export function imageFor(path: string): { file: string; bytes: Uint8Array; elf: ElfFile } {
  const bytes = sample(path);
  return { file: path, bytes, elf: parseElf(bytes) };
}

/** A mutable copy with helpers that locate fields through the parsed file. */
export class Patch {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly elf: ElfFile;
  readonly is64: boolean;

  constructor(source: Uint8Array) {
    this.bytes = source.slice();
    this.view = new DataView(this.bytes.buffer);
    this.elf = parseElf(this.bytes);
    this.is64 = this.elf.header.elfClass === 64;
  }

  u8(at: number, v: number): this {
    this.bytes[at] = v;
    return this;
  }
  u16(at: number, v: number): this {
    this.view.setUint16(at, v, true);
    return this;
  }
  u32(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }
  word(at: number, v: bigint): this {
    if (this.is64) this.view.setBigUint64(at, v, true);
    else this.view.setUint32(at, Number(v), true);
    return this;
  }

  section(name: string) {
    const s = this.elf.sections.find((x) => x.name === name);
    if (!s) throw new Error(`no section ${name}`);
    return s;
  }

  /** Rewrites one section header field. */
  shdr(name: string, field: "name" | "type" | "flags" | "addr" | "offset" | "size" | "link" | "info" | "addralign" | "entsize", v: bigint | number): this {
    const h = this.section(name).header.offset;
    const o64 = { name: [0, 4], type: [4, 4], flags: [8, 8], addr: [16, 8], offset: [24, 8], size: [32, 8], link: [40, 4], info: [44, 4], addralign: [48, 8], entsize: [56, 8] } as const;
    const o32 = { name: [0, 4], type: [4, 4], flags: [8, 4], addr: [12, 4], offset: [16, 4], size: [20, 4], link: [24, 4], info: [28, 4], addralign: [32, 4], entsize: [36, 4] } as const;
    const [off, width] = (this.is64 ? o64 : o32)[field];
    if (width === 8) this.view.setBigUint64(h + off, BigInt(v), true);
    else this.view.setUint32(h + off, Number(v) >>> 0, true);
    return this;
  }

  /** Renames a section in place (the new name must not be longer). */
  rename(name: string, to: string): this {
    if (to.length > name.length) throw new Error("new name is longer");
    const s = this.section(name);
    const strtab = this.elf.sections[this.elf.header.shstrndx];
    const at = strtab.dataOffset + s.nameOffset;
    for (let i = 0; i < name.length; i++) this.bytes[at + i] = i < to.length ? to.charCodeAt(i) : 0;
    return this;
  }

  /** File offset of symbol `name`'s record in .symtab. */
  symbol(name: string): { at: number; index: number } {
    const t = this.elf.symbolTables.find((x) => x.sectionType === 2)!;
    const index = t.name.indexOf(name);
    if (index < 0) throw new Error(`no symbol ${name}`);
    return { at: t.recordOffset + index * t.entsize, index };
  }

  /** File offset of symbol record `index` in .symtab. */
  symbolAt(index: number): number {
    const t = this.elf.symbolTables.find((x) => x.sectionType === 2)!;
    return t.recordOffset + index * t.entsize;
  }

  /** Sets a symbol's st_shndx. */
  symShndx(name: string, shndx: number): this {
    return this.u16(this.symbol(name).at + (this.is64 ? 6 : 14), shndx);
  }

  /** Record `k` of relocation section `name`: sets its type and/or symbol. */
  reloc(name: string, k: number, set: { type?: number; sym?: number; offset?: bigint }): this {
    const t = this.elf.relocationTables.find((r) => this.elf.sections[r.sectionIndex].name === name)!;
    const at = t.recordOffset + k * t.entsize;
    const type = set.type ?? relocType(t, k);
    const sym = set.sym ?? relocSymbol(t, k);
    if (this.is64) {
      this.view.setBigUint64(at + 8, (BigInt(sym) << 32n) | BigInt(type), true);
      if (set.offset !== undefined) this.view.setBigUint64(at, set.offset, true);
    } else {
      this.view.setUint32(at + 4, ((sym << 8) | (type & 0xff)) >>> 0, true);
      if (set.offset !== undefined) this.view.setUint32(at, Number(set.offset), true);
    }
    return this;
  }

  /** Sets the RELA addend of record `k` of relocation section `name`. */
  addend(name: string, k: number, v: bigint): this {
    const t = this.elf.relocationTables.find((r) => this.elf.sections[r.sectionIndex].name === name)!;
    const at = t.recordOffset + k * t.entsize + (this.is64 ? 16 : 8);
    if (this.is64) this.view.setBigInt64(at, v, true);
    else this.view.setInt32(at, Number(v), true);
    return this;
  }

  /** Replaces the first occurrence of an ASCII string (same length) at or after `from`. */
  text(find: string, replace: string, from = 0): this {
    if (find.length !== replace.length) throw new Error("same length only");
    const needle = new TextEncoder().encode(find);
    for (let i = from; i + needle.length <= this.bytes.length; i++)
      if (needle.every((b, k) => this.bytes[i + k] === b)) {
        for (let k = 0; k < needle.length; k++) this.bytes[i + k] = replace.charCodeAt(k);
        return this;
      }
    throw new Error(`no ${find}`);
  }

  /** File offset of `.livepatch.funcs[i]` field `field`. */
  func(i: number, field: "name" | "new_addr" | "old_addr" | "new_size" | "old_size" | "version" | "applied" | "expect"): number {
    const s = this.section(".livepatch.funcs");
    const off64 = { name: 0, new_addr: 8, old_addr: 16, new_size: 24, old_size: 28, version: 32, applied: 64, expect: 72 };
    const off32 = { name: 0, new_addr: 4, old_addr: 8, new_size: 12, old_size: 16, version: 20, applied: 52, expect: 60 };
    return s.dataOffset + i * (this.is64 ? 104 : 92) + (this.is64 ? off64 : off32)[field];
  }
}

/**
 * A copy of `source` whose `.livepatch.funcs` holds its records twice (the copy after the
 * original) and whose `.rela.livepatch.funcs` holds its relocations twice, the copies' r_offset
 * moved by the section's size so each copied record is relocated as its original: two records that
 * patch the same function. Both sections move to the end of the file (8-aligned).
 */
export function withFuncsDoubled(source: Uint8Array): Patch {
  const p = new Patch(source);
  const funcs = p.section(".livepatch.funcs");
  const rela = p.section(".rela.livepatch.funcs");
  const align8 = (n: number) => (n + 7) & ~7;
  const f = source.slice(funcs.dataOffset, funcs.dataOffset + funcs.dataSize);
  const r = source.slice(rela.dataOffset, rela.dataOffset + rela.dataSize);
  const fOff = align8(source.length);
  const rOff = align8(fOff + 2 * f.length);
  const out = new Uint8Array(rOff + 2 * r.length);
  out.set(source);
  out.set(f, fOff);
  out.set(f, fOff + f.length);
  out.set(r, rOff);
  out.set(r, rOff + r.length);
  const view = new DataView(out.buffer);
  const entsize = p.is64 ? 24 : 12;
  for (let at = rOff + r.length; at < out.length; at += entsize)
    if (p.is64) view.setBigUint64(at, view.getBigUint64(at, true) + BigInt(f.length), true);
    else view.setUint32(at, view.getUint32(at, true) + f.length, true);
  const q = new Patch(out);
  q.shdr(".livepatch.funcs", "offset", fOff).shdr(".livepatch.funcs", "size", 2 * f.length);
  q.shdr(".rela.livepatch.funcs", "offset", rOff).shdr(".rela.livepatch.funcs", "size", 2 * r.length);
  return new Patch(q.bytes);
}
