// Hook sections, the payload's own notes, and the optional sections Xen validates at upload
// (facts §1.3, §5.1 steps 12-19) apart from alternatives.
import { Elf, Sec } from "./elf";
import { fail } from "./diag";
import { EEXIST, EINVAL, EOPNOTSUPP } from "./errno";
import { arch, ARCH_X86_64, is64 } from "./image";
import { memRead, memReadLe, memWrite } from "./memory";
import { Payload, payloads, HOOK_KINDS, HOOK_SECTIONS, HOOK_LOAD, HOOK_UNLOAD } from "./payload";
import { parseBuildIdNote, noteDesc } from "./notes";
import { bytesEqual } from "./bytes";

const NULL_NOTE = "real Xen would read this section through a NULL address because it is not SHF_ALLOC";

/** The loaded bytes of an ALLOC section, or null when it has no load address. */
export function loadedBytes(s: Sec): Uint8Array | null {
  if (!s.alloc) return null;
  return memRead(s.loadAddr, <i32>s.size);
}

/** Step 12: `.livepatch.depends` and `.note.gnu.build-id` exist and are non-empty. */
export function checkSpecialSections(e: Elf): i32 {
  const names: string[] = [".livepatch.depends", ".note.gnu.build-id"];
  for (let i = 0; i < names.length; i++) {
    const s = e.byName(names[i]);
    if (s === null) return fail(EINVAL, names[i] + " is missing");
    if (s.size == 0) return fail(EINVAL, names[i] + " is empty");
  }
  return 0;
}

/** Step 13: at least one of funcs / the eight hook sections, none of them empty. */
export function checkPatchingSections(e: Elf): i32 {
  let found = 0;
  const s0 = e.byName(".livepatch.funcs");
  if (s0 !== null) {
    if (s0.size == 0) return fail(EINVAL, ".livepatch.funcs is empty");
    found++;
  }
  for (let k = 0; k < HOOK_KINDS; k++) {
    const s = e.byName(HOOK_SECTIONS[k]);
    if (s === null) continue;
    if (s.size == 0) return fail(EINVAL, HOOK_SECTIONS[k] + " is empty");
    found++;
  }
  if (found == 0) return fail(EINVAL, "Nothing to patch. Aborting...");
  return 0;
}

function wrongSize(s: Sec, unit: u64): i32 {
  return fail(EINVAL, "Wrong size " + s.size.toString() + " of " + s.name + " (must be multiple of " + unit.toString() + ")");
}

/** Step 15: hook sections, multi (load/unload) and single (the six others). */
export function checkHooks(p: Payload, e: Elf): i32 {
  const ptr: u64 = is64() ? 8 : 4;
  for (let k = 0; k < HOOK_KINDS; k++) {
    const s = e.byName(HOOK_SECTIONS[k]);
    if (s === null) continue;
    const multi = k == HOOK_LOAD || k == HOOK_UNLOAD;
    if (s.size % ptr != 0) return wrongSize(s, ptr);
    if (!multi && s.size != ptr) return fail(EINVAL, s.name + " must hold exactly one pointer");
    p.hookPresent[k] = true;
    p.hookSecAddr[k] = s.loadAddr;
    // A section without a load address gives Xen a NULL hook pointer: no hook.
    const ptrs: u64[] = [];
    if (s.alloc) {
      const n = <i32>(s.size / ptr);
      for (let i = 0; i < n; i++) ptrs.push(memReadLe(s.loadAddr + <u64>i * ptr, <i32>ptr));
    }
    p.hookPtrs[k] = ptrs;
  }
  return 0;
}

function noteOf(e: Elf, name: string): i32 {
  const s = e.byName(name);
  if (s === null) return fail(EINVAL, name + " is missing");
  if (s.size <= 12) return fail(EINVAL, name + " is too small to hold a note");
  const d = loadedBytes(s);
  if (d === null) return fail(EINVAL, name + " has no load address", NULL_NOTE);
  const rc = parseBuildIdNote(d);
  if (rc != 0) return fail(-rc, name + " is not a valid build-id note (rc=" + rc.toString() + ")");
  if (noteDesc.length == 0) return fail(EINVAL, name + " has an empty build-id");
  return 0;
}

/** Steps 16-18: own build-id (unique among loaded payloads) and `.livepatch.depends`. */
export function checkNotes(p: Payload, e: Elf): i32 {
  let rc = noteOf(e, ".note.gnu.build-id");
  if (rc != 0) return rc;
  p.buildId = noteDesc;
  for (let i = 0; i < payloads.length; i++) {
    if (bytesEqual(payloads[i].buildId, p.buildId))
      return fail(EEXIST, "Already loaded as " + payloads[i].name + "!");
  }
  rc = noteOf(e, ".livepatch.depends");
  if (rc != 0) return rc;
  p.depends = noteDesc;
  return 0;
}

/** `.bug_frames.0` … `.3`: only the 8-byte multiple is checked. */
export function checkBugFrames(p: Payload, e: Elf): i32 {
  for (let i = 0; i < 4; i++) {
    const s = e.byName(".bug_frames." + i.toString());
    if (s === null) continue;
    if (s.size % 8 != 0) return wrongSize(s, 8);
    p.bugFrameCounts[i] = <i32>(s.size / 8);
  }
  return 0;
}

// The comparator cannot capture locals (AssemblyScript has no closures), so the keys live here.
let sortKeys: u64[] = [];
function byKey(a: i32, b: i32): i32 {
  const x = sortKeys[a];
  const y = sortKeys[b];
  return x < y ? -1 : x > y ? 1 : a - b;
}

/** `.ex_table` (x86 only): 8-byte self-relative entries, sorted by fault address. */
export function checkExTable(p: Payload, e: Elf): i32 {
  const s = e.byName(".ex_table");
  if (s === null) return 0;
  if (arch != ARCH_X86_64) return fail(EOPNOTSUPP, "We don't support .ex_table");
  if (s.size % 8 != 0) return wrongSize(s, 8);
  if (s.size == 0) return 0;
  const d = loadedBytes(s);
  if (d === null) return fail(EINVAL, ".ex_table has no load address", NULL_NOTE);
  const n = <i32>(s.size / 8);
  const addrs = new Array<u64>(n);
  const conts = new Array<u64>(n);
  const order = new Array<i32>(n);
  sortKeys = addrs;
  for (let i = 0; i < n; i++) {
    const at = s.loadAddr + <u64>(i * 8);
    addrs[i] = at + <u64>(<i64>(<i32>le32(d, i * 8)));
    conts[i] = at + 4 + <u64>(<i64>(<i32>le32(d, i * 8 + 4)));
    order[i] = i;
  }
  order.sort(byKey);
  const out = new Uint8Array(d.length);
  for (let i = 0; i < n; i++) {
    const at = s.loadAddr + <u64>(i * 8);
    put32(out, i * 8, <u32>(addrs[order[i]] - at));
    put32(out, i * 8 + 4, <u32>(conts[order[i]] - (at + 4)));
  }
  memWrite(s.loadAddr, out, 0, out.length);
  p.exTableCount = n;
  return 0;
}

/** `.modinfo`: key=value strings, the last byte must be NUL (an empty section is refused). */
export function checkModinfo(p: Payload, e: Elf): i32 {
  const s = e.byName(".modinfo");
  if (s === null) return 0;
  if (s.size == 0) return fail(EINVAL, "Incorrect metadata format detected", "Xen reads before the start of an empty .modinfo; treated as invalid");
  const d = loadedBytes(s);
  if (d === null) return fail(EINVAL, ".modinfo has no load address", NULL_NOTE);
  if (d[d.length - 1] != 0) return fail(EINVAL, "Incorrect metadata format detected");
  p.modinfo = d;
  return 0;
}

export function le32(d: Uint8Array, off: i32): u32 {
  if (off < 0 || off + 4 > d.length) return 0;
  return <u32>d[off] | (<u32>d[off + 1] << 8) | (<u32>d[off + 2] << 16) | (<u32>d[off + 3] << 24);
}

export function put32(d: Uint8Array, off: i32, v: u32): void {
  if (off < 0 || off + 4 > d.length) return;
  d[off] = <u8>v;
  d[off + 1] = <u8>(v >> 8);
  d[off + 2] = <u8>(v >> 16);
  d[off + 3] = <u8>(v >> 24);
}
