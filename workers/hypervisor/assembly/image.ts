// The booted Xen: architecture, build-id, and its symbol table (as `symbols_lookup_by_name` sees
// it: locals are spelled `file#name` by whoever feeds addSymbol).

export const ARCH_X86_64: i32 = 1;
export const ARCH_ARM64: i32 = 2;
export const ARCH_ARM32: i32 = 3;

export const SYM_NOTYPE: i32 = 0;
export const SYM_OBJECT: i32 = 1;
export const SYM_FUNC: i32 = 2;

export let arch: i32 = 0;
export let cpuCount: i32 = 1;
export let xenBuildId: Uint8Array | null = null;

let names: string[] = [];
let addrs: u64[] = [];
let sizes: u32[] = [];
let kinds: i32[] = [];
let byName = new Map<string, i32>();

export function resetImage(a: i32, cpus: i32, buildId: Uint8Array | null): void {
  arch = a;
  cpuCount = cpus < 1 ? 1 : cpus;
  xenBuildId = buildId !== null && buildId.length > 0 ? buildId.slice(0) : null;
  names = [];
  addrs = [];
  sizes = [];
  kinds = [];
  byName = new Map<string, i32>();
}

export function setCpuCount(n: i32): void {
  cpuCount = n < 1 ? 1 : n;
}

export function is64(): bool {
  return arch != ARCH_ARM32;
}

/** Adds a symbol; the first definition of a name wins lookups by name, like Xen's table walk. */
export function addImageSymbol(name: string, addr: u64, size: u32, kind: i32): void {
  const idx = names.length;
  names.push(name);
  addrs.push(addr);
  sizes.push(size);
  kinds.push(kind);
  if (!byName.has(name)) byName.set(name, idx);
}

export function imageSymbolCount(): i32 {
  return names.length;
}

/** Index of the symbol called `name`, or -1. */
export function imageFind(name: string): i32 {
  return byName.has(name) ? byName.get(name) : -1;
}

export function imageSymAddr(i: i32): u64 {
  return i >= 0 && i < addrs.length ? unchecked(addrs[i]) : 0;
}

export function imageSymSize(i: i32): u32 {
  return i >= 0 && i < sizes.length ? unchecked(sizes[i]) : 0;
}

export function imageSymKind(i: i32): i32 {
  return i >= 0 && i < kinds.length ? unchecked(kinds[i]) : SYM_NOTYPE;
}

export function imageSymName(i: i32): string {
  return i >= 0 && i < names.length ? unchecked(names[i]) : "";
}

/** Address of the image's symbol called `name`, 0 when the image has none. */
export function imageAddrOf(name: string): u64 {
  return imageSymAddr(imageFind(name));
}

/** Address of `_start` / `_end`, 0 when the image did not supply them. */
export function imageStart(): u64 {
  const i = imageFind("_start");
  return i >= 0 ? imageSymAddr(i) : 0;
}

export function imageEnd(): u64 {
  const i = imageFind("_end");
  return i >= 0 ? imageSymAddr(i) : 0;
}

/** Symbol whose [addr, addr+size) contains `a` (size 0 symbols match their address only), or -1. */
export function imageSymbolAt(a: u64): i32 {
  let best = -1;
  for (let i = 0; i < addrs.length; i++) {
    const s = unchecked(addrs[i]);
    const z = <u64>unchecked(sizes[i]);
    if (a == s || (a > s && a - s < z)) {
      if (best < 0 || unchecked(kinds[i]) == SYM_FUNC) best = i;
      if (unchecked(kinds[i]) == SYM_FUNC) break;
    }
  }
  return best;
}
