// .altinstructions and .alt_call_sites: validated and applied at upload (facts §1.3, §15).
//
// The simulated x86 CPU: NCAPINTS = 22 words of features. Every feature in words 0..20 (the
// CPUID-derived and synthetic ones) is present; word 21 (Xen's X86_BUG_* bits) is absent. So an
// alternative on e.g. SSE2 (bit 26) is applied, one with the NOT flag on it is not.
// The simulated ARM CPUs have no optional capabilities, so ARM alternatives keep the original
// code (their entries are still validated).
import { Elf, Sec, dataLoc, shdrLoc } from "./elf";
import { fail, lp, at, Loc } from "./diag";
import * as R from "./rules";
import { EFAULT, EINVAL, ENOSPC, EOPNOTSUPP, ERANGE } from "./errno";
import { arch, ARCH_X86_64 } from "./image";
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
  if (s.size % entry != 0)
    return fail(R.R_ALT_BAD, EINVAL, lp("Wrong size " + s.size.toString() + " of .altinstructions (must be multiple of " + entry.toString() + ")"), "", dataLoc(s));
  if (s.size == 0) return 0;
  if (p.textSize == 0) return fail(R.R_ALT_BAD, EINVAL, lp(".altinstructions present but there is no payload text"), "", shdrLoc(e, s.index));
  const repl: Sec | null = e.byName(".altinstr_replacement");
  if (repl === null) return fail(R.R_ALT_BAD, EINVAL, lp(".altinstructions present but .altinstr_replacement is missing"), "", shdrLoc(e, s.index));
  if (!s.alloc) return fail(R.R_ALT_BAD, EINVAL, lp(".altinstructions has no load address"), "real Xen would read the entries through a NULL address", shdrLoc(e, s.index));
  altSec = s;
  const n = <i32>(s.size / entry);
  for (let i = 0; i < n; i++) {
    const a = s.loadAddr + <u64>i * entry;
    const orig = a + <u64>s32At(a);
    const rp = a + 4 + <u64>s32At(a + 4);
    const origLen = <u64>memReadLe(a + 10, 1);
    const replLen = <u64>memReadLe(a + 11, 1);
    if (!inside(orig, origLen, p.textAddr, p.textSize) || !inside(rp, replLen, repl.loadAddr, repl.size))
      return fail(R.R_ALT_BAD, EINVAL, lp("Alt patching outside payload: " + hex64(orig)), "", entryLoc(i, entry));
  }
  if (!x86) return 0;
  return applyX86(p, s.loadAddr, n);
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
    if (replLen > total)
      return fail(R.R_ALT_LONG, ENOSPC, lp("Alt for " + hex64(orig) + ", replacement size 0x" + replLen.toString(16) + " larger than origin 0x" + total.toString(16)), "", entryLoc(i, 14));
    if (total > MAX_PATCH_LEN)
      return fail(R.R_ALT_LONG, ENOSPC, lp("Alt for " + hex64(orig) + ", origin size 0x" + total.toString(16) + " bigger than buffer 0x" + MAX_PATCH_LEN.toString(16)), "", entryLoc(i, 14));
    const feat = cpuid & ~ALT_FLAG_NOT;
    if (feat >= X86_NCAPINTS * 32)
      return fail(R.R_ALT_BAD, ERANGE, lp("Alt for " + hex64(orig) + ", feature 0x" + feat.toString(16) + " outside of featureset range 0x" + (X86_NCAPINTS * 32).toString(16)), "", entryLoc(i, 14));
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
    const rb = memRead(rp, <i32>replLen);
    if (rb === null) return fail(R.R_ALT_BAD, EFAULT, lp("Alt replacement at " + hex64(rp) + " is unreadable"), "", entryLoc(i, 14));
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

/** x86 4.21+ altcall sites: `ff 15 disp32` becomes `2e e8 rel32`, or three ud2 for a NULL target. */
export function checkAltCalls(p: Payload, e: Elf): i32 {
  const s = e.byName(".alt_call_sites");
  if (s === null) return 0;
  if (arch != ARCH_X86_64) return fail(R.R_ARCH_SECTION, EOPNOTSUPP, lp("We don't support alternative call patching"), "", shdrLoc(e, s.index));
  if (s.size % 4 != 0) return fail(R.R_ALT_CALLS, EINVAL, lp("Wrong size " + s.size.toString() + " of .alt_call_sites (must be multiple of 4)"), "", dataLoc(s));
  if (s.size == 0) return 0;
  if (p.textSize == 0) return fail(R.R_ALT_CALLS, EINVAL, lp(".alt_call_sites present but there is no payload text"), "", shdrLoc(e, s.index));
  if (!s.alloc) return fail(R.R_ALT_CALLS, EINVAL, lp(".alt_call_sites has no load address"), "real Xen would read the entries through a NULL address", shdrLoc(e, s.index));
  altSec = s;
  const n = <i32>(s.size / 4);
  const sites = new Array<u64>(n);
  const targets = new Array<u64>(n);
  for (let i = 0; i < n; i++) {
    const a = s.loadAddr + <u64>(i * 4);
    const site = a + <u64>s32At(a);
    if (!inside(site, 6, p.textAddr, p.textSize)) return fail(R.R_ALT_CALLS, EINVAL, lp("alt_call site " + hex64(site) + " is outside the payload text"), "", entryLoc(i, 4));
    const op = memRead(site, 6);
    if (op === null || op[0] != 0xff || op[1] != 0x15) return fail(R.R_ALT_CALLS, EINVAL, lp("alt_call site " + hex64(site) + " is not an indirect call"), "", entryLoc(i, 4));
    const slot = site + 6 + <u64>s32At(site + 2);
    const t = memReadLe(slot, 8);
    if (memRead(slot, 8) === null)
      return fail(R.R_ALT_CALLS, EFAULT, "", "alt_call target pointer at " + hex64(slot) + " is unreadable; real Xen would take a fatal page fault", entryLoc(i, 4));
    sites[i] = site;
    targets[i] = t;
  }
  for (let i = 0; i < n; i++) {
    const out = new Uint8Array(6);
    if (targets[i] == 0) {
      for (let k = 0; k < 6; k += 2) {
        out[k] = 0x0f;
        out[k + 1] = 0x0b;
      }
    } else {
      const rel = <u32>(targets[i] - (sites[i] + 6));
      out[0] = 0x2e;
      out[1] = 0xe8;
      out[2] = <u8>rel;
      out[3] = <u8>(rel >> 8);
      out[4] = <u8>(rel >> 16);
      out[5] = <u8>(rel >> 24);
    }
    memWrite(sites[i], out, 0, 6);
  }
  p.altCallCount = n;
  return 0;
}
