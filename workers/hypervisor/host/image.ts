// Boots the simulated hypervisor from a real (or sample) xen-syms: architecture from e_machine,
// Xen's build-id, its symbol table as Xen's own lookup sees it (locals as `file#name`), and the
// bytes of every allocated section mapped at their link addresses with the page permissions the
// section flags imply; then the end of boot (init_done(): .init freed, ro_after_init read-only).
import {
  buildId,
  sectionData,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  SHT_SYMTAB,
  STT_FILE,
  STT_FUNC,
  STT_OBJECT,
  STT_NOTYPE,
  type ElfFile,
} from "../../../src/elf/index.ts";
import { imageProblem } from "../../../src/audit/image.ts";
import { archOf as archOfMachine } from "../../../src/livepatch/index.ts";
import { MEM_PERM, SYMBOL_KIND, type Arch, type MemPerm, type SymbolKind } from "./types.ts";
import type { HypervisorApi } from "./api.ts";

/** A zero-filled .bss bigger than this is left unmapped (nothing the livepatch core reads). */
const MAX_NOBITS_MAP = 64 * 1024 * 1024;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_ABS = 0xfff1;

export class ImageError extends Error {
  override readonly name = "ImageError";
}

export interface ImageSummary {
  arch: Arch;
  buildId: Uint8Array | null;
  symbols: number;
  mappedBytes: number;
  sections: number;
}

export function archOf(elf: ElfFile): Arch {
  // The same e_machine reading as the payload model's: one map of the architectures Xen livepatches.
  const arch = archOfMachine(elf.header.machine);
  if (!arch) throw new ImageError(`not a Xen image for a supported architecture (e_machine ${elf.header.machine})`);
  return arch;
}

function permOf(flags: bigint): MemPerm {
  if (flags & BigInt(SHF_EXECINSTR)) return MEM_PERM.RX;
  if (flags & BigInt(SHF_WRITE)) return MEM_PERM.RW;
  return MEM_PERM.RO;
}

function kindOf(type: number): SymbolKind | null {
  if (type === STT_FUNC) return SYMBOL_KIND.FUNC;
  if (type === STT_OBJECT) return SYMBOL_KIND.OBJECT;
  if (type === STT_NOTYPE) return SYMBOL_KIND.NOTYPE;
  return null;
}

/** Resets `api` and boots the Xen described by `elf` on `cpus` CPUs. */
export function bootFromImage(api: HypervisorApi, elf: ElfFile, opts: { cpus?: number; debugBuild?: boolean } = {}): ImageSummary {
  const problem = imageProblem(elf);
  if (problem) throw new ImageError(`not a Xen image: ${problem}`);
  const arch = archOf(elf);
  const id = buildId(elf);
  api.boot({ arch, cpus: Math.max(1, Math.min(64, Math.floor(opts.cpus ?? 4))), buildId: id ? id.slice() : null, debugBuild: opts.debugBuild ?? false });

  let symbols = 0;
  const table = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB) ?? elf.symbolTables[0];
  if (table) {
    let file = "";
    for (let i = 1; i < table.count; i++) {
      const type = table.info[i] & 0xf;
      const bind = table.info[i] >> 4;
      const name = table.name[i];
      if (type === STT_FILE) {
        file = name;
        continue;
      }
      const kind = kindOf(type);
      const shndx = table.shndx[i];
      if (kind === null || !name || !table.nameValid[i]) continue;
      if (shndx === SHN_UNDEF || (shndx >= SHN_LORESERVE && shndx !== SHN_ABS)) continue;
      // Xen's symbol table spells a local as `file#name`, so payloads refer to it that way.
      const spelled = bind === 0 && file ? `${file}#${name}` : name;
      const size = table.size[i] > 0xffffffffn ? 0xffffffff : Number(table.size[i]);
      api.addSymbol({ name: spelled, addr: table.value[i], size, kind });
      symbols++;
    }
  }

  let mappedBytes = 0;
  let sections = 0;
  for (const s of elf.sections) {
    if (!(s.flags & BigInt(SHF_ALLOC)) || s.size === 0n) continue;
    let bytes: Uint8Array;
    if (s.type === SHT_NOBITS) {
      if (s.size > BigInt(MAX_NOBITS_MAP)) continue;
      bytes = new Uint8Array(Number(s.size));
    } else {
      bytes = sectionData(elf, s.index);
      if (bytes.length === 0) continue;
    }
    api.mapMemory(s.addr, bytes, permOf(s.flags));
    mappedBytes += bytes.length;
    sections++;
  }
  // What Xen does once before any hypercall: xen_build_init(), init_done() freeing .init.
  api.initDone();
  return { arch, buildId: id, symbols, mappedBytes, sections };
}
