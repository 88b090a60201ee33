// A loaded payload as the hypervisor keeps it, and the global payload list (upload order).
import { memRead, memReadInto, memWrite, memWriteLe } from "./memory";
import { readLe } from "./run/mem";
import { FS_APPLIED, FS_PATCH_OFFSET, FS_INSN_BUFFER } from "./run/layout";

export const STATE_CHECKED: i32 = 1;
export const STATE_APPLIED: i32 = 2;

export const HOOK_LOAD: i32 = 0;
export const HOOK_UNLOAD: i32 = 1;
export const HOOK_PREAPPLY: i32 = 2;
export const HOOK_APPLY: i32 = 3;
export const HOOK_POSTAPPLY: i32 = 4;
export const HOOK_PREREVERT: i32 = 5;
export const HOOK_REVERT: i32 = 6;
export const HOOK_POSTREVERT: i32 = 7;
export const HOOK_KINDS: i32 = 8;

export const HOOK_SECTIONS: string[] = [
  ".livepatch.hooks.load",
  ".livepatch.hooks.unload",
  ".livepatch.hooks.preapply",
  ".livepatch.hooks.apply",
  ".livepatch.hooks.postapply",
  ".livepatch.hooks.prerevert",
  ".livepatch.hooks.revert",
  ".livepatch.hooks.postrevert",
];

export const OPAQUE_SIZE: i32 = 31;

// Pointers Xen keeps into the upload buffer when their section is not SHF_ALLOC (that buffer is
// freed when the upload ends). Index into Payload.danglingAddr; hook kinds follow DANG_HOOK.
export const DANG_FUNCS: i32 = 0;
export const DANG_BUILD_ID: i32 = 1;
export const DANG_DEPENDS: i32 = 2;
export const DANG_MODINFO: i32 = 3;
export const DANG_BUG_FRAMES: i32 = 4;
export const DANG_EX_TABLE: i32 = 5;
export const DANG_HOOK: i32 = 6;
export const DANG_KINDS: i32 = DANG_HOOK + 8;

/** One `struct livepatch_func` after relocation (the fields Xen reads). */
/**
 * How the simulator's own words name function record `f`: "funcs[<index>] (<name>)", "(unnamed)"
 * when it has no name. Spelled as funcRecordLabel() in src/livepatch/label.ts. Not for Xen's lines:
 * where Xen prints the name with %s, the line keeps what Xen prints.
 */
export function funcRecordLabel(f: Func): string {
  return "funcs[" + f.index.toString() + "] (" + (f.name.length > 0 ? escapeName(f.name) : "unnamed") + ")";
}

/**
 * A name from the payload as the tool's labels print it: a control character (C0, DEL, C1) as
 * `\xNN`, as escapeName() in src/livepatch/label.ts does.
 */
export function escapeName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += "\\x" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out;
}

export class Func {
  index: i32 = 0;
  /** Where the record is in the uploaded file, and its size. */
  fileOffset: u64 = 0;
  fileSize: u64 = 0;
  structAddr: u64 = 0;
  name: string = "";
  nameAddr: u64 = 0;
  newAddr: u64 = 0;
  oldAddr: u64 = 0;
  newSize: u32 = 0;
  oldSize: u32 = 0;
  version: u32 = 0;
  /** The 32-byte `livepatch_expectation_t` as read from the struct. */
  expect: Uint8Array = new Uint8Array(32);
}

/**
 * Xen's per-function state (`struct livepatch_fstate`), kept where Xen keeps it: in the array
 * `struct payload`'s fstate points at, in simulated memory (zeroed at upload), so hook code that
 * writes `fstate[i].applied` and Xen's consistency check read the same bytes.
 */
export class FState {
  /** Address of this entry (0 when the heap could not give one: every read is then 0). */
  addr: u64;
  /** How many bytes of insnBuffer hold saved code (the write length of the last apply). */
  savedLen: i32 = 0;

  constructor(addr: u64) {
    this.addr = addr;
  }

  get applied(): i32 {
    return <i32>readLe(this.addr + FS_APPLIED, 4);
  }
  set applied(v: i32) {
    memWriteLe(this.addr + FS_APPLIED, <u64>(<u32>v), 4);
  }
  get patchOffset(): u32 {
    return <u32>readLe(this.addr + FS_PATCH_OFFSET, 4);
  }
  set patchOffset(v: u32) {
    memWriteLe(this.addr + FS_PATCH_OFFSET, <u64>v, 4);
  }
  /** A copy of insn_buffer[]. */
  get insnBuffer(): Uint8Array {
    const b = memRead(this.addr + FS_INSN_BUFFER, OPAQUE_SIZE);
    return b !== null ? b : new Uint8Array(OPAQUE_SIZE);
  }
  /** insn_buffer[] into `into` (OPAQUE_SIZE long) without allocating; zeros when it is not mapped. */
  readInsn(into: Uint8Array): void {
    if (!memReadInto(this.addr + FS_INSN_BUFFER, into, OPAQUE_SIZE)) into.fill(0);
  }
  /** Saves `len` bytes of `src` into insn_buffer[]. */
  saveInsn(src: Uint8Array, len: i32): void {
    memWrite(this.addr + FS_INSN_BUFFER, src, 0, len < OPAQUE_SIZE ? len : OPAQUE_SIZE);
  }
}

/** Where one section of the payload landed. */
export class Placed {
  index: i32 = 0;
  /** sh_offset in the uploaded file; NOBITS sections have no bytes there. */
  offset: u64 = 0;
  nobits: bool = false;
  name: string = "";
  region: string = "";
  addr: u64 = 0;
  size: u64 = 0;
}

/** A symbol the payload defines; `isNew` ones are exported to later payloads. */
export class PayloadSymbol {
  /** Its index in the uploaded symbol table. */
  index: i32 = 0;
  name: string = "";
  addr: u64 = 0;
  size: u64 = 0;
  isNew: bool = false;
}

export class Payload {
  name: string;
  state: i32 = STATE_CHECKED;
  rc: i32 = 0;
  reverted: bool = false;
  safeToReapply: bool = false;

  base: u64 = 0;
  pages: u64 = 0;
  textAddr: u64 = 0;
  textSize: u64 = 0;
  rwAddr: u64 = 0;
  rwSize: u64 = 0;
  roAddr: u64 = 0;
  roSize: u64 = 0;
  placed: Placed[] = [];
  /** The first non-empty writable section other than `.livepatch.funcs` (why a re-apply is refused). */
  dataSection: Placed | null = null;

  funcs: Func[] = [];
  fstate: FState[] = [];
  /** Where Xen's `struct payload` for this payload is (0 until a hook first needs it). */
  xenStruct: u64 = 0;
  /** `.livepatch.funcs` in the uploaded file (-1: none). */
  funcsSecIndex: i32 = -1;
  funcsSecName: string = "";

  hookPresent: bool[] = new Array<bool>(HOOK_KINDS);
  hookSecAddr: u64[] = new Array<u64>(HOOK_KINDS);
  /** Pointers read from each hook section (one for single hooks, many for load/unload). */
  hookPtrs: Array<u64[]> = new Array<u64[]>(HOOK_KINDS);

  buildId: Uint8Array = new Uint8Array(0);
  depends: Uint8Array = new Uint8Array(0);
  /** `.livepatch.depends` in the uploaded file, for failures at APPLY. */
  dependsOffset: u64 = 0;
  dependsSize: u64 = 0;
  dependsSecIndex: i32 = -1;
  xenDepends: Uint8Array = new Uint8Array(0);
  modinfo: Uint8Array | null = null;
  symbols: PayloadSymbol[] = [];

  /** Where each kept pointer into the freed upload buffer points (0: not dangling). */
  danglingAddr: u64[] = new Array<u64>(DANG_KINDS);

  /** Applied x86 alternatives / altcalls / sorted ex_table entries, for the UI. */
  altCount: i32 = 0;
  altCallCount: i32 = 0;
  exTableCount: i32 = 0;
  bugFrameCounts: i32[] = [0, 0, 0, 0];

  constructor(name: string) {
    this.name = name;
    for (let i = 0; i < DANG_KINDS; i++) this.danglingAddr[i] = 0;
    for (let i = 0; i < HOOK_KINDS; i++) {
      this.hookPresent[i] = false;
      this.hookSecAddr[i] = 0;
      this.hookPtrs[i] = [];
    }
  }

  /** Xen's "hook present": the section exists and its (first) pointer is non-NULL. */
  hasHook(kind: i32): bool {
    if (kind < 0 || kind >= HOOK_KINDS || !this.hookPresent[kind]) return false;
    const p = this.hookPtrs[kind];
    return p.length > 0 && p[0] != 0;
  }
}

export let payloads: Payload[] = [];
export let payloadVersion: u32 = 1;

export function resetPayloads(): void {
  payloads = [];
  payloadVersion = 1;
}

export function bumpPayloadVersion(): void {
  payloadVersion++;
}

/** Finds a payload by name (names are already cut at their first NUL). */
export function findPayload(name: string): Payload | null {
  for (let i = 0; i < payloads.length; i++) if (payloads[i].name == name) return payloads[i];
  return null;
}

export function removePayload(p: Payload): void {
  const i = payloads.indexOf(p);
  if (i >= 0) payloads.splice(i, 1);
}
