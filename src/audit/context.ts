// What every check of one payload reads: the parsed file, the livepatch model, the target image,
// the payloads predicted to be loaded before it, and an emitter that fills in the rule's reason.
import { SHT_SYMTAB, type ElfFile, type SymbolTable } from "../elf/index.ts";
import type { LivepatchArch, LivepatchModel } from "../livepatch/index.ts";
import type { XenImage } from "./image.ts";
import { RULES, type RuleId } from "./rules.ts";
import type { Finding } from "./types.ts";

/** A payload the audit expects to be loaded (uploaded successfully) when a later one uploads. */
export interface LoadedPayload {
  file: string;
  name: string;
  buildId: string | null;
  /** New (non-override) symbols it exports, by name, with their load addresses. */
  exports: Map<string, bigint>;
  /** Where its regions lie: [start, end). */
  start: bigint;
  end: bigint;
}

export interface Where {
  section?: string;
  sectionIndex?: number;
  offset?: number;
  length?: number;
  func?: { index: number; name: string | null };
  rc?: number;
}

export interface FileContext {
  file: string;
  fileIndex: number;
  /** The payload name used for UPLOAD (file name without directory and extension). */
  name: string;
  elf: ElfFile;
  model: LivepatchModel;
  arch: LivepatchArch | null;
  ptr: 4 | 8;
  symtab: SymbolTable | null;
  image: XenImage | null;
  loaded: readonly LoadedPayload[];
  findings: Finding[];
  emit(id: RuleId, message: string, where?: Where): void;
  /** Resolves a name as Xen does: its own table first, then loaded payloads' exports. */
  resolve(name: string): bigint | null;
  /** Hypervisor memory as it is when this payload arrives: the image plus earlier patches. */
  read(addr: bigint, length: number): Uint8Array | null;
}

/** Bytes written by payloads applied earlier in the set, by address. */
export type MemoryOverlay = Map<bigint, number>;

/** `dir/xen_hello_world.livepatch` → `xen_hello_world`, as `xen-livepatch load` names it. */
export function payloadName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.indexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base) || "payload";
}

export function makeFinding(id: RuleId, message: string, where: Where, file?: { file: string; fileIndex: number }): Finding {
  const rule = RULES[id];
  const f: Finding = { id, severity: rule.severity, message, why: rule.why, stage: rule.stage };
  if (file) {
    f.file = file.file;
    f.fileIndex = file.fileIndex;
  }
  if (where.section !== undefined) f.section = where.section;
  if (where.sectionIndex !== undefined) f.sectionIndex = where.sectionIndex;
  if (where.offset !== undefined) {
    f.offset = where.offset;
    f.length = Math.max(1, where.length ?? 1);
  }
  if (where.func) f.func = where.func;
  const rc = where.rc ?? ("rc" in rule ? rule.rc : undefined);
  if (rc !== undefined && (rule.stage === "upload" || rule.stage === "apply")) f.rc = rc;
  return f;
}

export function createFileContext(args: {
  file: string;
  fileIndex: number;
  elf: ElfFile;
  model: LivepatchModel;
  image: XenImage | null;
  loaded: readonly LoadedPayload[];
  overlay?: MemoryOverlay;
}): FileContext {
  const findings: Finding[] = [];
  const { file, fileIndex, elf, model, image, loaded, overlay } = args;
  return {
    file,
    fileIndex,
    name: payloadName(file),
    elf,
    model,
    arch: model.arch,
    ptr: elf.header.elfClass === 64 ? 8 : 4,
    symtab: elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB) ?? null,
    image,
    loaded,
    findings,
    emit(id, message, where = {}) {
      findings.push(makeFinding(id, message, where, { file, fileIndex }));
    },
    resolve(name) {
      const x = image?.lookup(name);
      if (x && x.addr !== 0n) return x.addr;
      for (const p of loaded) {
        const v = p.exports.get(name);
        if (v !== undefined && v !== 0n) return v;
      }
      return null;
    },
    read(addr, length) {
      const base = image?.read(addr, length) ?? null;
      if (!base || !overlay?.size) return base;
      const out = base.slice();
      for (let i = 0; i < length; i++) {
        const b = overlay.get(addr + BigInt(i));
        if (b !== undefined) out[i] = b;
      }
      return out;
    },
  };
}

export const hexAddr = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
export const errnoName: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  22: "EINVAL",
  28: "ENOSPC",
  34: "ERANGE",
  38: "ENOSYS",
  61: "ENODATA",
  75: "EOVERFLOW",
  95: "EOPNOTSUPP",
};
export const rcText = (rc: number): string => (rc === 0 ? "0" : `−${errnoName[-rc] ?? String(-rc)}`);
