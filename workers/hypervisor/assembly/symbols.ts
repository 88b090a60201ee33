// Symbol resolution (livepatch_elf_resolve_symbols()), the lookup order Xen then loaded payloads
// (symbols_lookup_by_name(), livepatch_symbols_lookup_by_name()), and the
// table of symbols a payload records and exports (build_symbol_table()).
import { Elf, symLoc, SHF_ALLOC, SHF_MERGE, SHN_UNDEF, SHN_ABS, SHN_COMMON, SHN_LORESERVE } from "./elf";
import { fail, lp, diagName } from "./diag";
import { debugBuild, dprintk, hexAlt } from "./xenlog";
import * as R from "./rules";
import { EEXIST, EINVAL, ENOENT, EOPNOTSUPP } from "./errno";
import { arch, ARCH_ARM64, ARCH_ARM32, imageFind, imageSymAddr } from "./image";
import { Payload, PayloadSymbol, payloads, payloadVersion } from "./payload";

/** Xen's symbols_lookup_by_name: 0 means "not found", so a symbol at address 0 is invisible. */
export function xenLookup(name: string): u64 {
  const i = imageFind(name);
  return i < 0 ? 0 : imageSymAddr(i);
}

// The loaded payloads' new symbols by name, first (upload order, then symbol order) wins; built
// again after any payload comes or goes (payloadVersion), so an UPLOAD's symbol checks do not walk
// every symbol of every loaded payload per name.
let exported = new Map<string, u64>();
let exportedVersion: u32 = 0;

/** The first loaded payload (upload order) exporting `name` as a new symbol; 0 when none. */
export function payloadLookup(name: string): u64 {
  if (exportedVersion != payloadVersion) {
    exported = new Map<string, u64>();
    for (let i = 0; i < payloads.length; i++) {
      const syms = payloads[i].symbols;
      for (let j = 0; j < syms.length; j++) {
        const s = syms[j];
        if (s.isNew && !exported.has(s.name)) exported.set(s.name, s.addr);
      }
    }
    exportedVersion = payloadVersion;
  }
  return exported.has(name) ? exported.get(name) : 0;
}

export function lookupAny(name: string): u64 {
  const v = xenLookup(name);
  return v != 0 ? v : payloadLookup(name);
}

const ELF_C = "common/livepatch_elf.c";

/** livepatch_elf_resolve_symbols() in xen/common/livepatch_elf.c: every symbol value becomes an address. */
export function resolveSymbols(e: Elf): i32 {
  const me = diagName;
  for (let i = 1; i < e.syms.length; i++) {
    const y = e.syms[i];
    const idx = y.shndx;
    // "%s: Unexpected common symbol: %s"
    if (idx == SHN_COMMON) return fail(R.R_SYM_COMMON, EINVAL, lp("Unexpected common symbol: " + y.name), "", symLoc(e, i));
    if (idx == SHN_UNDEF) {
      const v = lookupAny(y.name);
      // "%s: Unknown symbol: %s"
      if (v == 0) return fail(R.R_SYM_UNRESOLVED, ENOENT, lp("Unknown symbol: " + y.name), "", symLoc(e, i));
      y.value = v;
      if (debugBuild) dprintk(me, ELF_C, 313, lp("Undefined symbol resolved: " + y.name + " => " + hexAlt(v)));
      continue;
    }
    if (idx == SHN_ABS) {
      if (debugBuild) dprintk(me, ELF_C, 318, lp("Absolute symbol: " + y.name + " => " + hexAlt(y.value)));
      continue;
    }
    // "%s: Out of bounds symbol section %#x"
    if (idx >= SHN_LORESERVE) return fail(R.R_SYM_RESERVED, EOPNOTSUPP, lp("Out of bounds symbol section " + hexAlt(idx)), "", symLoc(e, i));
    if (idx >= e.shnum) return fail(R.R_SYM_SECTION, EINVAL, lp("Out of bounds symbol section " + hexAlt(idx)), "", symLoc(e, i));
    const s = e.secs[idx];
    if ((s.flags & SHF_ALLOC) == 0) {
      y.ignored = true;
      if (debugBuild) dprintk(me, ELF_C, 338, lp("Symbol " + y.name + " from section " + s.name + " ignored"));
      continue;
    }
    y.value += s.loadAddr;
    if (debugBuild) dprintk(me, ELF_C, 347, lp("Symbol resolved: " + y.name + " => " + hexAlt(y.value) + " (" + s.name + ")"));
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
    if (newAddrs.has(r.addr)) {
      if (debugBuild) dprintk(diagName, "common/livepatch.c", 1120, lp("overriding symbol " + r.name));
      continue;
    }
    // build_symbol_table() in xen/common/livepatch.c: "%s: duplicate new symbol: %s"
    if (lookupAny(r.name) != 0) return fail(R.R_SYM_DUP, EEXIST, lp("duplicate new symbol: " + r.name), "", symLoc(e, r.index));
    r.isNew = true;
    if (debugBuild) dprintk(diagName, "common/livepatch.c", 1114, lp("new symbol " + r.name));
  }
  p.symbols = out;
  return 0;
}
