// Alternatives, exception table and alt-call sites (bug frames: bugframes.ts): fixed-size records of
// self-relative offsets, decoded with the relocations that fill them (xen/arch/x86/include/asm/alternative.h: struct alt_instr; asm/uaccess.h: struct exception_table_entry).
import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, type ElfSection } from "../elf/index.ts";
import type { Context } from "./context.ts";
import { ALT_CALL_SITE, ARM_ALT_INSTR, EX_TABLE_ENTRY, X86_ALT_INSTR, type StructLayout } from "./layouts.ts";
import { fieldSource, readSelfRelative, reportUnusedRelocs, type FieldSource } from "./pointers.ts";
import { sectionRelocs } from "./relocs.ts";
import type { AltCallSite, AltInstr, ExTableEntry, PointerTarget } from "./types.ts";

/** Decodes each fixed-size record of section `name`, reporting a size that is not a whole number of them. */
export function records(ctx: Context, name: string, layout: StructLayout, allowed: boolean, decode: (src: FieldSource, at: number, i: number, where: string) => void): ElfSection | null {
  const section = ctx.section(name);
  if (!section) return null;
  if (!allowed) {
    ctx.diagnostics.push({ severity: "error", code: "LP_SECTION_UNSUPPORTED", offset: section.header.offset, message: `${name} has no meaning on ${ctx.arch ?? "this architecture"}: not decoded`, section: section.index });
    return section;
  }
  if (section.type === SHT_NOBITS) {
    // Xen zero-fills it (move_payload()), still relocates into it and reads its entries: nothing
    // here to decode, but not nothing to Xen.
    const n = section.size / BigInt(layout.size);
    if (section.size > 0n)
      ctx.diagnostics.push({
        severity: "warning",
        code: "LP_TABLE_NOBITS",
        offset: section.header.offset,
        message: `${name} is SHT_NOBITS: no bytes in the file, but ${section.size} bytes (${n} ${layout.size}-byte ${layout.name}) that Xen fills with zeros, relocates and reads as entries; not decoded here`,
        section: section.index,
      });
    return section;
  }
  const data = ctx.data(section);
  if (data.length % layout.size !== 0)
    ctx.diagnostics.push({
      severity: "error",
      code: "LP_TABLE_SIZE",
      offset: section.dataOffset + data.length - (data.length % layout.size),
      message: `${name} is ${data.length} bytes, not a multiple of the ${layout.size}-byte ${layout.name}`,
      section: section.index,
    });
  const src = fieldSource(ctx, section.index, data, section.dataOffset, sectionRelocs(ctx, section.index, name, data));
  for (let i = 0, at = 0; at + layout.size <= data.length; i++, at += layout.size) decode(src, at, i, `${name}[${i}]`);
  reportUnusedRelocs(ctx, src, name);
  return section;
}

function inSection(t: PointerTarget, index: number | undefined): boolean {
  return t.kind === "symbol" && t.defined && t.sectionIndex === index;
}

/** The bytes a target designates inside the payload's executable sections, or null. */
function codeAt(ctx: Context, t: PointerTarget, length: number): Uint8Array | null {
  if (t.kind !== "symbol" || !t.defined || t.sectionIndex === undefined || t.sectionOffset === undefined) return null;
  const section = ctx.elf.sections[t.sectionIndex];
  if ((section.flags & BigInt(SHF_EXECINSTR)) === 0n || (section.flags & BigInt(SHF_ALLOC)) === 0n) return null;
  const data = ctx.data(section);
  if (t.sectionOffset < 0n || t.sectionOffset + BigInt(length) > BigInt(data.length)) return null;
  const at = Number(t.sectionOffset);
  return data.subarray(at, at + length);
}

export function decodeAlternatives(ctx: Context): AltInstr[] {
  const out: AltInstr[] = [];
  const x86 = ctx.arch === "x86_64";
  const layout = x86 ? X86_ALT_INSTR : ARM_ALT_INSTR;
  const section = records(ctx, ".altinstructions", layout, ctx.arch !== null, (src, at, index, where) => {
    const f = (n: string) => at + layout.field(n).offset;
    out.push({
      index,
      offset: src.fileOffset + at,
      orig: readSelfRelative(ctx, src, f("orig_offset"), `${where}.orig_offset`),
      repl: readSelfRelative(ctx, src, f("repl_offset"), `${where}.repl_offset`),
      feature: src.data.u16(f(x86 ? "cpuid" : "cpufeature")),
      origLen: src.data.u8(f("orig_len")),
      replLen: src.data.u8(f("repl_len")),
      padLen: x86 ? src.data.u8(f("pad_len")) : null,
    });
  });
  if (!section || out.length === 0) return out;
  const repl = ctx.section(".altinstr_replacement");
  if (!repl)
    ctx.diagnostics.push({ severity: "error", code: "LP_ALT_NO_REPLACEMENT", offset: section.header.offset, message: ".altinstructions is non-empty but .altinstr_replacement is missing", section: section.index });
  for (const a of out) {
    // An unresolved target (unresolvedSymbol()) is not known to be outside: nothing is said of it.
    if (a.orig.target.kind !== "unresolved" && !codeAt(ctx, a.orig.target, a.origLen))
      ctx.diagnostics.push({ severity: "error", code: "LP_ALT_ORIG_OUTSIDE", offset: a.orig.offset, message: `.altinstructions[${a.index}]: the ${a.origLen} original bytes are not inside the payload's text` });
    if (repl && a.repl.target.kind !== "unresolved" && !inSection(a.repl.target, repl.index))
      ctx.diagnostics.push({ severity: "error", code: "LP_ALT_REPL_OUTSIDE", offset: a.repl.offset, message: `.altinstructions[${a.index}]: replacement is not inside .altinstr_replacement` });
    if (x86 && a.padLen !== null && a.replLen > a.origLen + a.padLen)
      ctx.diagnostics.push({ severity: "error", code: "LP_ALT_TOO_LONG", offset: a.offset, message: `.altinstructions[${a.index}]: replacement (${a.replLen}) longer than original + padding (${a.origLen}+${a.padLen})` });
  }
  return out;
}

export function decodeExTable(ctx: Context): ExTableEntry[] {
  const out: ExTableEntry[] = [];
  const f = (n: string) => EX_TABLE_ENTRY.field(n).offset;
  records(ctx, ".ex_table", EX_TABLE_ENTRY, ctx.arch === "x86_64", (src, at, index, where) => {
    out.push({
      index,
      offset: src.fileOffset + at,
      addr: readSelfRelative(ctx, src, at + f("addr"), `${where}.addr`),
      cont: readSelfRelative(ctx, src, at + f("cont"), `${where}.cont`),
    });
  });
  return out;
}

export function decodeAltCalls(ctx: Context): AltCallSite[] {
  const out: AltCallSite[] = [];
  records(ctx, ".alt_call_sites", ALT_CALL_SITE, ctx.arch === "x86_64", (src, at, index, where) => {
    out.push({ index, offset: src.fileOffset + at, site: readSelfRelative(ctx, src, at, `${where}.site`) });
  });
  for (const c of out) {
    if (c.site.target.kind === "unresolved") continue;
    // Each site is a 6-byte `call *disp32(%rip)` (ff 15) inside the payload's text.
    const code = codeAt(ctx, c.site.target, 6);
    if (!code)
      ctx.diagnostics.push({ severity: "error", code: "LP_ALT_CALL_OUTSIDE", offset: c.offset, message: `.alt_call_sites[${c.index}]: the 6-byte call site is not inside the payload's text` });
    else if (code[0] !== 0xff || code[1] !== 0x15)
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_ALT_CALL_NOT_INDIRECT",
        offset: c.offset,
        message: `.alt_call_sites[${c.index}]: the site starts ${code[0].toString(16).padStart(2, "0")} ${code[1].toString(16).padStart(2, "0")}, not ff 15 (call *disp32(%rip))`,
      });
  }
  return out;
}
