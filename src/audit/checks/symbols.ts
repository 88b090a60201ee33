// Steps 10, 11 and 20 of the upload (facts §4, §5.2, §5.3): symbol resolution against the image
// and earlier payloads, the relocations Xen can apply at the addresses it would choose, and the
// symbols a payload exports.
import {
  SHF_ALLOC,
  SHF_MERGE,
  SHN_ABS,
  SHN_COMMON,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_REL,
  SHT_RELA,
  describe,
} from "../../elf/index.ts";
import type { FileContext } from "../context.ts";
import { hexAddr } from "../context.ts";
import { ENOSYS, EOPNOTSUPP } from "../rules.ts";

/** Resolved symbol values: bigint, null (unknown: no image), or "ignored" (non-ALLOC section). */
export type SymValues = (bigint | null | "ignored")[];

function sectionAddress(ctx: FileContext, index: number): bigint | null {
  return ctx.model.regions.sections.find((s) => s.sectionIndex === index)?.address ?? null;
}

/** Step 10. Returns the values (or null when the upload stops here). */
export function resolveSymbols(ctx: FileContext): SymValues | null {
  const t = ctx.symtab;
  const values: SymValues = [0n];
  if (!t) return values;
  const shnum = ctx.elf.header.shnum;
  for (let i = 1; i < t.count; i++) {
    const shndx = t.shndx[i];
    const name = t.name[i];
    const where = { section: ".symtab", sectionIndex: t.sectionIndex, offset: t.recordOffset + i * t.entsize, length: t.entsize };
    if (shndx === SHN_COMMON) {
      ctx.emit("symbol-common", `symbol ${i} (${name}) is COMMON; Xen refuses it (−EINVAL)`, where);
      return null;
    }
    if (shndx === SHN_UNDEF) {
      const v = ctx.image ? ctx.resolve(name) : null;
      if (ctx.image && v === null) {
        ctx.emit("symbol-unresolved", `undefined symbol ${name} is neither in ${ctx.image.file} nor exported by a payload loaded before (−ENOENT)`, where);
        return null;
      }
      values.push(v);
      continue;
    }
    if (shndx === SHN_ABS) {
      values.push(t.value[i]);
      continue;
    }
    if (shndx >= SHN_LORESERVE) {
      ctx.emit("symbol-section-reserved", `symbol ${i} (${name}) is in reserved section index 0x${shndx.toString(16)} (−EOPNOTSUPP)`, where);
      return null;
    }
    if (shndx >= shnum) {
      ctx.emit("symbol-section-out-of-range", `symbol ${i} (${name}) is in section ${shndx}, but there are ${shnum} (−EINVAL)`, where);
      return null;
    }
    const s = ctx.elf.sections[shndx];
    if ((s.flags & BigInt(SHF_ALLOC)) === 0n) {
      values.push("ignored");
      continue;
    }
    const base = sectionAddress(ctx, shndx);
    values.push(base === null ? null : BigInt.asUintN(64, base + t.value[i]));
  }
  return values;
}

/** Names of the undefined symbols the target Xen must provide. */
export function undefinedNames(ctx: FileContext): string[] {
  const t = ctx.symtab;
  const out: string[] = [];
  if (t) for (let i = 1; i < t.count; i++) if (t.shndx[i] === SHN_UNDEF && t.name[i]) out.push(t.name[i]);
  return out;
}

const X86_TYPES = new Set([0, 1, 2, 4]);
const ARM64_TYPES = new Set([
  257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 274, 275, 276, 277, 278, 279, 280, 282, 283, 284, 285, 286, 287, 288, 289,
  290, 291, 292, 293, 299,
]);
const ARM32_TYPES = new Set([0, 2, 3, 28, 29, 43, 44]);

const fits = (v: bigint, lo: bigint, hi: bigint) => v >= lo && v < hi;

/** The range check Xen applies to a computed value, or null when the type has none we model. */
function overflow(arch: string, type: number, s: bigint, a: bigint, p: bigint): string | null {
  const sa = BigInt.asIntN(64, s + a);
  const prel = BigInt.asIntN(64, s + a - p);
  if (arch === "x86_64" && (type === 2 || type === 4)) return fits(prel, -(1n << 31n), 1n << 31n) ? null : `S+A−P = ${prel} does not fit in 32 signed bits`;
  if (arch === "aarch64") {
    if (type === 282 || type === 283) return fits(prel, -(1n << 27n), 1n << 27n) ? null : `branch offset ${prel} is beyond ±128 MiB`;
    if (type === 280 || type === 279) return fits(prel, -(1n << 20n), 1n << 20n) ? null : `branch offset ${prel} is beyond ±1 MiB`;
    if (type === 274) return fits(prel, -(1n << 20n), 1n << 20n) ? null : `ADR offset ${prel} is beyond ±1 MiB`;
    if (type === 275) {
      const page = BigInt.asIntN(64, ((s + a) & ~0xfffn) - (p & ~0xfffn));
      return fits(page, -(1n << 32n), 1n << 32n) ? null : `ADRP page offset ${page} is beyond ±4 GiB`;
    }
    if (type === 261) return fits(prel, -(1n << 31n), 1n << 32n) ? null : `S+A−P = ${prel} does not fit in 32 bits`;
    if (type === 258) return fits(sa, -(1n << 31n), 1n << 32n) ? null : `S+A = ${sa} does not fit in 32 bits`;
  }
  if (arch === "arm32" && (type === 28 || type === 29)) {
    const off = BigInt.asIntN(32, s + a - p);
    return fits(off, -(32n << 20n), 32n << 20n) ? null : `branch offset ${off} is beyond ±32 MiB`;
  }
  return null;
}

function width(arch: string, type: number): number {
  if (arch === "x86_64") return type === 1 ? 8 : 4;
  if (arch === "aarch64") return type === 257 || type === 260 ? 8 : 4;
  return 4;
}

function armRelAddend(ctx: FileContext, target: number, offset: bigint, type: number): bigint {
  const s = ctx.elf.sections[target];
  if (offset + 4n > BigInt(s.dataSize)) return 0n;
  const at = s.dataOffset + Number(offset);
  const b = ctx.elf.bytes;
  const word = ctx.elf.header.littleEndian ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24) : (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  const sx = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
  if (type === 43 || type === 44) return BigInt(sx(((word >>> 4) & 0xf000) | (word & 0xfff), 16));
  if (type === 28 || type === 29) return BigInt(sx(word & 0xffffff, 24) * 4);
  return BigInt(word | 0);
}

/** Step 11, in section order, each relocation in record order; stops at the first failure. */
export function checkRelocations(ctx: FileContext, values: SymValues): boolean {
  const { elf } = ctx;
  const arch = ctx.arch!;
  const symtabIndex = ctx.symtab?.sectionIndex ?? -1;
  const nsym = ctx.symtab?.count ?? 0;
  const supported = arch === "x86_64" ? X86_TYPES : arch === "aarch64" ? ARM64_TYPES : ARM32_TYPES;
  for (const r of elf.sections) {
    if (r.type !== SHT_RELA && r.type !== SHT_REL) continue;
    if (r.info >= elf.header.shnum) continue;
    const base = elf.sections[r.info];
    if ((base.flags & BigInt(SHF_ALLOC)) === 0n) continue;
    const hdr = { section: r.name, sectionIndex: r.index, offset: r.header.offset, length: r.header.size };
    if (r.link !== symtabIndex) {
      ctx.emit("reloc-section-bad", `${r.name}: sh_link ${r.link} is not the symbol table (section ${symtabIndex}) (−EINVAL)`, hdr);
      return false;
    }
    if (r.size === 0n) continue;
    const need = BigInt((r.type === SHT_RELA ? 3 : 2) * ctx.ptr);
    if (r.entsize < need || r.size % r.entsize !== 0n) {
      ctx.emit("reloc-section-bad", `${r.name}: ${r.size} bytes with sh_entsize ${r.entsize} are not whole ${need}-byte records (−EINVAL)`, hdr);
      return false;
    }
    if (r.type === SHT_REL && arch !== "arm32") {
      const rc = arch === "x86_64" ? -EOPNOTSUPP : -ENOSYS;
      ctx.emit("reloc-rel-unsupported", `${r.name} is SHT_REL; ${arch} Xen applies only RELA (${rc === -ENOSYS ? "−ENOSYS" : "−EOPNOTSUPP"})`, { ...hdr, rc });
      return false;
    }
    const table = elf.relocationTables.find((t) => t.sectionIndex === r.index);
    if (!table) continue;
    const P0 = ctx.model.regions.sections.find((s) => s.sectionIndex === base.index)?.address ?? null;
    for (let k = 0; k < table.count; k++) {
      const rec = { section: r.name, sectionIndex: r.index, offset: table.recordOffset + k * table.entsize, length: table.entsize };
      const sym = table.symbolIndex[k];
      const type = table.type[k];
      const label = `${r.name}[${k}]`;
      if (sym === 0) {
        ctx.emit("reloc-symbol-none", `${label} is against symbol 0 (STN_UNDEF) (−EOPNOTSUPP)`, rec);
        return false;
      }
      if (sym >= nsym) {
        ctx.emit("reloc-symbol-out-of-range", `${label} names symbol ${sym}, past the ${nsym}-entry symbol table (−EINVAL)`, rec);
        return false;
      }
      const v = values[sym];
      if (v === "ignored") {
        ctx.emit("reloc-against-ignored-symbol", `${label} is against ${ctx.symtab!.name[sym] || `symbol ${sym}`}, defined in a section Xen does not load (−EINVAL)`, rec);
        return false;
      }
      if (!supported.has(type)) {
        ctx.emit("reloc-type-unsupported", `${label}: ${describe.relocationTypeName(elf.header.machine, type) ?? `type ${type}`} is not a relocation ${arch} Xen applies (−EOPNOTSUPP)`, rec);
        return false;
      }
      if (type === 0 && arch === "x86_64") continue;
      const off = table.offset[k];
      if (arch !== "arm32" && off + BigInt(width(arch, type)) > base.size) {
        ctx.emit("reloc-offset-out-of-range", `${label}: offset ${hexAddr(off)} + ${width(arch, type)} runs past ${base.name} (${base.size} bytes) (−EINVAL)`, rec);
        return false;
      }
      if (v === null || P0 === null || v === undefined) continue;
      const addend = table.isRela ? table.addend[k] : armRelAddend(ctx, base.index, off, type);
      const why = overflow(arch, type, v, addend, P0 + off);
      if (why) {
        const name = ctx.symtab!.name[sym] || `symbol ${sym}`;
        ctx.emit("reloc-overflow", `${label} against ${name} at ${base.name}+${hexAddr(off)}: ${why} with ${base.name} at ${hexAddr(P0)} (−EOVERFLOW)`, rec);
        return false;
      }
    }
  }
  return true;
}

const KSYM_NAME_LEN = 128;

function isMappingSymbol(arch: string | null, name: string): boolean {
  if (name.length < 2 || name[0] !== "$") return false;
  const c = name[1];
  const kind = c === "d" || (arch === "aarch64" && c === "x") || (arch === "arm32" && c === "a");
  return kind && (name.length === 2 || name[2] === ".");
}

/**
 * Step 20: the payload's recorded symbols; overrides (at a function's new_addr) are not exported,
 * the rest must be new names. Returns the exports, or null when a duplicate stops the upload.
 */
export function checkExports(ctx: FileContext, values: SymValues): Map<string, bigint> | null {
  const t = ctx.symtab;
  const exports = new Map<string, bigint>();
  if (!t) return exports;
  const newAddrs = new Set<bigint>();
  for (const fn of ctx.model.funcs) {
    const n = fn.newAddr.target;
    if (n.kind === "symbol" && n.defined && n.sectionIndex !== undefined && n.sectionOffset !== undefined) {
      const a = sectionAddress(ctx, n.sectionIndex);
      if (a !== null) newAddrs.add(BigInt.asUintN(64, a + n.sectionOffset));
    }
  }
  for (let i = 1; i < t.count; i++) {
    const shndx = t.shndx[i];
    if (shndx === SHN_UNDEF || shndx >= ctx.elf.header.shnum) continue;
    const s = ctx.elf.sections[shndx];
    let name = t.name[i];
    if ((s.flags & BigInt(SHF_ALLOC)) === 0n || name === "") continue;
    if ((s.flags & BigInt(SHF_MERGE)) !== 0n && name.startsWith(".L")) continue;
    if (isMappingSymbol(ctx.arch, name)) continue;
    if (name.length >= KSYM_NAME_LEN) name = name.slice(0, KSYM_NAME_LEN - 1);
    const v = values[i];
    if (typeof v !== "bigint") continue;
    if (newAddrs.has(v)) continue;
    const where = { section: ".symtab", sectionIndex: t.sectionIndex, offset: t.recordOffset + i * t.entsize, length: t.entsize };
    const inXen = ctx.image?.lookup(name);
    if (inXen && inXen.addr !== 0n) {
      ctx.emit("symbol-duplicate-export", `new symbol ${name} already exists in ${ctx.image!.file} at ${hexAddr(inXen.addr)} (−EEXIST)`, where);
      return null;
    }
    const other = ctx.loaded.find((p) => p.exports.has(name));
    if (other) {
      ctx.emit("symbol-duplicate-export", `new symbol ${name} is also exported by ${other.file}, loaded before; the two cannot be loaded together (−EEXIST)`, where);
      return null;
    }
    if (!exports.has(name)) exports.set(name, v);
  }
  return exports;
}
