// Helpers for linked images (xen-syms) and for anyone who needs bytes or symbols by name or
// address. Indexes are built once per ElfFile and cached outside it (a WeakMap), so the file
// itself stays plain cloneable data.
import { NT_GNU_BUILD_ID, SHF_ALLOC, SHN_UNDEF, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB, STT_FILE, STT_FUNC, STT_NOTYPE, STT_SECTION, stType } from "./constants.ts";
import type { ElfFile, ElfSection, SymbolRef, SymbolTable } from "./types.ts";
import { printable } from "./readelf.ts";

interface Indexes {
  byName?: Map<string, SymbolRef>;
  /** FUNC symbols sorted by address, as (table, index) pairs. */
  byAddress?: { table: Uint32Array; index: Uint32Array; value: BigUint64Array; size: BigUint64Array };
  /** Every named defined symbol in an SHF_ALLOC section, sorted by address (symbolBefore()). */
  labels?: { refs: SymbolRef[]; value: bigint[] };
}

const cache = new WeakMap<ElfFile, Indexes>();

function indexes(file: ElfFile): Indexes {
  let x = cache.get(file);
  if (!x) {
    x = {};
    cache.set(file, x);
  }
  return x;
}

function ref(file: ElfFile, table: number, index: number): SymbolRef {
  const t = file.symbolTables[table];
  return { table, index, name: t.name[index], value: t.value[index], size: t.size[index], info: t.info[index], shndx: t.shndx[index] };
}

/** Tables in lookup order: .symtab (SHT_SYMTAB) before .dynsym. */
function tablesInOrder(file: ElfFile): number[] {
  const order: number[] = [];
  file.symbolTables.forEach((t, i) => t.sectionType === SHT_SYMTAB && order.push(i));
  file.symbolTables.forEach((t, i) => t.sectionType === SHT_DYNSYM && order.push(i));
  return order;
}

function isNamedDefinition(t: SymbolTable, i: number): boolean {
  const type = stType(t.info[i]);
  return t.shndx[i] !== SHN_UNDEF && t.name[i] !== "" && type !== STT_SECTION && type !== STT_FILE;
}

/**
 * Map of symbol name → first defined symbol with that name (.symtab before .dynsym; undefined,
 * section and file symbols excluded). Built once per file; do not mutate the returned map.
 */
export function symbolsByName(file: ElfFile): Map<string, SymbolRef> {
  const x = indexes(file);
  if (x.byName) return x.byName;
  const map = new Map<string, SymbolRef>();
  for (const ti of tablesInOrder(file)) {
    const t = file.symbolTables[ti];
    for (let i = 1; i < t.count; i++) {
      if (isNamedDefinition(t, i) && !map.has(t.name[i])) map.set(t.name[i], ref(file, ti, i));
    }
  }
  x.byName = map;
  return map;
}

/** The first defined symbol called `name`, or null. */
export function findSymbol(file: ElfFile, name: string): SymbolRef | null {
  return symbolsByName(file).get(name) ?? null;
}

function addressIndex(file: ElfFile): NonNullable<Indexes["byAddress"]> {
  const x = indexes(file);
  if (x.byAddress) return x.byAddress;
  const pairs: [number, number][] = [];
  for (const ti of tablesInOrder(file)) {
    const t = file.symbolTables[ti];
    for (let i = 1; i < t.count; i++) if (stType(t.info[i]) === STT_FUNC && t.shndx[i] !== SHN_UNDEF) pairs.push([ti, i]);
  }
  const v = (p: [number, number]): bigint => file.symbolTables[p[0]].value[p[1]];
  pairs.sort((a, b) => (v(a) < v(b) ? -1 : v(a) > v(b) ? 1 : a[0] - b[0] || a[1] - b[1]));
  const n = pairs.length;
  const out = { table: new Uint32Array(n), index: new Uint32Array(n), value: new BigUint64Array(n), size: new BigUint64Array(n) };
  pairs.forEach(([ti, i], k) => {
    out.table[k] = ti;
    out.index[k] = i;
    out.value[k] = file.symbolTables[ti].value[i];
    out.size[k] = file.symbolTables[ti].size[i];
  });
  x.byAddress = out;
  return out;
}

/** How far back to look for an enclosing function when functions overlap or nest. */
const OVERLAP_LOOKBACK = 16;

/**
 * The FUNC symbol whose [value, value+size) contains `address` (a zero-sized one only on an exact
 * match), preferring the closest start. Null when none. Binary search over an index built once.
 */
export function symbolAt(file: ElfFile, address: bigint): SymbolRef | null {
  const ix = addressIndex(file);
  let lo = 0;
  let hi = ix.value.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ix.value[mid] <= address) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo - 1; k >= 0 && k >= lo - OVERLAP_LOOKBACK; k--) {
    const start = ix.value[k];
    const size = ix.size[k];
    if (address < start + size || (size === 0n && address === start)) return ref(file, ix.table[k], ix.index[k]);
  }
  return null;
}

function labelIndex(file: ElfFile): NonNullable<Indexes["labels"]> {
  const x = indexes(file);
  if (x.labels) return x.labels;
  const refs: SymbolRef[] = [];
  for (const ti of tablesInOrder(file)) {
    const t = file.symbolTables[ti];
    for (let i = 1; i < t.count; i++) {
      const sec = file.sections[t.shndx[i]];
      if (isNamedDefinition(t, i) && sec && sec.flags & BigInt(SHF_ALLOC)) refs.push(ref(file, ti, i));
    }
  }
  // Stable: at one address the first symbol in table order wins.
  refs.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  x.labels = { refs, value: refs.map((r) => r.value) };
  return x.labels;
}

/**
 * How objdump -d names an address no FUNC symbol holds (`<_srodata+0x11>` for a RIP-relative
 * string): the nearest defined symbol at or before it in the SHF_ALLOC section the address is in
 * (section and file symbols aside). Null when the address is in no such section or nothing in
 * that section comes before it.
 */
export function symbolBefore(file: ElfFile, address: bigint): SymbolRef | null {
  const alloc = (s: ElfSection) => (s.flags & BigInt(SHF_ALLOC)) !== 0n && s.size > 0n;
  let sec = file.sections.findIndex((s) => alloc(s) && address >= s.addr && address < s.addr + s.size);
  // Just past a section's end (a `_end` label's address, no section holds it): that section's labels.
  if (sec < 0) sec = file.sections.findIndex((s) => alloc(s) && address === s.addr + s.size);
  if (sec < 0) return null;
  const { refs, value } = labelIndex(file);
  let lo = 0;
  let hi = value.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value[mid] <= address) lo = mid + 1;
    else hi = mid;
  }
  let k = lo - 1;
  while (k >= 0 && refs[k].shndx !== sec) k--;
  if (k < 0) return null;
  // Of the symbols at that address, a typed one (an OBJECT's `printk_head` over the NOTYPE
  // `__bss_start` beside it, as objdump picks), else the first in table order.
  const at = refs[k].value;
  let best: SymbolRef | null = null;
  for (let j = k; j >= 0 && refs[j].value === at; j--) {
    const r = refs[j];
    if (r.shndx !== sec) continue;
    if (!best || (stType(r.info) !== STT_NOTYPE) >= (stType(best.info) !== STT_NOTYPE)) best = r;
  }
  return best;
}

/** The section's file bytes as a subarray; empty for NOBITS/NULL or an unusable range. */
export function sectionData(file: ElfFile, index: number): Uint8Array {
  const s = file.sections[index];
  if (!s || s.dataSize === 0) return new Uint8Array(0);
  return file.bytes.subarray(s.dataOffset, s.dataOffset + s.dataSize);
}

/** The first section called `name` (as Xen looks sections up), or null. */
export function sectionByName(file: ElfFile, name: string): ElfSection | null {
  return file.sections.find((s) => s.nameValid && s.name === name) ?? null;
}

function sectionHolding(file: ElfFile, address: bigint): ElfSection | null {
  for (const s of file.sections) {
    if ((s.flags & BigInt(SHF_ALLOC)) === 0n || s.type === SHT_NOBITS || s.dataSize === 0) continue;
    if (address >= s.addr && address < s.addr + BigInt(s.dataSize)) return s;
  }
  return null;
}

/**
 * `length` bytes at virtual `address`, read through SHF_ALLOC sections that have file contents
 * (a subarray when one section holds them all, else a copy). Null when any byte is not backed by
 * file data (NOBITS, gaps, out of range).
 */
export function readVirtual(file: ElfFile, address: bigint, length: number): Uint8Array | null {
  if (!Number.isSafeInteger(length) || length < 0) return null;
  const first = sectionHolding(file, address);
  if (!first) return length === 0 ? new Uint8Array(0) : null;
  const within = Number(address - first.addr);
  if (within + length <= first.dataSize) return file.bytes.subarray(first.dataOffset + within, first.dataOffset + within + length);
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const at = address + BigInt(done);
    const s = sectionHolding(file, at);
    if (!s) return null;
    const off = Number(at - s.addr);
    const take = Math.min(length - done, s.dataSize - off);
    out.set(file.bytes.subarray(s.dataOffset + off, s.dataOffset + off + take), done);
    done += take;
  }
  return out;
}

/**
 * The GNU build-id (descriptor of an NT_GNU_BUILD_ID note owned by "GNU"), preferring the one in
 * `.note.gnu.build-id`, as a subarray of the file. Null when there is none.
 */
export function buildId(file: ElfFile): Uint8Array | null {
  const candidates = file.notes.filter((n) => n.type === NT_GNU_BUILD_ID && n.name === "GNU" && n.desc.size > 0);
  const preferred = candidates.find((n) => file.sections[n.sectionIndex]?.name === ".note.gnu.build-id") ?? candidates[0];
  if (!preferred) return null;
  return file.bytes.subarray(preferred.desc.offset, preferred.desc.offset + preferred.desc.size);
}

/**
 * Builds the address indexes symbolAt() and symbolBefore() search (each once per file), so a
 * caller can pay for them while nothing else runs: the simulator's first APPLY naming the bytes
 * it patched built both in the middle of its playback.
 */
export function buildAddressIndexes(file: ElfFile): void {
  addressIndex(file);
  labelIndex(file);
}

/** The build-id as build-ids are compared and shown: lowercase hex, no separators. */
export function buildIdHex(file: ElfFile): string | null {
  const id = buildId(file);
  return id ? Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("") : null;
}

/** Where the image's sized symbol holding `address` ends (a function as objdump lists it), or null. */
export function imageSymbolEnd(elf: ElfFile, address: bigint): bigint | null {
  const s = symbolAt(elf, address);
  return s && s.size > 0n ? s.value + s.size : null;
}

/**
 * What the tool calls an address in an image: the function containing it, else (as objdump -d
 * does) the nearest symbol before it in its section, as `name` or `name+0x..` (printable()). How
 * the Functions view and the simulator's memory card name a branch target in Xen (e.g.
 * `<__x86_return_thunk>`) or a RIP-relative operand's address (`<_srodata+0x11>`), and what a
 * nameless livepatch_func record is called (recordTargetName() in src/livepatch/label.ts).
 */
export function imageNameAt(elf: ElfFile, address: bigint): string | null {
  const s = symbolAt(elf, address) ?? symbolBefore(elf, address);
  if (!s) return null;
  const d = address - s.value;
  const name = printable(s.name);
  return d === 0n ? name : `${name}+0x${d.toString(16)}`;
}
