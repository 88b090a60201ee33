// Xen's `struct payload` for a loaded payload, laid out in simulated memory as the running Xen's
// build lays it out (layout.ts: LP64 on x86_64 and aarch64, ILP32 with 4-byte pointers on arm32),
// so hook code gets a pointer to what Xen would pass: name, funcs (the relocated .livepatch.funcs),
// fstate (the array the simulator keeps its per-function state in, see FState), nfuncs, the
// regions, the virtual region with bug frames and (x86) exception table, build-ids, hook pointers and
// metadata. Xen allocates it at upload; here it is allocated when code first needs it, and the
// fields the simulator keeps elsewhere (state, rc, reverted, ...) are written again before every
// hook, so a hook sees them as they are at its call. Hook writes to fields other than fstate are
// not read back (Xen itself sets state and rc after each hook). Not laid out: symtab/strtab/nsyms
// (Xen's private copy of the payload's symbols; NULL here).
import { imageFind, imageSymAddr } from "../image";
import { memWrite, memWriteLe } from "../memory";
import {
  Payload, HOOK_LOAD, HOOK_UNLOAD, HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT,
} from "../payload";
import { xzalloc } from "./heap";
import * as L from "./layout";

/** A pointer, size_t or unsigned long: 8 bytes on LP64, 4 on arm32 (ILP32). */
function wp(a: u64, v: u64): void {
  memWriteLe(a, v, <i32>L.ptrSize());
}
function w32(a: u64, v: u64): void {
  memWriteLe(a, v, 4);
}
/** The address of `field` in the struct payload at `a`. */
function at(a: u64, field: i32): u64 {
  return a + L.off(field);
}

/** A copy of `b` on the heap (0 for an empty one). */
function heapCopy(b: Uint8Array): u64 {
  if (b.length == 0) return 0;
  const at = xzalloc(<u64>b.length, 8);
  if (at != 0) memWrite(at, b, 0, b.length);
  return at;
}

/** The loaded section called `name`: [addr, size], or [0, 0]. */
function placed(p: Payload, name: string): u64[] {
  for (let i = 0; i < p.placed.length; i++) {
    const s = p.placed[i];
    if (s.name == name) return [s.addr, s.size];
  }
  return [0, 0];
}

function hookArray(p: Payload, kind: i32): u64 {
  return p.hookPresent[kind] && p.hookPtrs[kind].length > 0 ? p.hookSecAddr[kind] : 0;
}

let idCopies = new Map<u64, u64[]>();

/** Fields that never change after upload (written once, at allocation), at the arch's offsets. */
function writeFixed(p: Payload, a: u64): void {
  const ptr = L.ptrSize();
  const list = at(a, L.P_LIST);
  wp(list, list);
  wp(list + ptr, list);
  wp(at(a, L.P_TEXT_ADDR), p.textAddr);
  wp(at(a, L.P_TEXT_SIZE), p.textSize);
  wp(at(a, L.P_RW_ADDR), p.rwAddr);
  wp(at(a, L.P_RW_SIZE), p.rwSize);
  wp(at(a, L.P_RO_ADDR), p.roAddr);
  wp(at(a, L.P_RO_SIZE), p.roSize);
  w32(at(a, L.P_PAGES), p.pages);
  const applied = at(a, L.P_APPLIED_LIST);
  wp(applied, applied);
  wp(applied + ptr, applied);
  wp(at(a, L.P_FUNCS), p.funcs.length > 0 ? p.funcs[0].structAddr : 0);
  wp(at(a, L.P_FSTATE), p.fstate.length > 0 ? p.fstate[0].addr : 0);
  w32(at(a, L.P_NFUNCS), <u64>p.funcs.length);
  const r = at(a, L.P_REGION);
  const rl = r + L.off(L.R_LIST);
  wp(rl, rl);
  wp(rl + ptr, rl);
  wp(r + L.off(L.R_TEXT_START), p.textAddr);
  wp(r + L.off(L.R_TEXT_END), p.textAddr + p.textSize);
  wp(r + L.off(L.R_RODATA_START), p.roAddr);
  wp(r + L.off(L.R_RODATA_END), p.roAddr + p.roSize);
  const lookup = imageFind("livepatch_symbols_lookup");
  wp(r + L.off(L.R_SYMBOLS_LOOKUP), lookup >= 0 ? imageSymAddr(lookup) : 0);
  for (let k = 0; k < 4; k++) {
    const s = placed(p, ".bug_frames." + k.toString());
    const f = r + L.off(L.R_FRAMES) + <u64>k * 2 * ptr;
    wp(f, s[0]);
    wp(f + ptr, s[0] + s[1]);
  }
  if (L.regionHasExTable()) {
    const ex = placed(p, ".ex_table");
    wp(r + L.off(L.R_EX), ex[0]);
    wp(r + L.off(L.R_EX) + ptr, ex[0] + ex[1]);
  }
  wp(at(a, L.P_ID), heapCopy(p.buildId));
  w32(at(a, L.P_ID) + ptr, <u64>p.buildId.length);
  wp(at(a, L.P_DEP), heapCopy(p.depends));
  w32(at(a, L.P_DEP) + ptr, <u64>p.depends.length);
  wp(at(a, L.P_LOAD_FUNCS), hookArray(p, HOOK_LOAD));
  wp(at(a, L.P_UNLOAD_FUNCS), hookArray(p, HOOK_UNLOAD));
  const kinds: i32[] = [HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT];
  for (let i = 0; i < kinds.length; i++) wp(at(a, L.P_HOOKS) + <u64>i * ptr, hookArray(p, kinds[i]));
  w32(at(a, L.P_N_LOAD_FUNCS), <u64>(p.hookPresent[HOOK_LOAD] ? p.hookPtrs[HOOK_LOAD].length : 0));
  w32(at(a, L.P_N_UNLOAD_FUNCS), <u64>(p.hookPresent[HOOK_UNLOAD] ? p.hookPtrs[HOOK_UNLOAD].length : 0));
  // The name's bytes (the host passes them one character each).
  const name = new Uint8Array(p.name.length);
  for (let i = 0; i < name.length; i++) name[i] = <u8>p.name.charCodeAt(i);
  memWrite(at(a, L.P_NAME), name, 0, name.length < L.NAME_SIZE - 1 ? name.length : L.NAME_SIZE - 1);
  const mod = placed(p, ".modinfo");
  const m = p.modinfo;
  wp(at(a, L.P_METADATA), m !== null ? mod[0] : 0);
  w32(at(a, L.P_METADATA) + ptr, <u64>(m !== null ? m.length : 0));
}

/** The address of `p`'s struct payload with its state fields current (0 when the heap is full). */
export function payloadStruct(p: Payload): u64 {
  if (p.xenStruct == 0) {
    const a = xzalloc(L.off(L.P_SIZE), 16);
    if (a == 0) return 0;
    p.xenStruct = a;
    writeFixed(p, a);
  }
  const a = p.xenStruct;
  w32(at(a, L.P_STATE), <u64>p.state);
  w32(at(a, L.P_RC), <u64>(<u32>p.rc));
  memWriteLe(at(a, L.P_REVERTED), p.reverted ? 1 : 0, 1);
  memWriteLe(at(a, L.P_SAFE_TO_REAPPLY), p.safeToReapply ? 1 : 0, 1);
  return a;
}
