// Step 19 of the upload: bug frames, alternatives, alternative calls, the exception table and
// .modinfo (facts §1.3), in the order Xen processes them.
import type { ElfSection } from "../../elf/index.ts";
import type { SelfRelative } from "../../livepatch/index.ts";
import type { FileContext } from "../context.ts";
import { EOPNOTSUPP, ERANGE } from "../rules.ts";

/** x86 feature words Xen knows (NCAPINTS); a feature bit beyond them is refused. */
const X86_NCAPINTS = 22;
const ALT_FLAG_NOT = 0x8000;
const MAX_PATCH_LEN = 254;

function sectionNamed(ctx: FileContext, name: string): ElfSection | undefined {
  return ctx.elf.sections.find((s) => s.nameValid && s.name === name);
}

function hdr(s: ElfSection) {
  return { section: s.name, sectionIndex: s.index, offset: s.header.offset, length: s.header.size };
}

/** The load address a self-relative field designates, when it lands inside the payload. */
function targetAddress(ctx: FileContext, f: SelfRelative): bigint | null {
  const t = f.target;
  if (t.kind !== "symbol" || !t.defined || t.sectionIndex === undefined || t.sectionOffset === undefined) return null;
  const p = ctx.model.regions.sections.find((s) => s.sectionIndex === t.sectionIndex);
  return p ? p.address + t.sectionOffset : null;
}

function inside(addr: bigint | null, len: number, start: bigint, size: number): boolean {
  return addr !== null && addr >= start && addr + BigInt(len) <= start + BigInt(size);
}

function checkAlternatives(ctx: FileContext): boolean {
  const s = sectionNamed(ctx, ".altinstructions");
  if (!s) return true;
  const x86 = ctx.arch === "x86_64";
  const entry = x86 ? 14n : 12n;
  if (s.size % entry !== 0n) {
    ctx.emit("alternatives-malformed", `.altinstructions is ${s.size} bytes, not a multiple of the ${entry}-byte struct alt_instr (−EINVAL)`, hdr(s));
    return false;
  }
  if (s.size === 0n) return true;
  const text = ctx.model.regions.text;
  if (text.size === 0) {
    ctx.emit("alternatives-malformed", ".altinstructions is present but the payload has no text (−EINVAL)", hdr(s));
    return false;
  }
  const repl = sectionNamed(ctx, ".altinstr_replacement");
  if (!repl) {
    ctx.emit("alternatives-malformed", ".altinstructions is present but .altinstr_replacement is missing (−EINVAL)", hdr(s));
    return false;
  }
  const replPlaced = ctx.model.regions.sections.find((p) => p.sectionIndex === repl.index);
  for (const a of ctx.model.alternatives) {
    const where = { section: s.name, sectionIndex: s.index, offset: a.offset, length: Number(entry) };
    const orig = targetAddress(ctx, a.orig);
    const rp = targetAddress(ctx, a.repl);
    if (!inside(orig, a.origLen, text.address, text.size) || !replPlaced || !inside(rp, a.replLen, replPlaced.address, replPlaced.size)) {
      ctx.emit("alternatives-malformed", `.altinstructions[${a.index}] patches or copies bytes outside the payload's text / .altinstr_replacement (−EINVAL)`, where);
      return false;
    }
  }
  if (!x86) return true;
  for (const a of ctx.model.alternatives) {
    const where = { section: s.name, sectionIndex: s.index, offset: a.offset, length: 14 };
    const total = a.origLen + (a.padLen ?? 0);
    if (a.replLen > total || total > MAX_PATCH_LEN) {
      ctx.emit("alternatives-too-long", `.altinstructions[${a.index}]: replacement ${a.replLen} bytes, original + padding ${total} bytes (−ENOSPC)`, where);
      return false;
    }
    const feature = a.feature & ~ALT_FLAG_NOT;
    if (feature >= X86_NCAPINTS * 32) {
      ctx.emit("alternatives-malformed", `.altinstructions[${a.index}]: feature bit ${feature} is beyond the ${X86_NCAPINTS * 32} Xen knows (−ERANGE)`, { ...where, rc: -ERANGE });
      return false;
    }
  }
  return true;
}

function checkAltCalls(ctx: FileContext): boolean {
  const s = sectionNamed(ctx, ".alt_call_sites");
  if (!s) return true;
  if (ctx.arch !== "x86_64") {
    ctx.emit("section-unsupported-on-arch", `.alt_call_sites is x86 only; ${ctx.arch} Xen refuses it (−EOPNOTSUPP)`, { ...hdr(s), rc: -EOPNOTSUPP });
    return false;
  }
  if (s.size % 4n !== 0n) {
    ctx.emit("alt-call-sites-bad", `.alt_call_sites is ${s.size} bytes, not a multiple of 4 (−EINVAL)`, hdr(s));
    return false;
  }
  if (s.size === 0n) return true;
  const text = ctx.model.regions.text;
  for (const c of ctx.model.altCalls) {
    const site = targetAddress(ctx, c.site);
    if (text.size === 0 || !inside(site, 6, text.address, text.size)) {
      ctx.emit("alt-call-sites-bad", `.alt_call_sites[${c.index}] is not a 6-byte site inside the payload's text (−EINVAL)`, { section: s.name, sectionIndex: s.index, offset: c.offset, length: 4 });
      return false;
    }
  }
  return true;
}

/** Step 19. Returns false when the upload stops. */
export function checkOptionalSections(ctx: FileContext): boolean {
  for (let i = 0; i < 4; i++) {
    const s = sectionNamed(ctx, `.bug_frames.${i}`);
    if (s && s.size % 8n !== 0n) {
      ctx.emit("bug-frames-size", `${s.name} is ${s.size} bytes, not a multiple of 8 (−EINVAL)`, hdr(s));
      return false;
    }
  }
  if (!checkAlternatives(ctx) || !checkAltCalls(ctx)) return false;
  const ex = sectionNamed(ctx, ".ex_table");
  if (ex) {
    if (ctx.arch !== "x86_64") {
      ctx.emit("section-unsupported-on-arch", `.ex_table is x86 only; ${ctx.arch} Xen refuses it (−EOPNOTSUPP)`, { ...hdr(ex), rc: -EOPNOTSUPP });
      return false;
    }
    if (ex.size % 8n !== 0n) {
      ctx.emit("ex-table-size", `.ex_table is ${ex.size} bytes, not a multiple of 8 (−EINVAL)`, hdr(ex));
      return false;
    }
  }
  const mi = sectionNamed(ctx, ".modinfo");
  if (mi) {
    const last = mi.dataSize > 0 ? ctx.elf.bytes[mi.dataOffset + mi.dataSize - 1] : -1;
    if (mi.size === 0n || last !== 0) {
      ctx.emit("modinfo-malformed", mi.size === 0n ? ".modinfo is empty (−EINVAL)" : ".modinfo does not end with a NUL byte (−EINVAL)", hdr(mi));
      return false;
    }
  }
  return true;
}
