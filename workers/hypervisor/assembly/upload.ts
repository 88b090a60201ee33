// The UPLOAD hypercall (livepatch_upload() and load_payload_data() in xen/common/livepatch.c),
// step by step, in Xen 4.23's order. Any failure frees what was mapped, leaves the payload list
// untouched and logs the reason as Xen's console would; a fault on a bad pointer brings the host down.
import { begin, end, fStr, fInt, fU64, fAddr, objBegin, objEnd } from "./events";
import { fail, failQuoting, lp, at, report, resetDiag, diagName } from "./diag";
import * as R from "./rules";
import { EEXIST, EINVAL, ENODATA, ENOSYS } from "./errno";
import { Elf, loadElf, dataLoc, MAX_PAYLOAD } from "./elf";
import { is64, xenBuildId, arch, ARCH_X86_64, ARCH_ARM32 } from "./image";
import { isHalted } from "./halt";
import { mapRange, unmapRange, memWrite, PERM_RW } from "./memory";
import { parseBuildIdNote, noteDesc, noteFaulted, noteFault } from "./notes";
import { fatalFault, hexAlt } from "./xenlog";
import { Payload, payloads, findPayload, bumpPayloadVersion } from "./payload";
import { movePayload, securePayload, freePayloadMemory } from "./place";
import { resolveSymbols, buildSymbolTable } from "./symbols";
import { performRelocs } from "./reloc";
import { setAllocBounds } from "./reloc_arm32";
import { checkFuncs } from "./funcs";
import { checkSpecialSections, checkPatchingSections, checkHooks, checkNotes, checkBugFrames, checkExTable, checkModinfo } from "./specials";
import { checkAlternatives, checkAltCalls } from "./alternatives";
import { bytesEqual, toHex } from "./bytes";
import { PAGE_SIZE } from "./memory";
import { opFlagsError, nameSize, NAME_SIZE } from "./op";


/** `%*phN`: bytes as hex without separators, at most 64 of them (xen/common/vsprintf.c). */
export function phN(b: Uint8Array): string {
  return toHex(b.length > 64 ? b.subarray(0, 64) : b);
}

/** A note read that found no memory: Xen dereferenced it and took a fatal fault. */
export function noteCrash(e: Elf, what: string): i32 {
  fatalFault(0, diagName, noteFault, false, R.R_NOTE_FAULT, what + ": the note's bytes are not in memory (at " + hexAlt(noteFault) + "), so reading it faults");
  return -ENOSYS;
}

/** The build-id check_xen_buildid() compares `.livepatch.xen_depends` with: the running Xen's (null: none, -ENODATA). */
export function xenDependsAgainst(): Uint8Array | null {
  return xenBuildId;
}

/** check_xen_buildid() in xen/common/livepatch.c: `.livepatch.xen_depends` against Xen's build-id. */
function checkXenDepends(p: Payload, e: Elf): i32 {
  const name = ".livepatch.xen_depends";
  const s = e.byName(name);
  // check_xen_buildid(): "%s: section %s is missing"
  if (s === null) return fail(R.R_XEN_DEPENDS_MISSING, EINVAL, lp("section " + name + " is missing"));
  const where = dataLoc(s);
  const rc = parseBuildIdNote(s.loadAddr, s.size);
  if (noteFaulted) return noteCrash(e, name);
  // check_xen_buildid(): "%s: failed to parse section %s as build-id: %d", then -EINVAL whatever the rc.
  if (rc != 0) return fail(R.R_XEN_DEPENDS_BAD, EINVAL, lp("failed to parse section " + name + " as build-id: " + rc.toString()), "", where);
  p.xenDepends = noteDesc;
  const xen = xenDependsAgainst();
  // check_xen_buildid(): "%s: unable to get running Xen build-id: %d" (rc is 0 by then).
  if (xen === null) return fail(R.R_XEN_NO_BUILD_ID, ENODATA, lp("unable to get running Xen build-id: 0"), "", where);
  // check_xen_buildid(): "%s: build-id mismatch:\n  livepatch: %*phN\n        xen: %*phN\n"
  if (!bytesEqual(xen, p.xenDepends))
    return failQuoting(R.R_XEN_DEPENDS_MISMATCH, EINVAL, lp("build-id mismatch:") + "\n  livepatch: " + phN(p.xenDepends) + "\n        xen: " + phN(xen),
      "the payload was built for Xen " + toHex(p.xenDepends) + "; this one is " + toHex(xen), where.bytes(p.xenDepends, xen));
  return 0;
}

/**
 * livepatch_upload() copies the payload into a vmalloc()ed buffer, and every section's `addr`
 * points into it until move_payload() moves the ALLOC ones; the buffer is freed (unmapped) when
 * the upload ends. The simulator maps it at the start of the arch's VMAP_DEFAULT area.
 */
function rawBufferBase(): u64 {
  if (arch == ARCH_X86_64) return 0xffff82c000000000;
  return arch == ARCH_ARM32 ? 0x10000000 : 0x00000a0040000000;
}

function loadPayloadData(p: Payload, data: Uint8Array): i32 {
  const e = new Elf(data, is64());
  e.rawBase = rawBufferBase();
  let rc = loadElf(e);
  if (rc == 0) rc = checkXenDepends(p, e);
  if (rc == 0) rc = movePayload(p, e);
  if (rc != 0) return rc;
  setAllocBounds(p.base, p.base + p.pages * PAGE_SIZE);
  rc = resolveSymbols(e);
  if (rc == 0) rc = performRelocs(e);
  if (rc == 0) rc = checkSpecialSections(e);
  if (rc == 0) rc = checkPatchingSections(e);
  if (rc == 0) rc = checkFuncs(p, e);
  if (rc == 0) rc = checkHooks(p, e);
  if (rc == 0) rc = checkNotes(p, e);
  if (rc == 0) rc = checkBugFrames(p, e);
  if (rc == 0) rc = checkAlternatives(p, e);
  if (rc == 0) rc = checkAltCalls(p, e);
  if (rc == 0) rc = checkExTable(p, e);
  if (rc == 0) rc = checkModinfo(p, e);
  if (rc == 0) rc = buildSymbolTable(p, e);
  if (rc == 0) securePayload(p);
  return rc;
}

/** The payload name as Xen sees it: UTF-8 bytes cut at the first NUL. */
function xenName(name: string): string {
  const i = name.indexOf("\0");
  return i < 0 ? name : name.substring(0, i);
}

function finish(name: string | null, rc: i32): i32 {
  begin("hypercall-return", 0, name);
  fStr("op", "UPLOAD");
  fInt("ret", rc);
  end();
  return rc;
}

function reject(name: string | null, rc: i32): i32 {
  report(name, "UPLOAD", "hypercall");
  return finish(name, rc);
}

function region(name: string, addr: u64, size: u64): void {
  objBegin(name);
  fAddr("addr", addr);
  fU64("size", size);
  objEnd();
}

/**
 * UPLOAD of `size` bytes. `flags` is the op flags word; `namePad` the name struct's pad[] (0 from
 * libxc). `data` is null when the host kept bytes above MAX_PAYLOAD out of wasm memory: Xen refuses
 * such a size before it allocates or copies anything, and so does every check here.
 */
export function doUpload(rawName: string, data: Uint8Array | null, size: u64, flags: u32, namePad: u32 = 0): i32 {
  const name = xenName(rawName);
  resetDiag(name);
  begin("hypercall", 0, name);
  fStr("op", "UPLOAD");
  objBegin("args");
  fU64("size", size);
  fU64("flags", flags);
  fU64("namePad", namePad);
  objEnd();
  end();
  if (opFlagsError(flags) != 0) {
    fail(R.R_OP_FLAGS, EINVAL, "", "op.flags 0x" + flags.toString(16) + " has bits other than FORCE and FORCE is clear");
    return reject(name, -EINVAL);
  }
  const nameBytes = nameSize(rawName);
  if (nameBytes > NAME_SIZE) {
    fail(R.R_NAME, EINVAL, "", "name is " + nameBytes.toString() + " bytes with its NUL (at most 128)");
    return reject(null, -EINVAL);
  }
  if (namePad != 0) {
    fail(R.R_NAME, EINVAL, "", "xen_livepatch_name.pad[] is not zero (0x" + namePad.toString(16) + ")");
    return reject(name, -EINVAL);
  }
  if (size == 0) {
    fail(R.R_PAYLOAD_EMPTY, EINVAL, "", "an upload of 0 bytes is refused before anything is read");
    return reject(name, -EINVAL);
  }
  if (size > MAX_PAYLOAD) {
    fail(R.R_TOO_LARGE, EINVAL, "", "payload size " + size.toString() + " is above 2 MiB", at(0, size));
    return reject(name, -EINVAL);
  }
  if (findPayload(name) !== null) {
    fail(R.R_NAME_DUP, EEXIST, "", "a payload with this name is already loaded; Xen returns this without a message");
    return reject(name, -EEXIST);
  }
  // The host copies every payload of at most MAX_PAYLOAD bytes (index.ts: upload()).
  if (data === null || <u64>data.length != size) unreachable();
  const bytes = data!;
  const p = new Payload(name);
  const raw = rawBufferBase();
  const rawLen = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  mapRange(raw, rawLen, PERM_RW);
  memWrite(raw, bytes, 0, bytes.length);
  const rc = loadPayloadData(p, bytes);
  // The hypercall never returns from a fatal fault: no return event, nothing freed.
  if (isHalted()) return -ENOSYS;
  unmapRange(raw, rawLen);
  if (rc != 0) {
    freePayloadMemory(p);
    return reject(name, rc);
  }
  payloads.push(p);
  bumpPayloadVersion();
  begin("placed", 0, name);
  fInt("funcs", p.funcs.length);
  fU64("pages", p.pages);
  region("text", p.textAddr, p.textSize);
  region("rw", p.rwAddr, p.rwSize);
  region("ro", p.roAddr, p.roSize);
  end();
  begin("state", 0, name);
  fStr("state", "CHECKED");
  fInt("statusRc", 0);
  end();
  return finish(name, 0);
}
