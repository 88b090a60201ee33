// The relocations that land inside one section, keyed by offset, with REL implicit addends read
// from the section bytes (ARM32), so decoders can say which relocation fills which field.
import { ByteReader, relocAddend, relocOffset, relocSymbol, relocType, SHT_SYMTAB } from "../elf/index.ts";
import { hexNum } from "./bytes.ts";
import type { Context } from "./context.ts";
import { displayName, unresolvedSymbol } from "./symbols.ts";
import type { RelocRef } from "./types.ts";

// Relocation types that store a full pointer, per arch (what a pointer field should carry).
const POINTER_TYPES: Record<string, ReadonlySet<number>> = {
  x86_64: new Set([1]), // R_X86_64_64
  aarch64: new Set([257]), // R_AARCH64_ABS64
  arm32: new Set([2]), // R_ARM_ABS32
};
// Self-relative 32-bit types (what s32 offset fields carry).
const PREL32_TYPES: Record<string, ReadonlySet<number>> = {
  x86_64: new Set([2, 4]), // PC32, PLT32
  aarch64: new Set([261]), // PREL32
  arm32: new Set([3]), // REL32
};

export function isPointerReloc(ctx: Context, type: number): boolean {
  return ctx.arch !== null && POINTER_TYPES[ctx.arch].has(type);
}

export function isPrel32Reloc(ctx: Context, type: number): boolean {
  return ctx.arch !== null && PREL32_TYPES[ctx.arch].has(type);
}

/** Bytes a relocation writes (as Xen bounds-checks it: 8 for 64-bit data, else 4). */
export function relocWidth(ctx: Context, type: number): number {
  if (ctx.arch === "x86_64") return type === 1 || type === 24 ? 8 : 4;
  if (ctx.arch === "aarch64") return type === 257 || type === 260 ? 8 : 4;
  return 4;
}

function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** The implicit addend of an ARM32 REL entry, read from the word it patches (xen/arch/arm/arm32/livepatch.c: get_addend()). */
export function armImplicitAddend(type: number, word: number): bigint {
  switch (type) {
    case 43: // MOVW_ABS_NC
    case 44: // MOVT_ABS
      return BigInt(signExtend(((word >>> 4) & 0xf000) | (word & 0xfff), 16));
    case 28: // CALL
    case 29: // JUMP24
      return BigInt(signExtend(word & 0x00ffffff, 24) * 4);
    default:
      return BigInt(word | 0);
  }
}

export interface SectionRelocs {
  /** By r_offset; when several hit one offset the last wins, as Xen applies them in order. */
  at: Map<number, RelocRef>;
  all: RelocRef[];
}

/**
 * Every relocation targeting `sectionIndex`. Out-of-range offsets become diagnostics (error:
 * x86/ARM64 refuse them; ARM32 writes out of bounds because it does not check).
 */
export function sectionRelocs(ctx: Context, sectionIndex: number, sectionName: string, data: Uint8Array): SectionRelocs {
  const at = new Map<number, RelocRef>();
  const all: RelocRef[] = [];
  const dataReader = new ByteReader(data, ctx.elf.header.littleEndian);
  const symtabIndex = ctx.symtab && ctx.symtab.sectionType === SHT_SYMTAB ? ctx.symtab.sectionIndex : -1;
  for (const t of ctx.relocsFor(sectionIndex)) {
    const relSection = ctx.elf.sections[t.sectionIndex];
    if (t.symbolTableSection !== symtabIndex) {
      // Still listed: the fields they fill are unresolved (unresolvedSymbol()), not the file's bytes.
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_RELOC_BAD_LINK",
        offset: relSection.header.offset,
        message: `${relSection.name}: sh_link ${t.symbolTableSection} is not the symbol table (${symtabIndex})`,
        section: t.sectionIndex,
      });
    }
    for (let i = 0; i < t.count; i++) {
      const recordOffset = t.recordOffset + i * t.entsize;
      const offset = relocOffset(t, i);
      const type = relocType(t, i);
      const width = relocWidth(ctx, type);
      const typeName = ctx.relocTypeName(type);
      const fits = offset + BigInt(width) <= BigInt(data.length);
      if (!fits) {
        ctx.diagnostics.push({
          severity: "error",
          code: "LP_RELOC_PAST_SECTION",
          offset: recordOffset,
          message: `${relSection.name}[${i}]: ${typeName} at offset ${hexNum(offset)} writes ${width} bytes past the end of ${sectionName} (${data.length} bytes)`,
          section: t.sectionIndex,
        });
      }
      const unresolved = unresolvedSymbol(ctx, t.symbolTableSection, relocSymbol(t, i));
      let addend = relocAddend(t, i);
      if (!t.isRela && fits) addend = armImplicitAddend(type, dataReader.u32(Number(offset)));
      const ref: RelocRef = {
        section: relSection.name,
        sectionIndex: t.sectionIndex,
        index: i,
        recordOffset,
        type,
        typeName,
        symbolIndex: relocSymbol(t, i),
        symbol: unresolved === null ? displayName(ctx, relocSymbol(t, i)) : `#${relocSymbol(t, i)}`,
        unresolved,
        addend,
        offset,
      };
      all.push(ref);
      // Type 0 is NONE on x86-64, AArch64 and ARM: x86 and ARM skip it (livepatch.c's
      // `case R_X86_64_NONE: break`, `case R_ARM_NONE: /* ignore */`) and arm64 refuses it, so it
      // never sets the field it names.
      if (fits && type !== 0) at.set(Number(offset), ref);
    }
  }
  return { at, all };
}
