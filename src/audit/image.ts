// The target hypervisor as the audit sees it: its symbol table spelled the way Xen's own lookup
// spells it (locals as `file#name`), its build-id and its bytes.
import {
  ET_DYN,
  ET_EXEC,
  ET_REL,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHN_ABS,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_SYMTAB,
  STB_LOCAL,
  STT_FILE,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  buildId,
  imageNameAt,
  readVirtual,
  stBind,
  stType,
  type ElfFile,
} from "../elf/index.ts";
import { archOf, machineLabel, type LivepatchArch } from "../livepatch/index.ts";

export interface XenSym {
  name: string;
  addr: bigint;
  size: bigint;
  func: boolean;
}

export interface XenImage {
  file: string;
  arch: LivepatchArch | null;
  /** The image's e_machine. */
  machine: number;
  buildId: string | null;
  /** First definition wins, as in the simulator's boot. */
  lookup(name: string): XenSym | null;
  /** The function or object starting at or containing `addr`, preferring an exact start. */
  symbolAt(addr: bigint): XenSym | null;
  /** What every view calls `addr` (imageNameAt()): `name` or `name+0x..`. */
  nameAt(addr: bigint): string | null;
  read(addr: bigint, length: number): Uint8Array | null;
  /** The SHF_ALLOC section holding `addr`, and whether it is code (SHF_EXECINSTR). */
  sectionAt(addr: bigint): { name: string; exec: boolean } | null;
}

const E_TYPE: Record<number, string> = { [ET_REL]: "a relocatable object (ET_REL)", [ET_DYN]: "a shared object or PIE (ET_DYN)" };

/**
 * Why `elf` cannot be the hypervisor image, or null. xen-syms is a linked executable (ET_EXEC):
 * a payload or any other object given as the image would have its section offsets taken for Xen's
 * addresses, and an audit against it would judge old functions by bytes Xen does not have. Nor
 * can an image of a machine Xen does not livepatch be booted. `offset`: the header field (e_type at
 * 0x10, e_machine at 0x12).
 */
export function imageProblem(elf: ElfFile): { reason: string; offset: number } | null {
  const t = elf.header.type;
  if (t !== ET_EXEC) return { reason: `it is ${E_TYPE[t] ?? `of e_type ${t}`}, not a linked executable (ET_EXEC) as xen-syms is`, offset: 0x10 };
  const m = elf.header.machine;
  return archOf(m) ? null : { reason: `its machine is ${machineLabel(m)}, and Xen livepatches x86_64, aarch64 and arm32 only`, offset: 0x12 };
}

/** An image as the reports head it: its machine in the page's words (machineLabel()) and its build-id. */
export function imageHeading(elf: ElfFile): { arch: string; buildId: string | null } {
  const id = buildId(elf);
  return { arch: machineLabel(elf.header.machine), buildId: id ? hex(id) : null };
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export function xenImage(file: string, elf: ElfFile): XenImage {
  const byName = new Map<string, XenSym>();
  const sorted: XenSym[] = [];
  const table = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB) ?? elf.symbolTables[0];
  if (table) {
    let source = "";
    for (let i = 1; i < table.count; i++) {
      const type = stType(table.info[i]);
      const name = table.name[i];
      if (type === STT_FILE) {
        source = name;
        continue;
      }
      if ((type !== STT_FUNC && type !== STT_OBJECT && type !== STT_NOTYPE) || !name || !table.nameValid[i]) continue;
      const shndx = table.shndx[i];
      if (shndx === SHN_UNDEF || (shndx >= SHN_LORESERVE && shndx !== SHN_ABS)) continue;
      const spelled = stBind(table.info[i]) === STB_LOCAL && source ? `${source}#${name}` : name;
      const sym = { name: spelled, addr: table.value[i], size: table.size[i], func: type === STT_FUNC };
      if (!byName.has(spelled)) byName.set(spelled, sym);
      if (type === STT_FUNC || type === STT_OBJECT) sorted.push(sym);
    }
  }
  sorted.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const id = buildId(elf);
  return {
    file,
    arch: archOf(elf.header.machine),
    machine: elf.header.machine,
    buildId: id ? hex(id) : null,
    lookup: (name) => byName.get(name) ?? null,
    symbolAt(addr) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid].addr <= addr) lo = mid + 1;
        else hi = mid;
      }
      // Several symbols may share a start (aliases): take the first with that address.
      let k = lo - 1;
      while (k > 0 && sorted[k - 1].addr === sorted[k].addr && sorted[k].addr === addr) k--;
      const s = sorted[k];
      if (!s) return null;
      if (s.addr === addr || addr < s.addr + s.size) return s;
      return null;
    },
    nameAt: (addr) => imageNameAt(elf, addr),
    read: (addr, length) => readVirtual(elf, addr, length),
    sectionAt(addr) {
      const s = elf.sections.find((x) => (x.flags & BigInt(SHF_ALLOC)) !== 0n && x.size > 0n && addr >= x.addr && addr < x.addr + x.size);
      return s ? { name: s.name, exec: (s.flags & BigInt(SHF_EXECINSTR)) !== 0n } : null;
    },
  };
}
