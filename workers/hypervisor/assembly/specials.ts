// Hook sections, the payload's own notes, and the optional sections Xen validates at upload
// (check_special_sections(), check_patching_sections() and prepare_payload() in
// xen/common/livepatch.c) apart from .livepatch.funcs and alternatives. Sections are read where
// Xen reads them: the loaded copy for SHF_ALLOC ones, the upload buffer for the others.
import { Elf, Sec, dataLoc, shdrLoc } from "./elf";
import { fail, lp, diagName } from "./diag";
import * as R from "./rules";
import { EEXIST, EINVAL, ENOSYS, EOPNOTSUPP } from "./errno";
import { arch, ARCH_X86_64, is64 } from "./image";
import { memReadLe, memWrite } from "./memory";
import {
  Payload,
  payloads,
  HOOK_KINDS,
  HOOK_SECTIONS,
  HOOK_LOAD,
  HOOK_UNLOAD,
  DANG_HOOK,
  DANG_BUILD_ID,
  DANG_DEPENDS,
  DANG_MODINFO,
  DANG_BUG_FRAMES,
  DANG_EX_TABLE,
} from "./payload";
import { parseBuildIdNote, noteDesc, noteDescAddr, noteFaulted } from "./notes";
import { noteCrash } from "./upload";
import { bytesEqual } from "./bytes";
import { dprintk, xenRead } from "./xenlog";
import { markDangling, touch } from "./dangling";

const LIVEPATCH_C = "common/livepatch.c";

/** A section's bytes where Xen reads them; null after the host faulted on them. */
export function sectionBytes(s: Sec): Uint8Array | null {
  return xenRead(s.loadAddr, <i32>s.size, diagName, R.R_NOTE_FAULT, s.name + " is read where its sh_offset points, outside the upload");
}

/** check_special_sections(): `.livepatch.depends` and `.note.gnu.build-id` exist and are non-empty. */
export function checkSpecialSections(e: Elf): i32 {
  const names: string[] = [".livepatch.depends", ".note.gnu.build-id"];
  for (let i = 0; i < names.length; i++) {
    const rule = i == 0 ? R.R_DEPENDS_MISSING : R.R_BUILD_ID_MISSING;
    const s = e.byName(names[i]);
    // "%s: %s is missing"
    if (s === null) return fail(rule, EINVAL, lp(names[i] + " is missing"));
    // "%s: %s is empty"
    if (s.size == 0) return fail(rule, EINVAL, lp(names[i] + " is empty"), "", shdrLoc(e, s.index));
  }
  return 0;
}

/** check_patching_sections(): at least one of funcs / the eight hook sections, none of them empty. */
export function checkPatchingSections(e: Elf): i32 {
  let found = 0;
  for (let k = -1; k < HOOK_KINDS; k++) {
    const name = k < 0 ? ".livepatch.funcs" : HOOK_SECTIONS[k];
    const s = e.byName(name);
    if (s === null) {
      dprintk(diagName, LIVEPATCH_C, 577, lp(name + " is missing"));
      continue;
    }
    // "%s: %s is empty"
    if (s.size == 0) return fail(R.R_PATCH_EMPTY, EINVAL, lp(name + " is empty"), "", shdrLoc(e, s.index));
    found++;
  }
  // "%s: Nothing to patch. Aborting..."
  if (found == 0) return fail(R.R_NOTHING, EINVAL, lp("Nothing to patch. Aborting..."));
  return 0;
}

/** section_ok(): "%s: Wrong size %u of %s (must be multiple of %zu)", under the rule of the section it checked. */
export function wrongSize(rule: i32, s: Sec, unit: u64): i32 {
  return fail(rule, EINVAL, lp("Wrong size " + s.size.toString() + " of " + s.name + " (must be multiple of " + unit.toString() + ")"), "", dataLoc(s));
}

/** LIVEPATCH_ASSIGN_MULTI_HOOK / LIVEPATCH_ASSIGN_SINGLE_HOOK in prepare_payload(). */
export function checkHooks(p: Payload, e: Elf): i32 {
  const ptr: u64 = is64() ? 8 : 4;
  for (let k = 0; k < HOOK_KINDS; k++) {
    const s = e.byName(HOOK_SECTIONS[k]);
    if (s === null) continue;
    const multi = k == HOOK_LOAD || k == HOOK_UNLOAD;
    if (s.size % ptr != 0) return wrongSize(R.R_HOOK_SIZE, s, ptr);
    if (!multi && s.size != ptr) return fail(R.R_HOOK_SIZE, EINVAL, "", s.name + " must hold exactly one pointer; Xen returns -EINVAL without a message", dataLoc(s));
    p.hookPresent[k] = true;
    p.hookSecAddr[k] = s.loadAddr;
    // The pointers as they are now; Xen reads them when it calls the hooks.
    const ptrs: u64[] = [];
    const n = <i32>(s.size / ptr);
    for (let i = 0; i < n; i++) ptrs.push(memReadLe(s.loadAddr + <u64>i * ptr, <i32>ptr));
    p.hookPtrs[k] = ptrs;
    markDangling(p, DANG_HOOK + k, s, s.loadAddr);
  }
  return 0;
}

const REGION_NAMES: string[] = ["", "text", "read-write", "read-only"];

/**
 * A note that parse_buildid() refuses because move_payload() copied a later section over it: the
 * cause is that section's sh_addralign 0 (ROUNDUP(x, 0) is 0), not the note in the file.
 */
function overlaidNote(e: Elf, s: Sec, rule: i32, rc: i32): i32 {
  const o = e.secs[s.overlaidBy];
  const region = REGION_NAMES[s.region];
  return fail(
    rule,
    -rc,
    "",
    "section " + o.index.toString() + " (" + o.name + ") has sh_addralign " + o.addralign.toString() + ": move_payload() rounds its offset in the " + region + " region to 0x" + o.regionOffset.toString(16) +
      " (ROUNDUP(x, 0) is 0) and copies it over " + s.name + " (" + s.size.toString() + " bytes at offset 0x" + s.regionOffset.toString(16) + "), copied there before it; parse_buildid() then reads " + o.name +
      " bytes as the note and returns rc " + rc.toString() + ", without a message",
    shdrLoc(e, o.index),
  );
}

/** parse_buildid() of section `name`; Xen returns its rc without a message. */
function noteOf(p: Payload, e: Elf, name: string, rule: i32, kind: i32): i32 {
  const s = e.byName(name)!;
  const rc = parseBuildIdNote(s.loadAddr, s.size);
  if (noteFaulted) return noteCrash(e, name);
  if (rc != 0) {
    if (s.overlaidBy >= 0) return overlaidNote(e, s, rule, rc);
    return fail(rule, -rc, "", name + " is not a valid GNU build-id note (rc " + rc.toString() + "); Xen returns this without a message", dataLoc(s));
  }
  markDangling(p, kind, s, noteDescAddr);
  return 0;
}

/** prepare_payload(): own build-id (unique among loaded payloads), then `.livepatch.depends`. */
export function checkNotes(p: Payload, e: Elf): i32 {
  let rc = noteOf(p, e, ".note.gnu.build-id", R.R_BUILD_ID_BAD, DANG_BUILD_ID);
  if (rc != 0) return rc;
  p.buildId = noteDesc;
  const own = e.byName(".note.gnu.build-id")!;
  for (let i = 0; i < payloads.length; i++) {
    const q = payloads[i];
    if (q.buildId.length != p.buildId.length) continue;
    if (!touch(q, DANG_BUILD_ID, 0, "the duplicate build-id check of " + p.name)) return -ENOSYS;
    if (bytesEqual(q.buildId, p.buildId)) {
      dprintk(diagName, LIVEPATCH_C, 770, lp("Already loaded as " + q.name + "!"));
      return fail(R.R_BUILD_ID_DUP, EEXIST, "", "the same build-id as " + q.name + ", already loaded; Xen returns -EEXIST without a message (a debug build says so)", dataLoc(own).against(q.name));
    }
  }
  rc = noteOf(p, e, ".livepatch.depends", R.R_DEPENDS_BAD, DANG_DEPENDS);
  if (rc != 0) return rc;
  p.depends = noteDesc;
  const dep = e.byName(".livepatch.depends")!;
  p.dependsOffset = dep.offset;
  p.dependsSize = dep.size;
  p.dependsSecIndex = dep.index;
  return 0;
}

/** `.bug_frames.0` … `.3`: section_ok() with sizeof(struct bug_frame), 8 bytes on x86 and 16 on ARM. */
export function checkBugFrames(p: Payload, e: Elf): i32 {
  const frame: u64 = arch == ARCH_X86_64 ? 8 : 16;
  for (let i = 0; i < 4; i++) {
    const s = e.byName(".bug_frames." + i.toString());
    if (s === null) continue;
    if (s.size % frame != 0) return wrongSize(R.R_BUG_FRAMES, s, frame);
    p.bugFrameCounts[i] = <i32>(s.size / frame);
    markDangling(p, DANG_BUG_FRAMES, s, s.loadAddr);
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

/** `.ex_table` (x86 only): 8-byte self-relative entries, sorted by fault address (sort_exception_table()). */
export function checkExTable(p: Payload, e: Elf): i32 {
  const s = e.byName(".ex_table");
  if (s === null) return 0;
  // prepare_payload() without CONFIG_HAS_EX_TABLE: "%s: We don't support .ex_table"
  if (arch != ARCH_X86_64) return fail(R.R_ARCH_SECTION, EOPNOTSUPP, lp("We don't support .ex_table"), "", shdrLoc(e, s.index));
  if (s.size % 8 != 0) return wrongSize(R.R_EX_TABLE, s, 8);
  if (s.size == 0) return 0;
  const d = sectionBytes(s);
  if (d === null) return -ENOSYS;
  markDangling(p, DANG_EX_TABLE, s, s.loadAddr);
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

/** `.modinfo`: strings whose last byte must be NUL. */
export function checkModinfo(p: Payload, e: Elf): i32 {
  const s = e.byName(".modinfo");
  if (s === null) return 0;
  // "%s: Incorrect metadata format detected"
  const bad = lp("Incorrect metadata format detected");
  if (s.size == 0) return fail(R.R_MODINFO, EINVAL, bad, "Xen tests the byte before an empty .modinfo; the simulator treats it as not NUL", shdrLoc(e, s.index));
  const d = sectionBytes(s);
  if (d === null) return -ENOSYS;
  if (d[d.length - 1] != 0) return fail(R.R_MODINFO, EINVAL, bad, "", dataLoc(s));
  p.modinfo = d;
  markDangling(p, DANG_MODINFO, s, s.loadAddr);
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
