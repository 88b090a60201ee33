// A tiny ELF writer for tests: lays out sections after the header, then the section header table,
// and lets a test overwrite any field afterwards to make the file hostile on purpose.

export interface SectionSpec {
  name: string;
  type: number;
  flags?: bigint;
  addr?: bigint;
  data?: Uint8Array;
  /** Override sh_size (default: data length). */
  size?: bigint;
  /** Override sh_offset (default: where data was placed). */
  offset?: bigint;
  link?: number;
  info?: number;
  align?: bigint;
  entsize?: bigint;
  /** Override sh_name (default: offset of `name` in .shstrtab). */
  nameOffset?: number;
}

export interface ElfSpec {
  is64?: boolean;
  littleEndian?: boolean;
  machine?: number;
  type?: number;
  osabi?: number;
  flags?: number;
  entry?: bigint;
  /** Sections after the null section; `.shstrtab` is appended last automatically. */
  sections: SectionSpec[];
}

export interface BuiltElf {
  bytes: Uint8Array;
  /** File offset of section i's header record (i = 0 is the null section). */
  shdrOffset(i: number): number;
  /** File offset of section i's data. */
  dataOffset(i: number): number;
  shoff: number;
  is64: boolean;
  littleEndian: boolean;
}

/** Byte writer with endianness and width fixed up front. */
export class Writer {
  private buf: number[] = [];
  constructor(readonly littleEndian: boolean) {}
  get length(): number {
    return this.buf.length;
  }
  u8(v: number): this {
    this.buf.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.int(BigInt(v), 2);
  }
  u32(v: number): this {
    return this.int(BigInt(v >>> 0), 4);
  }
  u64(v: bigint): this {
    return this.int(BigInt.asUintN(64, v), 8);
  }
  word(v: bigint, is64: boolean): this {
    return is64 ? this.u64(v) : this.u32(Number(BigInt.asUintN(32, v)));
  }
  bytes(b: Uint8Array | number[]): this {
    for (const x of b) this.buf.push(x & 0xff);
    return this;
  }
  pad(to: number): this {
    while (this.buf.length % to) this.buf.push(0);
    return this;
  }
  private int(v: bigint, n: number): this {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
    if (!this.littleEndian) out.reverse();
    this.buf.push(...out);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.buf);
  }
}

export function buildElf(spec: ElfSpec): BuiltElf {
  const is64 = spec.is64 ?? true;
  const le = spec.littleEndian ?? true;
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const names = new Writer(le).u8(0);
  const nameOffsets: number[] = [];
  const all: SectionSpec[] = [...spec.sections, { name: ".shstrtab", type: 3 }];
  for (const s of all) {
    nameOffsets.push(names.length);
    names.bytes(new TextEncoder().encode(s.name)).u8(0);
  }
  all[all.length - 1].data = names.done();

  const body = new Writer(le);
  const dataOffsets: number[] = [0];
  for (const s of all) {
    body.pad(8);
    dataOffsets.push(ehsize + body.length);
    if (s.data && s.type !== 8) body.bytes(s.data);
  }
  body.pad(8);
  const shoff = ehsize + body.length;

  const w = new Writer(le);
  w.bytes([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, spec.osabi ?? 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  w.u16(spec.type ?? 1).u16(spec.machine ?? 62).u32(1);
  w.word(spec.entry ?? 0n, is64).word(0n, is64).word(BigInt(shoff), is64);
  w.u32(spec.flags ?? 0).u16(ehsize).u16(0).u16(0).u16(shentsize).u16(all.length + 1).u16(all.length);
  w.bytes(body.done());
  for (let i = 0; i < shentsize; i++) w.u8(0);
  all.forEach((s, k) => {
    const i = k + 1;
    w.u32(s.nameOffset ?? nameOffsets[k]).u32(s.type);
    w.word(s.flags ?? 0n, is64).word(s.addr ?? 0n, is64);
    w.word(s.offset ?? BigInt(dataOffsets[i]), is64).word(s.size ?? BigInt(s.data?.length ?? 0), is64);
    w.u32(s.link ?? 0).u32(s.info ?? 0).word(s.align ?? 1n, is64).word(s.entsize ?? 0n, is64);
  });
  const bytes = w.done();
  return {
    bytes,
    shdrOffset: (i) => shoff + i * shentsize,
    dataOffset: (i) => dataOffsets[i],
    shoff,
    is64,
    littleEndian: le,
  };
}

/** Overwrite `n` bytes at `offset` with `value` in the file's byte order. */
export function poke(b: BuiltElf, offset: number, n: 1 | 2 | 4 | 8, value: number | bigint): void {
  const w = new Writer(b.littleEndian);
  if (n === 1) w.u8(Number(value));
  else if (n === 2) w.u16(Number(value));
  else if (n === 4) w.u32(Number(value));
  else w.u64(BigInt(value));
  b.bytes.set(w.done(), offset);
}

export interface SymSpec {
  name?: number;
  value?: bigint;
  size?: bigint;
  info?: number;
  other?: number;
  shndx?: number;
}

/** Symbol table bytes for the given entries (entry 0 is not added automatically). */
export function symbols(is64: boolean, le: boolean, list: SymSpec[]): Uint8Array {
  const w = new Writer(le);
  for (const s of list) {
    if (is64) w.u32(s.name ?? 0).u8(s.info ?? 0).u8(s.other ?? 0).u16(s.shndx ?? 0).u64(s.value ?? 0n).u64(s.size ?? 0n);
    else w.u32(s.name ?? 0).u32(Number(s.value ?? 0n)).u32(Number(s.size ?? 0n)).u8(s.info ?? 0).u8(s.other ?? 0).u16(s.shndx ?? 0);
  }
  return w.done();
}

export interface RelSpec {
  offset?: bigint;
  type: number;
  sym?: number;
  addend?: bigint;
}

/** REL or RELA records. */
export function relocations(is64: boolean, le: boolean, rela: boolean, list: RelSpec[]): Uint8Array {
  const w = new Writer(le);
  for (const r of list) {
    const sym = r.sym ?? 0;
    if (is64) {
      w.u64(r.offset ?? 0n).u64((BigInt(sym) << 32n) | BigInt(r.type));
      if (rela) w.u64(r.addend ?? 0n);
    } else {
      w.u32(Number(r.offset ?? 0n)).u32(((sym << 8) | (r.type & 0xff)) >>> 0);
      if (rela) w.u32(Number(BigInt.asUintN(32, r.addend ?? 0n)));
    }
  }
  return w.done();
}

/** One note record with 4-byte padding. */
export function note(le: boolean, name: string, type: number, desc: Uint8Array | number[]): Uint8Array {
  const n = new TextEncoder().encode(name);
  const w = new Writer(le).u32(n.length + 1).u32(desc.length).u32(type).bytes(n).u8(0).pad(4).bytes(desc).pad(4);
  return w.done();
}

/** NUL-separated string table starting with an empty string; returns bytes and offsets. */
export function strtab(list: string[]): { data: Uint8Array; offsets: number[] } {
  const w = new Writer(true).u8(0);
  const offsets: number[] = [];
  for (const s of list) {
    offsets.push(w.length);
    w.bytes(new TextEncoder().encode(s)).u8(0);
  }
  return { data: w.done(), offsets };
}
