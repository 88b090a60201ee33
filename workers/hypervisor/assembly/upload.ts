// The UPLOAD hypercall (facts §5.1), step by step, in HEAD/4.22 order. Any failure frees what
// was mapped, leaves the payload list untouched and logs the reason as Xen's console would.
import { Ev, emit } from "./events";
import { diagMsg, diagNote, fail, resetDiag } from "./diag";
import { EEXIST, EINVAL, ENODATA } from "./errno";
import { Elf, loadElf, MAX_PAYLOAD } from "./elf";
import { is64, xenBuildId } from "./image";
import { parseBuildIdNote, noteDesc } from "./notes";
import { Payload, payloads, findPayload, bumpPayloadVersion } from "./payload";
import { movePayload, securePayload, freePayloadMemory } from "./place";
import { resolveSymbols, buildSymbolTable } from "./symbols";
import { performRelocs } from "./reloc";
import { setAllocBounds } from "./reloc_arm32";
import { checkFuncs } from "./funcs";
import { checkSpecialSections, checkPatchingSections, checkHooks, checkNotes, checkBugFrames, checkExTable, checkModinfo } from "./specials";
import { checkAlternatives, checkAltCalls } from "./alternatives";
import { bytesEqual, toHex, hex64 } from "./bytes";
import { PAGE_SIZE } from "./memory";
import { opFlagsError, nameSize, NAME_SIZE } from "./op";


/** Step 8 (4.20+): `.livepatch.xen_depends`, read from the uploaded bytes, against Xen's id. */
function checkXenDepends(p: Payload, e: Elf): i32 {
  const name = ".livepatch.xen_depends";
  const s = e.byName(name);
  if (s === null) return fail(EINVAL, name + " is missing");
  if (s.size <= 12) return fail(EINVAL, name + " is too small to hold a note");
  if (!e.b.has(s.offset, s.size)) return fail(EINVAL, name + " lies outside the payload", "NOBITS note: Xen would read past the uploaded buffer");
  const rc = parseBuildIdNote(e.b.slice(s.offset, s.size));
  if (rc != 0 || noteDesc.length == 0) return fail(EINVAL, name + " is not a valid build-id note");
  p.xenDepends = noteDesc;
  const xen = xenBuildId;
  if (xen === null) return fail(ENODATA, "the running hypervisor has no build-id");
  if (!bytesEqual(xen, p.xenDepends))
    return fail(EINVAL, "check against hypervisor build-id failed", "payload wants " + toHex(p.xenDepends) + ", Xen is " + toHex(xen));
  return 0;
}

function loadPayloadData(p: Payload, data: Uint8Array): i32 {
  const e = new Elf(data, is64());
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
  const e = new Ev("hypercall-return");
  e.payload = name;
  e.withRc(rc);
  emit(e);
  return rc;
}

function reject(name: string | null, rc: i32): i32 {
  const shown = name === null ? "(invalid name)" : name;
  const e = new Ev("console");
  e.payload = name;
  e.withRc(rc);
  e.line = "livepatch: " + shown + ": " + diagMsg;
  if (diagNote.length > 0) e.note = diagNote;
  emit(e);
  return finish(name, rc);
}

/** UPLOAD. `flags` is the op flags word; `namePad` the name struct's pad[] (0 from libxc). */
export function doUpload(rawName: string, data: Uint8Array, flags: u32, namePad: u32 = 0): i32 {
  resetDiag();
  const name = xenName(rawName);
  const call = new Ev("hypercall");
  call.payload = name;
  call.note = "UPLOAD " + data.length.toString() + " bytes, flags=" + flags.toString() + (namePad != 0 ? " name.pad=0x" + namePad.toString(16) : "");
  emit(call);
  if (opFlagsError(flags) != 0) {
    fail(EINVAL, "unknown op flags 0x" + flags.toString(16));
    return reject(name, -EINVAL);
  }
  const size = nameSize(rawName);
  if (size > NAME_SIZE) {
    fail(EINVAL, "name is " + size.toString() + " bytes with its NUL (at most 128)");
    return reject(null, -EINVAL);
  }
  if (namePad != 0) {
    fail(EINVAL, "xen_livepatch_name.pad[] is not zero (0x" + namePad.toString(16) + ")");
    return reject(name, -EINVAL);
  }
  if (data.length == 0 || <u64>data.length > MAX_PAYLOAD) {
    fail(EINVAL, "payload size " + data.length.toString() + " is 0 or above 2 MiB");
    return reject(name, -EINVAL);
  }
  if (findPayload(name) !== null) {
    fail(EEXIST, "a payload with this name is already loaded", "Xen returns this without a message");
    return reject(name, -EEXIST);
  }
  const p = new Payload(name);
  const rc = loadPayloadData(p, data);
  if (rc != 0) {
    freePayloadMemory(p);
    return reject(name, rc);
  }
  payloads.push(p);
  bumpPayloadVersion();
  const st = new Ev("state");
  st.payload = name;
  st.state = "CHECKED";
  st.withRc(0);
  st.addr = hex64(p.textAddr);
  st.note = "uploaded: " + p.funcs.length.toString() + " function(s); text " + hex64(p.textAddr) + ", rw " + hex64(p.rwAddr) + ", ro " + hex64(p.roAddr) + ", " + p.pages.toString() + " page(s)";
  emit(st);
  return finish(name, 0);
}
