// .altinstructions and .alt_call_sites: validated in prepare_payload() (xen/common/livepatch.c)
// and applied at upload by _apply_alternatives() / apply_alt_calls() (xen/arch/x86/alternative.c;
// xen/arch/arm/alternative.c on ARM), with their console lines.
//
// The simulated x86 CPU: NCAPINTS = 22 words of features. Every feature in words 0..20 (the
// CPUID-derived and synthetic ones) is present; word 21 (Xen's X86_BUG_* bits) is absent. So an
// alternative on e.g. SSE2 (bit 26) is applied, one with the NOT flag on it is not.
// The simulated ARM CPUs have no optional capabilities, so ARM alternatives keep the original
// code (their entries are still validated).
import { Elf, Sec, dataLoc, shdrLoc } from "./elf";
import { fail, lp, at, Loc, diagName, failAppend } from "./diag";
import { isHalted } from "./halt";
import { consoleLine, LEVEL_INFO, LEVEL_WARNING } from "./events";
import { ptr, hexAlt, xenRead } from "./xenlog";
import { wrongSize } from "./specials";
import { hexBytes } from "./fmt";
import * as R from "./rules";
import { EINVAL, ENOSPC, ENOSYS, EOPNOTSUPP, ERANGE } from "./errno";
import { arch, ARCH_X86_64, imageSymbolAt, imageSymAddr, imageSymName, imageSymSize } from "./image";
import { memRead, memReadLe, memWrite, memWriteLe } from "./memory";
import { Payload } from "./payload";
import { addNops } from "./nops";
import { hex64 } from "./bytes";

export const X86_NCAPINTS: u32 = 22;
const ALT_FLAG_NOT: u32 = 0x8000;
const MAX_PATCH_LEN: u32 = 254;

export function x86HasFeature(bit: u32): bool {
  return bit < (X86_NCAPINTS - 1) * 32;
}

function s32At(addr: u64): i64 {
  return <i64>(<i32>(<u32>memReadLe(addr, 4)));
}

function inside(a: u64, len: u64, lo: u64, size: u64): bool {
  return a >= lo && a - lo <= size && len <= size - (a - lo);
}

// The section whose entries are being checked, for entryLoc().
let altSec: Sec | null = null;

function entryLoc(i: i32, size: u64): Loc {
  const s = altSec!;
  return at(s.offset + <u64>i * size, size).sec(s.name, s.index);
}

export function checkAlternatives(p: Payload, e: Elf): i32 {
  const s = e.byName(".altinstructions");
  if (s === null) return 0;
  const x86 = arch == ARCH_X86_64;
  const entry: u64 = x86 ? 14 : 12;
  if (s.size % entry != 0) return wrongSize(R.R_ALT_BAD, s, entry);
  if (s.size == 0) return 0;
  const name = diagName;
  // "%s Alternatives provided, but no .text"
  if (p.textSize == 0) return fail(R.R_ALT_BAD, EINVAL, "livepatch: " + name + " Alternatives provided, but no .text", "", shdrLoc(e, s.index));
  const repl: Sec | null = e.byName(".altinstr_replacement");
  // "%s .altinstructions provided, but no .altinstr_replacement"
  if (repl === null) return fail(R.R_ALT_BAD, EINVAL, "livepatch: " + name + " .altinstructions provided, but no .altinstr_replacement", "", shdrLoc(e, s.index));
  altSec = s;
  const n = <i32>(s.size / entry);
  for (let i = 0; i < n; i++) {
    const a = s.loadAddr + <u64>i * entry;
    const orig = a + <u64>s32At(a);
    const rp = a + 4 + <u64>s32At(a + 4);
    const origLen = <u64>memReadLe(a + 10, 1);
    const replLen = <u64>memReadLe(a + 11, 1);
    // "%s Alternative orig %p+%#x outside payload text %p+%#zx"
    if (!inside(orig, origLen, p.textAddr, p.textSize))
      return fail(R.R_ALT_BAD, EINVAL, "livepatch: " + name + " Alternative orig " + ptr(orig) + "+" + hexAlt(origLen) + " outside payload text " + ptr(p.textAddr) + "+" + hexAlt(p.textSize), "", entryLoc(i, entry));
    // "%s Alternative repl %p+%#x outside .altinstr_replacement %p+%#"PRIxElfWord
    if (!inside(rp, replLen, repl.loadAddr, repl.size))
      return fail(R.R_ALT_BAD, EINVAL, "livepatch: " + name + " Alternative repl " + ptr(rp) + "+" + hexAlt(replLen) + " outside .altinstr_replacement " + ptr(repl.loadAddr) + "+" + hexAlt(repl.size), "", entryLoc(i, entry));
  }
  if (!x86) {
    // xen/arch/arm/alternative.c __apply_alternatives(); the simulated ARM CPUs have no optional
    // capabilities, so every entry keeps its original code.
    consoleLine(name, "alternatives: Patching with alt table " + ptr(s.loadAddr) + " -> " + ptr(s.loadAddr + s.size), LEVEL_INFO, 0);
    return 0;
  }
  // xen/arch/x86/alternative.c _apply_alternatives(): "alt table %p -> %p"
  consoleLine(name, "alt table " + ptr(s.loadAddr) + " -> " + ptr(s.loadAddr + s.size), LEVEL_INFO, 0);
  const rc = applyX86(p, s.loadAddr, n);
  // "%s applying alternatives failed: %d"
  if (rc != 0 && !isHalted()) failAppend("livepatch: " + name + " applying alternatives failed: " + rc.toString());
  return rc;
}

function applyX86(p: Payload, start: u64, n: i32): i32 {
  let base = start;
  for (let i = 0; i < n; i++) {
    const a = start + <u64>(i * 14);
    const orig = a + <u64>s32At(a);
    const rp = a + 4 + <u64>s32At(a + 4);
    const cpuid = <u32>memReadLe(a + 8, 2);
    const origLen = <u32>memReadLe(a + 10, 1);
    const replLen = <u32>memReadLe(a + 11, 1);
    const padLen = <u32>memReadLe(a + 12, 1);
    const priv = <u32>memReadLe(a + 13, 1);
    const total = origLen + padLen;
    // The payload is not registered yet, so %ps finds no symbol and prints the address.
    // "Alt for %ps, replacement size %#x larger than origin %#x"
    if (replLen > total)
      return fail(R.R_ALT_LONG, ENOSPC, "Alt for " + ptr(orig) + ", replacement size " + hexAlt(replLen) + " larger than origin " + hexAlt(total), "", entryLoc(i, 14));
    // "Alt for %ps, origin size %#x bigger than buffer %#zx"
    if (total > MAX_PATCH_LEN)
      return fail(R.R_ALT_LONG, ENOSPC, "Alt for " + ptr(orig) + ", origin size " + hexAlt(total) + " bigger than buffer " + hexAlt(MAX_PATCH_LEN), "", entryLoc(i, 14));
    const feat = cpuid & ~ALT_FLAG_NOT;
    // "Alt for %ps, feature %#x outside of featureset range %#x"
    if (feat >= X86_NCAPINTS * 32)
      return fail(R.R_ALT_BAD, ERANGE, "Alt for " + ptr(orig) + ", feature " + hexAlt(feat) + " outside of featureset range " + hexAlt(X86_NCAPINTS * 32), "", entryLoc(i, 14));
    // Entries patching the same site share the first one's `priv` marker.
    if (base + <u64>s32At(base) != orig) base = a;
    if (priv != 0) continue;
    const replace = x86HasFeature(feat) != ((cpuid & ALT_FLAG_NOT) != 0);
    if (!replace) {
      // Livepatch applies with "force": no NOP optimisation, only the marker.
      if (memReadLe(base + 13, 1) == 0) memWriteLe(a + 13, 1, 1);
      continue;
    }
    const buf = new Uint8Array(<i32>total);
    const rb = xenRead(rp, <i32>replLen, p.name, R.R_NOTE_FAULT, "the alternative's replacement bytes are not mapped");
    if (rb === null) return -ENOSYS;
    for (let k = 0; k < <i32>replLen; k++) buf[k] = rb[k];
    // A leading near call/jmp is relative to where it now sits.
    if (replLen >= 5 && (buf[0] & 0xfe) == 0xe8) {
      let d = <u32>buf[1] | (<u32>buf[2] << 8) | (<u32>buf[3] << 16) | (<u32>buf[4] << 24);
      d += <u32>(rp - orig);
      buf[1] = <u8>d;
      buf[2] = <u8>(d >> 8);
      buf[3] = <u8>(d >> 16);
      buf[4] = <u8>(d >> 24);
    }
    memWriteLe(a + 13, 1, 1);
    addNops(buf, <i32>replLen, <i32>(total - replLen));
    memWrite(orig, buf, 0, buf.length);
    p.altCount++;
  }
  return 0;
}

const ENDBR64: u32 = 0xfa1e0ff3; // f3 0f 1e fa, little-endian

/**
 * The simulated x86 Xen is built as Xen's defconfig builds with a CET-capable compiler
 * (CONFIG_XEN_IBT=y), so apply_alt_calls() (xen/arch/x86/alternative.c) calls past the target's
 * endbr64, and warns when a target has none.
 */
function skipEndbr(site: u64, dest: u64): u64 {
  const b = memRead(dest, 4);
  if (b !== null && (<u32>b[0] | (<u32>b[1] << 8) | (<u32>b[2] << 16) | (<u32>b[3] << 24)) == ENDBR64) return dest + 4;
  // "Altcall %ps dest %ps has no endbr64" (XENLOG_WARNING)
  consoleLine(diagName, "Altcall " + ptr(site) + " dest " + psText(dest) + " has no endbr64", LEVEL_WARNING, 0);
  return dest;
}

/**
 * `%ps` for an address at upload: a symbol of Xen's image (name, and +offset/size when inside it);
 * the payload being uploaded is not on the payload list yet, so its addresses print as numbers.
 */
function psText(a: u64): string {
  const i = imageSymbolAt(a);
  if (i < 0) return ptr(a);
  const off = a - imageSymAddr(i);
  return imageSymName(i) + (off == 0 ? "" : "+" + hexAlt(off) + "/" + hexAlt(<u64>imageSymSize(i)));
}

/** x86 4.21+ altcall sites: `ff 15 disp32` becomes `2e e8 rel32`, or three ud2 for a NULL target (xen/arch/x86/alternative.c apply_alt_calls(), run from prepare_payload() in xen/common/livepatch.c). */
export function checkAltCalls(p: Payload, e: Elf): i32 {
  const s = e.byName(".alt_call_sites");
  if (s === null) return 0;
  const name = diagName;
  // prepare_payload() without CONFIG_ALTERNATIVE_CALL: "%s: Alternative calls not supported"
  if (arch != ARCH_X86_64) return fail(R.R_ARCH_SECTION, EOPNOTSUPP, lp("Alternative calls not supported"), "", shdrLoc(e, s.index));
  if (s.size % 4 != 0) return wrongSize(R.R_ALT_CALLS, s, 4);
  if (s.size == 0) return 0;
  // "%s Alternative calls provided, but no .text"
  if (p.textSize == 0) return fail(R.R_ALT_CALLS, EINVAL, "livepatch: " + name + " Alternative calls provided, but no .text", "", shdrLoc(e, s.index));
  altSec = s;
  const n = <i32>(s.size / 4);
  const sites = new Array<u64>(n);
  for (let i = 0; i < n; i++) {
    const a = s.loadAddr + <u64>(i * 4);
    sites[i] = a + <u64>s32At(a);
    // "%s: Alternative call %p+%#zx outside payload text %p+%#zx"
    if (!inside(sites[i], 6, p.textAddr, p.textSize))
      return fail(R.R_ALT_CALLS, EINVAL, lp("Alternative call " + ptr(sites[i]) + "+0x6 outside payload text " + ptr(p.textAddr) + "+" + hexAlt(p.textSize)), "", entryLoc(i, 4));
  }
  // apply_alt_calls(), one site at a time.
  for (let i = 0; i < n; i++) {
    const site = sites[i];
    const op = memRead(site, 6)!;
    if (op[0] != 0xff || op[1] != 0x15) {
      // "Altcall for %ps [%6ph] not CALL *RIPREL", then "%s: Applying alternative calls failed: %d"
      return fail(R.R_ALT_CALLS, EINVAL, "Altcall for " + ptr(site) + " [" + spacedHex(op) + "] not CALL *RIPREL\n" + lp("Applying alternative calls failed: -22"), "", entryLoc(i, 4));
    }
    const slot = site + 6 + <u64>s32At(site + 2);
    const tb = xenRead(slot, 8, p.name, R.R_NOTE_FAULT, "the alt_call's function pointer slot is not mapped");
    if (tb === null) return -ENOSYS;
    let t = memReadLe(slot, 8);
    const out = new Uint8Array(6);
    if (t != 0) t = skipEndbr(site, t);
    if (t == 0) {
      for (let k = 0; k < 6; k += 2) {
        out[k] = 0x0f;
        out[k + 1] = 0x0b;
      }
    } else {
      const rel = <u32>(t - (site + 6));
      out[0] = 0x2e;
      out[1] = 0xe8;
      out[2] = <u8>rel;
      out[3] = <u8>(rel >> 8);
      out[4] = <u8>(rel >> 16);
      out[5] = <u8>(rel >> 24);
    }
    memWrite(site, out, 0, 6);
  }
  p.altCallCount = n;
  return 0;
}

/** `%6ph`: bytes as hex separated by spaces. */
function spacedHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (i > 0 ? " " : "") + hexBytes(b.subarray(i, i + 1));
  return s;
}
