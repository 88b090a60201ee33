// Xen's `struct payload` for a loaded payload, laid out in simulated memory (layout.ts) so hook
// code gets a pointer to what Xen would pass: name, funcs (the relocated .livepatch.funcs),
// fstate (the array the simulator keeps its per-function state in, see FState), nfuncs, the
// regions, the virtual region with bug frames and exception table, build-ids, hook pointers and
// metadata. Xen allocates it at upload; here it is allocated when code first needs it, and the
// fields the simulator keeps elsewhere (state, rc, reverted, ...) are written again before every
// hook, so a hook sees them as they are at its call. Hook writes to fields other than fstate are
// not read back (Xen itself sets state and rc after each hook). Not laid out: symtab/strtab/nsyms
// (Xen's private copy of the payload's symbols; NULL here).
import { arch, ARCH_X86_64, imageFind, imageSymAddr } from "../image";
import { memWrite, memWriteLe } from "../memory";
import {
  Payload, HOOK_LOAD, HOOK_UNLOAD, HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT,
} from "../payload";
import { xzalloc } from "./heap";
import * as L from "./layout";

function w64(a: u64, v: u64): void {
  memWriteLe(a, v, 8);
}
function w32(a: u64, v: u64): void {
  memWriteLe(a, v, 4);
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

/** Fields that never change after upload (written once, at allocation). */
function writeFixed(p: Payload, a: u64): void {
  w64(a + L.P_LIST, a + L.P_LIST);
  w64(a + L.P_LIST + 8, a + L.P_LIST);
  w64(a + L.P_TEXT_ADDR, p.textAddr);
  w64(a + L.P_TEXT_SIZE, p.textSize);
  w64(a + L.P_RW_ADDR, p.rwAddr);
  w64(a + L.P_RW_SIZE, p.rwSize);
  w64(a + L.P_RO_ADDR, p.roAddr);
  w64(a + L.P_RO_SIZE, p.roSize);
  w32(a + L.P_PAGES, p.pages);
  w64(a + L.P_APPLIED_LIST, a + L.P_APPLIED_LIST);
  w64(a + L.P_APPLIED_LIST + 8, a + L.P_APPLIED_LIST);
  w64(a + L.P_FUNCS, p.funcs.length > 0 ? p.funcs[0].structAddr : 0);
  w64(a + L.P_FSTATE, p.fstate.length > 0 ? p.fstate[0].addr : 0);
  w32(a + L.P_NFUNCS, <u64>p.funcs.length);
  const r = a + L.P_REGION;
  w64(r + L.R_LIST, r + L.R_LIST);
  w64(r + L.R_LIST + 8, r + L.R_LIST);
  w64(r + L.R_TEXT_START, p.textAddr);
  w64(r + L.R_TEXT_END, p.textAddr + p.textSize);
  w64(r + L.R_RODATA_START, p.roAddr);
  w64(r + L.R_RODATA_END, p.roAddr + p.roSize);
  const lookup = imageFind("livepatch_symbols_lookup");
  w64(r + L.R_SYMBOLS_LOOKUP, lookup >= 0 ? imageSymAddr(lookup) : 0);
  for (let k = 0; k < 4; k++) {
    const s = placed(p, ".bug_frames." + k.toString());
    w64(r + L.R_FRAMES + <u64>k * 16, s[0]);
    w64(r + L.R_FRAMES + <u64>k * 16 + 8, s[0] + s[1]);
  }
  if (arch == ARCH_X86_64) {
    const ex = placed(p, ".ex_table");
    w64(r + L.R_EX, ex[0]);
    w64(r + L.R_EX_END, ex[0] + ex[1]);
  }
  w64(a + L.pId(), heapCopy(p.buildId));
  w32(a + L.pId() + 8, <u64>p.buildId.length);
  w64(a + L.pDep(), heapCopy(p.depends));
  w32(a + L.pDep() + 8, <u64>p.depends.length);
  w64(a + L.pLoadFuncs(), hookArray(p, HOOK_LOAD));
  w64(a + L.pUnloadFuncs(), hookArray(p, HOOK_UNLOAD));
  const kinds: i32[] = [HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT];
  for (let i = 0; i < kinds.length; i++) w64(a + L.pHooks() + <u64>i * 8, hookArray(p, kinds[i]));
  w32(a + L.pNLoadFuncs(), <u64>(p.hookPresent[HOOK_LOAD] ? p.hookPtrs[HOOK_LOAD].length : 0));
  w32(a + L.pNUnloadFuncs(), <u64>(p.hookPresent[HOOK_UNLOAD] ? p.hookPtrs[HOOK_UNLOAD].length : 0));
  // The name's bytes (the host passes them one character each).
  const name = new Uint8Array(p.name.length);
  for (let i = 0; i < name.length; i++) name[i] = <u8>p.name.charCodeAt(i);
  memWrite(a + L.pName(), name, 0, name.length < L.NAME_SIZE - 1 ? name.length : L.NAME_SIZE - 1);
  const mod = placed(p, ".modinfo");
  const m = p.modinfo;
  w64(a + L.pMetadata(), m !== null ? mod[0] : 0);
  w32(a + L.pMetadata() + 8, <u64>(m !== null ? m.length : 0));
}

/** The address of `p`'s struct payload with its state fields current (0 when the heap is full). */
export function payloadStruct(p: Payload): u64 {
  if (p.xenStruct == 0) {
    const a = xzalloc(L.payloadStructSize(), 16);
    if (a == 0) return 0;
    p.xenStruct = a;
    writeFixed(p, a);
  }
  const a = p.xenStruct;
  w32(a + L.P_STATE, <u64>p.state);
  w32(a + L.P_RC, <u64>(<u32>p.rc));
  memWriteLe(a + L.P_REVERTED, p.reverted ? 1 : 0, 1);
  memWriteLe(a + L.P_SAFE_TO_REAPPLY, p.safeToReapply ? 1 : 0, 1);
  return a;
}
