// Test helper: writes small little-endian relocatable ELF files with exactly the sections,
// symbols and relocations a test names, so malformed-input cases have known byte offsets.

export interface BuildSection {
  name: string;
  type?: number;
  flags?: number;
  data?: Uint8Array;
  /** For NOBITS. */
  size?: number;
  align?: number;
  entsize?: number;
}

export interface BuildSymbol {
  name: string;
  /** Section name, or "UND" / "ABS". */
  section: string;
  value?: number;
  size?: number;
  /** STT_*; default FUNC for defined, NOTYPE for undefined. */
  type?: number;
  bind?: number;
}

export interface BuildReloc {
  offset: number | bigint;
  type: number;
  /** A symbol name, or a section name (its section symbol). */
  symbol: string;
  addend?: number | bigint;
}

export interface BuildSpec {
  elfClass?: 32 | 64;
  machine?: number;
  flags?: number;
  sections: BuildSection[];
  symbols?: BuildSymbol[];
  /** Keyed by target section name; SHT_REL when `rel` is set (addends then live in the data). */
  relocs?: Record<string, BuildReloc[]>;
  rel?: boolean;
}

export interface Built {
  bytes: Uint8Array;
  /** File offset of each section's data, by name. */
  dataOffset: Record<string, number>;
  /** File offset of each relocation record, by `target:index`. */
  relocOffset: Record<string, number>;
  /** File offset of each section header, by name. */
  headerOffset: Record<string, number>;
}

class Out {
  bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  align(n: number): void {
    while (this.bytes.length % n) this.bytes.push(0);
  }
  raw(b: Uint8Array | number[]): void {
    for (const x of b) this.bytes.push(x);
  }
  u(value: number | bigint, size: number): void {
    let v = BigInt.asUintN(size * 8, BigInt(value));
    for (let i = 0; i < size; i++) {
      this.bytes.push(Number(v & 0xffn));
      v >>= 8n;
    }
  }
}

function strtab(names: string[]): { data: Uint8Array; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  const parts: number[] = [0];
  for (const n of names) {
    if (n === "" || offsets.has(n)) continue;
    offsets.set(n, parts.length);
    parts.push(...new TextEncoder().encode(n), 0);
  }
  offsets.set("", 0);
  return { data: Uint8Array.from(parts), offsets };
}

export function buildElf(spec: BuildSpec): Built {
  const is64 = (spec.elfClass ?? 64) === 64;
  const ptr = is64 ? 8 : 4;
  const rel = spec.rel ?? false;
  const user = spec.sections;
  const relocTargets = Object.keys(spec.relocs ?? {});
  // Section order: null, user sections, relocation sections, symtab, strtab, shstrtab.
  const names = ["", ...user.map((s) => s.name), ...relocTargets.map((t) => (rel ? ".rel" : ".rela") + t), ".symtab", ".strtab", ".shstrtab"];
  const index = (n: string) => names.indexOf(n);
  const symtabIndex = names.length - 3;
  const symbols = spec.symbols ?? [];
  const locals = symbols.filter((s) => (s.bind ?? 1) === 0);
  const globals = symbols.filter((s) => (s.bind ?? 1) !== 0);
  const ordered = [...locals, ...globals];
  const symStr = strtab(ordered.map((s) => s.name));
  const symIndex = new Map<string, number>();
  user.forEach((s, i) => symIndex.set(s.name, 1 + i));
  ordered.forEach((s, i) => symIndex.set(s.name, 1 + user.length + i));
  const symEnt = is64 ? 24 : 16;
  const sym = new Out();
  sym.raw(new Uint8Array(symEnt));
  const writeSym = (name: number, info: number, shndx: number, value: number, size: number) => {
    if (is64) {
      sym.u(name, 4); sym.u(info, 1); sym.u(0, 1); sym.u(shndx, 2); sym.u(value, 8); sym.u(size, 8);
    } else {
      sym.u(name, 4); sym.u(value, 4); sym.u(size, 4); sym.u(info, 1); sym.u(0, 1); sym.u(shndx, 2);
    }
  };
  user.forEach((_, i) => writeSym(0, 3, 1 + i, 0, 0)); // local SECTION symbols
  for (const s of ordered) {
    const shndx = s.section === "UND" ? 0 : s.section === "ABS" ? 0xfff1 : index(s.section);
    const type = s.type ?? (s.section === "UND" ? 0 : 2);
    writeSym(symStr.offsets.get(s.name)!, ((s.bind ?? 1) << 4) | type, shndx, s.value ?? 0, s.size ?? 0);
  }
  const firstGlobal = 1 + user.length + locals.length;
  const shstr = strtab(names);

  const out = new Out();
  out.raw(new Uint8Array(is64 ? 64 : 52));
  const headers: { name: string; type: number; flags: number; offset: number; size: number; link: number; info: number; align: number; entsize: number }[] = [];
  const dataOffset: Record<string, number> = {};
  const relocOffset: Record<string, number> = {};
  for (const s of user) {
    const align = s.align ?? 1;
    const type = s.type ?? 1;
    if (align > 0) out.align(align);
    const offset = out.length;
    dataOffset[s.name] = offset;
    if (type !== 8 && s.data) out.raw(s.data);
    headers.push({ name: s.name, type, flags: s.flags ?? 2, offset, size: type === 8 ? (s.size ?? 0) : (s.data?.length ?? 0), link: 0, info: 0, align, entsize: s.entsize ?? 0 });
  }
  for (const t of relocTargets) {
    out.align(ptr);
    const offset = out.length;
    const list = spec.relocs![t];
    list.forEach((r, i) => {
      relocOffset[`${t}:${i}`] = out.length;
      const symbolIdx = symIndex.get(r.symbol) ?? 0;
      if (is64) {
        out.u(r.offset, 8);
        out.u((BigInt(symbolIdx) << 32n) | BigInt(r.type), 8);
        if (!rel) out.u(r.addend ?? 0, 8);
      } else {
        out.u(r.offset, 4);
        out.u((symbolIdx << 8) | r.type, 4);
        if (!rel) out.u(r.addend ?? 0, 4);
      }
    });
    const ent = is64 ? (rel ? 16 : 24) : rel ? 8 : 12;
    headers.push({ name: (rel ? ".rel" : ".rela") + t, type: rel ? 9 : 4, flags: 0x40, offset, size: list.length * ent, link: symtabIndex, info: index(t), align: ptr, entsize: ent });
  }
  out.align(ptr);
  headers.push({ name: ".symtab", type: 2, flags: 0, offset: out.length, size: sym.length, link: symtabIndex + 1, info: firstGlobal, align: ptr, entsize: symEnt });
  out.raw(sym.bytes);
  headers.push({ name: ".strtab", type: 3, flags: 0, offset: out.length, size: symStr.data.length, link: 0, info: 0, align: 1, entsize: 0 });
  out.raw(symStr.data);
  headers.push({ name: ".shstrtab", type: 3, flags: 0, offset: out.length, size: shstr.data.length, link: 0, info: 0, align: 1, entsize: 0 });
  out.raw(shstr.data);
  out.align(ptr);
  const shoff = out.length;
  const headerOffset: Record<string, number> = {};
  out.raw(new Uint8Array(is64 ? 64 : 40));
  for (const h of headers) {
    headerOffset[h.name] = out.length;
    const w = (v: number) => out.u(v, ptr);
    out.u(shstr.offsets.get(h.name)!, 4);
    out.u(h.type, 4);
    w(h.flags); w(0); w(h.offset); w(h.size);
    out.u(h.link, 4);
    out.u(h.info, 4);
    w(h.align); w(h.entsize);
  }
  const bytes = Uint8Array.from(out.bytes);
  const hdr = new Out();
  hdr.raw([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  hdr.u(1, 2); // ET_REL
  hdr.u(spec.machine ?? 62, 2);
  hdr.u(1, 4);
  hdr.u(0, ptr); hdr.u(0, ptr); hdr.u(shoff, ptr);
  hdr.u(spec.flags ?? 0, 4);
  hdr.u(is64 ? 64 : 52, 2);
  hdr.u(0, 2); hdr.u(0, 2);
  hdr.u(is64 ? 64 : 40, 2);
  hdr.u(names.length, 2);
  hdr.u(names.length - 1, 2);
  bytes.set(hdr.bytes, 0);
  return { bytes, dataOffset, relocOffset, headerOffset };
}

/** Little-endian helpers for section contents. */
export function le(size: number, value: number | bigint): number[] {
  let v = BigInt.asUintN(size * 8, BigInt(value));
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

export function buildIdNote(id: number[]): Uint8Array {
  return Uint8Array.from([...le(4, 4), ...le(4, id.length), ...le(4, 3), 0x47, 0x4e, 0x55, 0, ...id]);
}

/** A v2 (or v1) livepatch_func record with zero pointers; relocations fill them. */
export function funcRecord(opts: { ptr?: 4 | 8; newSize: number; oldSize: number; version?: number; expect?: number[]; oldAddr?: bigint; layout?: "v1" | "v2" }): number[] {
  const ptr = opts.ptr ?? 8;
  const v2 = (opts.layout ?? "v2") === "v2";
  const rec = [...le(ptr, 0), ...le(ptr, 0), ...le(ptr, opts.oldAddr ?? 0n), ...le(4, opts.newSize), ...le(4, opts.oldSize), opts.version ?? (v2 ? 2 : 1)];
  const size = v2 ? (ptr === 8 ? 104 : 92) : ptr === 8 ? 64 : 52;
  while (rec.length < size) rec.push(0);
  if (v2 && opts.expect) rec.splice(ptr === 8 ? 72 : 60, opts.expect.length, ...opts.expect);
  return rec;
}
