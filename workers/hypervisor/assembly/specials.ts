// Hook sections, the payload's own notes, and the optional sections Xen validates at upload
// (facts §1.3, §5.1 steps 12-19) apart from alternatives.
import { Elf, Sec, dataLoc, shdrLoc } from "./elf";
import { fail, lp } from "./diag";
import * as R from "./rules";
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
    const rule = i == 0 ? R.R_DEPENDS_MISSING : R.R_BUILD_ID_MISSING;
    const s = e.byName(names[i]);
    if (s === null) return fail(rule, EINVAL, lp(names[i] + " is missing"));
    if (s.size == 0) return fail(rule, EINVAL, lp(names[i] + " is empty"), "", shdrLoc(e, s.index));
  }
  return 0;
}

/** Step 13: at least one of funcs / the eight hook sections, none of them empty. */
export function checkPatchingSections(e: Elf): i32 {
  let found = 0;
  const s0 = e.byName(".livepatch.funcs");
  if (s0 !== null) {
    if (s0.size == 0) return fail(R.R_PATCH_EMPTY, EINVAL, lp(".livepatch.funcs is empty"), "", shdrLoc(e, s0.index));
    found++;
  }
  for (let k = 0; k < HOOK_KINDS; k++) {
    const s = e.byName(HOOK_SECTIONS[k]);
    if (s === null) continue;
    if (s.size == 0) return fail(R.R_PATCH_EMPTY, EINVAL, lp(HOOK_SECTIONS[k] + " is empty"), "", shdrLoc(e, s.index));
    found++;
  }
  if (found == 0) return fail(R.R_NOTHING, EINVAL, lp("Nothing to patch. Aborting..."));
  return 0;
}

/** section_ok()'s refusal, under the rule of the section it checked. */
export function wrongSize(rule: i32, s: Sec, unit: u64): i32 {
  return fail(rule, EINVAL, lp("Wrong size " + s.size.toString() + " of " + s.name + " (must be multiple of " + unit.toString() + ")"), "", dataLoc(s));
}

/** Step 15: hook sections, multi (load/unload) and single (the six others). */
export function checkHooks(p: Payload, e: Elf): i32 {
  const ptr: u64 = is64() ? 8 : 4;
  for (let k = 0; k < HOOK_KINDS; k++) {
    const s = e.byName(HOOK_SECTIONS[k]);
    if (s === null) continue;
    const multi = k == HOOK_LOAD || k == HOOK_UNLOAD;
    if (s.size % ptr != 0) return wrongSize(R.R_HOOK_SIZE, s, ptr);
    if (!multi && s.size != ptr) return fail(R.R_HOOK_SIZE, EINVAL, "", s.name + " must hold exactly one pointer; Xen returns this without a message", dataLoc(s));
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

function noteOf(e: Elf, name: string, rule: i32): i32 {
  const s = e.byName(name);
  if (s === null) return fail(rule, EINVAL, "", name + " is missing");
  if (s.size <= 12) return fail(rule, EINVAL, "", name + " is too small to hold a note; Xen returns this without a message", dataLoc(s));
  const d = loadedBytes(s);
  if (d === null) return fail(rule, EINVAL, lp(name + " has no load address"), NULL_NOTE, dataLoc(s));
  const rc = parseBuildIdNote(d);
  if (rc != 0) return fail(rule, -rc, "", name + " is not a valid build-id note (rc=" + rc.toString() + "); Xen returns this without a message", dataLoc(s));
  if (noteDesc.length == 0) return fail(rule, EINVAL, "", name + " has an empty build-id; Xen returns this without a message", dataLoc(s));
  return 0;
}

/** Steps 16-18: own build-id (unique among loaded payloads) and `.livepatch.depends`. */
export function checkNotes(p: Payload, e: Elf): i32 {
  let rc = noteOf(e, ".note.gnu.build-id", R.R_BUILD_ID_BAD);
  if (rc != 0) return rc;
  p.buildId = noteDesc;
  const own = e.byName(".note.gnu.build-id")!;
  for (let i = 0; i < payloads.length; i++) {
    if (bytesEqual(payloads[i].buildId, p.buildId))
      return fail(R.R_BUILD_ID_DUP, EEXIST, lp("Already loaded as " + payloads[i].name + "!"), "", dataLoc(own).against(payloads[i].name));
  }
  rc = noteOf(e, ".livepatch.depends", R.R_DEPENDS_BAD);
  if (rc != 0) return rc;
  p.depends = noteDesc;
  const dep = e.byName(".livepatch.depends")!;
  p.dependsOffset = dep.offset;
  p.dependsSize = dep.size;
  p.dependsSecIndex = dep.index;
  return 0;
}

/** `.bug_frames.0` … `.3`: only the 8-byte multiple is checked. */
export function checkBugFrames(p: Payload, e: Elf): i32 {
  for (let i = 0; i < 4; i++) {
    const s = e.byName(".bug_frames." + i.toString());
    if (s === null) continue;
    if (s.size % 8 != 0) return wrongSize(R.R_BUG_FRAMES, s, 8);
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
  if (arch != ARCH_X86_64) return fail(R.R_ARCH_SECTION, EOPNOTSUPP, lp("We don't support .ex_table"), "", shdrLoc(e, s.index));
  if (s.size % 8 != 0) return wrongSize(R.R_EX_TABLE, s, 8);
  if (s.size == 0) return 0;
  const d = loadedBytes(s);
  if (d === null) return fail(R.R_EX_TABLE, EINVAL, lp(".ex_table has no load address"), NULL_NOTE, dataLoc(s));
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
  if (s.size == 0) return fail(R.R_MODINFO, EINVAL, lp("Incorrect metadata format detected"), "Xen reads before the start of an empty .modinfo; treated as invalid", shdrLoc(e, s.index));
  const d = loadedBytes(s);
  if (d === null) return fail(R.R_MODINFO, EINVAL, lp(".modinfo has no load address"), NULL_NOTE, dataLoc(s));
  if (d[d.length - 1] != 0) return fail(R.R_MODINFO, EINVAL, lp("Incorrect metadata format detected"), "", dataLoc(s));
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
