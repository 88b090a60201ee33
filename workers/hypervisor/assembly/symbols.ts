// Symbol resolution (facts §4.1), the lookup order Xen then loaded payloads (§5.2), and the
// table of symbols a payload records and exports (§5.3).
import { Elf, symLoc, SHF_ALLOC, SHF_MERGE, SHN_UNDEF, SHN_ABS, SHN_COMMON, SHN_LORESERVE } from "./elf";
import { fail, lp } from "./diag";
import * as R from "./rules";
import { EEXIST, EINVAL, ENOENT, EOPNOTSUPP } from "./errno";
import { arch, ARCH_ARM64, ARCH_ARM32, imageFind, imageSymAddr } from "./image";
import { Payload, PayloadSymbol, payloads } from "./payload";

/** Xen's symbols_lookup_by_name: 0 means "not found", so a symbol at address 0 is invisible. */
export function xenLookup(name: string): u64 {
  const i = imageFind(name);
  return i < 0 ? 0 : imageSymAddr(i);
}

/** The first loaded payload (upload order) exporting `name` as a new symbol; 0 when none. */
export function payloadLookup(name: string): u64 {
  for (let i = 0; i < payloads.length; i++) {
    const syms = payloads[i].symbols;
    for (let j = 0; j < syms.length; j++) {
      const s = syms[j];
      if (s.isNew && s.name == name) return s.addr;
    }
  }
  return 0;
}

export function lookupAny(name: string): u64 {
  const v = xenLookup(name);
  return v != 0 ? v : payloadLookup(name);
}

/** Turns every symbol value into a runtime address; 0 or -errno. */
export function resolveSymbols(e: Elf): i32 {
  for (let i = 1; i < e.syms.length; i++) {
    const y = e.syms[i];
    const idx = y.shndx;
    if (idx == SHN_COMMON) return fail(R.R_SYM_COMMON, EINVAL, lp("Unexpected common symbol: " + y.name), "", symLoc(e, i));
    if (idx == SHN_UNDEF) {
      const v = lookupAny(y.name);
      if (v == 0) return fail(R.R_SYM_UNRESOLVED, ENOENT, lp("Unknown symbol: " + y.name), "", symLoc(e, i));
      y.value = v;
      continue;
    }
    if (idx == SHN_ABS) continue;
    if (idx >= SHN_LORESERVE) return fail(R.R_SYM_RESERVED, EOPNOTSUPP, lp("Out of bounds symbol section 0x" + idx.toString(16)), "", symLoc(e, i));
    if (idx >= e.shnum) return fail(R.R_SYM_SECTION, EINVAL, lp("Out of bounds symbol section 0x" + idx.toString(16)), "", symLoc(e, i));
    const s = e.secs[idx];
    if ((s.flags & SHF_ALLOC) == 0) {
      y.ignored = true;
      continue;
    }
    y.value += s.loadAddr;
  }
  return 0;
}

function isMappingSymbol(name: string): bool {
  if (name.length < 2 || name.charCodeAt(0) != 0x24) return false;
  const c = name.charAt(1);
  const kind = c == "d" || (arch == ARCH_ARM64 && c == "x") || (arch == ARCH_ARM32 && c == "a");
  return kind && (name.length == 2 || name.charAt(2) == ".");
}

// Xen copies names into its own table with strlcpy(KSYM_NAME_LEN = 128).
const KSYM_NAME_LEN: i32 = 128;

/** build_symbol_table: records the payload's symbols and refuses duplicate new names. */
export function buildSymbolTable(p: Payload, e: Elf): i32 {
  const out: PayloadSymbol[] = [];
  for (let i = 1; i < e.syms.length; i++) {
    const y = e.syms[i];
    if (y.shndx == SHN_UNDEF || y.shndx >= e.shnum) continue;
    const s = e.secs[y.shndx];
    if ((s.flags & SHF_ALLOC) == 0 || y.name.length == 0) continue;
    if ((s.flags & SHF_MERGE) != 0 && y.name.startsWith(".L")) continue;
    if ((arch == ARCH_ARM64 || arch == ARCH_ARM32) && isMappingSymbol(y.name)) continue;
    const r = new PayloadSymbol();
    r.index = i;
    r.name = y.name.length >= KSYM_NAME_LEN ? y.name.substring(0, KSYM_NAME_LEN - 1) : y.name;
    r.addr = y.value;
    r.size = y.size;
    out.push(r);
  }
  const newAddrs = new Set<u64>();
  for (let j = 0; j < p.funcs.length; j++) newAddrs.add(p.funcs[j].newAddr);
  for (let i = 0; i < out.length; i++) {
    const r = out[i];
    if (newAddrs.has(r.addr)) continue;
    if (lookupAny(r.name) != 0) return fail(R.R_SYM_DUP, EEXIST, lp("duplicate new symbol: " + r.name), "", symLoc(e, r.index));
    r.isNew = true;
  }
  p.symbols = out;
  return 0;
}
