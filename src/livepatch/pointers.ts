// Pointer and self-relative fields decoded symbolically: the relocation that fills a field wins
// over the bytes in the file, exactly as Xen overwrites them at upload.
import { ByteReader } from "../elf/index.ts";
import { hexNum } from "./bytes.ts";
import type { Context } from "./context.ts";
import { isPointerReloc, isPrel32Reloc, type SectionRelocs } from "./relocs.ts";
import { resolveTarget, symbolInSection } from "./symbols.ts";
import type { PointerField, PointerTarget, SelfRelative } from "./types.ts";

export interface FieldSource {
  data: ByteReader;
  /** File offset of `data[0]`. */
  fileOffset: number;
  relocs: SectionRelocs;
  /** Relocation offsets consumed by a field, to report the ones that hit nothing. */
  used: Set<number>;
  sectionIndex: number;
}

export function fieldSource(ctx: Context, sectionIndex: number, data: Uint8Array, fileOffset: number, relocs: SectionRelocs): FieldSource {
  return { data: new ByteReader(data, ctx.elf.header.littleEndian), fileOffset, relocs, used: new Set(), sectionIndex };
}

export function readPointer(ctx: Context, src: FieldSource, at: number, what: string): PointerField {
  const size = ctx.pointerSize;
  const raw = src.data.word(at, size === 8);
  const reloc = src.relocs.at.get(at) ?? null;
  const offset = src.fileOffset + at;
  if (!reloc) return { offset, raw, reloc: null, target: raw === 0n ? { kind: "null" } : { kind: "absolute", value: raw } };
  src.used.add(at);
  if (!isPointerReloc(ctx, reloc.type))
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_POINTER_RELOC_TYPE",
      offset: reloc.recordOffset,
      message: `${what} is filled by ${reloc.typeName}, not a ${size * 8}-bit absolute relocation`,
      section: reloc.sectionIndex,
    });
  if (reloc.unresolved !== null) return { offset, raw, reloc, target: unresolvedField(ctx, reloc.unresolved, what) };
  if (reloc.symbolIndex === 0)
    ctx.diagnostics.push({ severity: "error", code: "LP_RELOC_NO_SYMBOL", offset: reloc.recordOffset, message: `${what}: relocation against symbol 0`, section: reloc.sectionIndex });
  // For REL, the implicit addend is the word itself, so raw must not be added twice.
  return { offset, raw, reloc, target: resolveTarget(ctx, reloc.symbolIndex, reloc.addend) };
}

/**
 * A 32-bit field holding `target − &field`. With a PC-relative relocation the target is S + A
 * (because Xen stores S + A − P at P); without one, it is only known relative to the field.
 */
export function readSelfRelative(ctx: Context, src: FieldSource, at: number, what: string): SelfRelative {
  return readRelative(ctx, src, at, at, what, null).field;
}

/** How a word packs extra bits above its displacement: the displacement and those bits, split. */
export type WordSplit = (word: number) => { disp: number; bits: number };

/**
 * A 32-bit field holding `target − base`, where `base` is the start of its record (`at − base`
 * bytes before the field), with extra bits packed above the displacement when `split` says how.
 * A PC-relative relocation stores S + A − P at P = base + k, so the record-relative value is
 * S + (A − k) − base: A − k carries the offset from S and the packed bits, split as Xen splits
 * the linked word.
 */
export function readRelative(ctx: Context, src: FieldSource, at: number, base: number, what: string, split: WordSplit | null): { field: SelfRelative; bits: number } {
  const raw = src.data.s32(at);
  const reloc = src.relocs.at.get(at) ?? null;
  const offset = src.fileOffset + at;
  if (!reloc) {
    // Already resolved by the linker: the target lies in this same section.
    const w = split ? split(raw) : { disp: raw, bits: 0 };
    const sectionOffset = BigInt(base + w.disp);
    const hit = symbolInSection(ctx, src.sectionIndex, sectionOffset);
    const target: PointerTarget = hit
      ? { kind: "symbol", symbol: hit.symbol.name, addend: hit.delta, defined: true, sectionIndex: src.sectionIndex, sectionOffset, symbolType: hit.symbol.type, symbolSize: hit.symbol.size }
      : { kind: "symbol", symbol: ctx.elf.sections[src.sectionIndex].name, addend: sectionOffset, defined: true, sectionIndex: src.sectionIndex, sectionOffset };
    return { field: { offset, raw, reloc: null, target }, bits: w.bits };
  }
  src.used.add(at);
  if (!isPrel32Reloc(ctx, reloc.type))
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_OFFSET_RELOC_TYPE",
      offset: reloc.recordOffset,
      message: `${what} is a self-relative offset but is filled by ${reloc.typeName} (addend ${hexNum(reloc.addend)})`,
      section: reloc.sectionIndex,
    });
  const rel = reloc.addend - BigInt(at - base);
  const w = split ? split(Number(BigInt.asIntN(32, rel))) : { disp: rel, bits: 0 };
  // The packed bits come from the addend alone, so they are known even when the symbol is not.
  if (reloc.unresolved !== null) return { field: { offset, raw, reloc, target: unresolvedField(ctx, reloc.unresolved, what) }, bits: w.bits };
  return { field: { offset, raw, reloc, target: resolveTarget(ctx, reloc.symbolIndex, BigInt(w.disp)) }, bits: w.bits };
}

/** The target of a field whose relocation's symbol is unresolved; the field is counted under its reason (LP_UNRESOLVED). */
function unresolvedField(ctx: Context, reason: string, what: string): PointerTarget {
  const fields = ctx.unresolved.get(reason) ?? [];
  fields.push(what);
  ctx.unresolved.set(reason, fields);
  return { kind: "unresolved", reason };
}

/** Relocations in a section that fill no field Xen reads. */
export function reportUnusedRelocs(ctx: Context, src: FieldSource, sectionName: string): void {
  for (const [at, reloc] of src.relocs.at) {
    if (src.used.has(at)) continue;
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_RELOC_NOT_ON_FIELD",
      offset: reloc.recordOffset,
      message: `${reloc.section}[${reloc.index}] (${reloc.typeName} against ${reloc.symbol}) patches ${sectionName}+${hexNum(at)}, which is not a field Xen reads as a pointer`,
      section: reloc.sectionIndex,
    });
  }
}
