// .livepatch.funcs: the size rule and the per-function checks at upload (prepare_payload() and
// resolve_old_address() in xen/common/livepatch.c, arch_livepatch_verify_func() per arch,
// livepatch_verify_distance()), in Xen's order: version, old_size, old_addr resolution, arch
// minimums, distance.
import { Elf, Sec, shdrLoc } from "./elf";
import { fail, lp, at, Loc } from "./diag";
import { fatalFault, debugBuild, dprintk, hexAlt, ptr } from "./xenlog";
import { markDangling } from "./dangling";
import { wrongSize } from "./specials";
import * as R from "./rules";
import { EINVAL, ENOENT, ENOSYS, EOPNOTSUPP, EOVERFLOW } from "./errno";
import { arch, ARCH_X86_64, ARCH_ARM64, is64 } from "./image";
import { memByte, memReadInto, memReadLe, memWriteLe, isMapped, firstUnmapped } from "./memory";
import { startsWithEndbr } from "./patch";
import { latin1 } from "./fmt";
import { Func, FState, Payload, DANG_FUNCS, funcRecordLabel } from "./payload";
import { lookupAny } from "./symbols";
import { hex64 } from "./bytes";
import { xzalloc } from "./run/heap";
import { freedInitNote } from "./run/boot";
import { FSTATE_SIZE } from "./run/layout";

export const PAYLOAD_VERSION: u32 = 2;
export const OPAQUE_SIZE: u32 = 31;

export function funcStructSize(): u64 {
  return is64() ? 104 : 92;
}

const NAME_MAX: i32 = 1024;
const nameScratch = new Uint8Array(NAME_MAX);

/** Set by memCString() when it hit unmapped memory: the address of the byte it could not read. */
export let cstrFault: u64 = 0;

/**
 * A NUL-terminated string in simulated memory (at most 1024 bytes of it); null when a byte is
 * not mapped, with `cstrFault` saying which (address 0 for a NULL pointer).
 */
export function memCString(addr: u64): string | null {
  let n: i32 = 0;
  for (; n < NAME_MAX; n++) {
    const c = memByte(addr + <u64>n);
    if (c < 0) {
      cstrFault = addr + <u64>n;
      return null;
    }
    if (c == 0) break;
    unchecked((nameScratch[n] = <u8>c));
  }
  return latin1(nameScratch.dataStart, n);
}

function readFunc(at: u64): Func {
  const f = new Func();
  f.structAddr = at;
  const w: i32 = is64() ? 8 : 4;
  f.nameAddr = memReadLe(at, w);
  f.newAddr = memReadLe(at + <u64>w, w);
  f.oldAddr = memReadLe(at + <u64>(2 * w), w);
  const o: u64 = <u64>(3 * w);
  f.newSize = <u32>memReadLe(at + o, 4);
  f.oldSize = <u32>memReadLe(at + o + 4, 4);
  f.version = <u32>memReadLe(at + o + 8, 1);
  // Left all zero when not mapped.
  memReadInto(at + (is64() ? 72 : 60), f.expect, 32);
  if (f.nameAddr != 0) {
    const n = memCString(f.nameAddr);
    if (n !== null) f.name = n;
  }
  return f;
}


/** Where function record `f` is in the uploaded file. */
export function funcLoc(secName: string, secIndex: i32, f: Func): Loc {
  return at(f.fileOffset, f.fileSize).sec(secName, secIndex).func(f.index, f.name.length > 0 || f.nameAddr != 0 ? f.name : null);
}

let curSec: Sec | null = null;

function here(f: Func): Loc {
  const s = curSec!;
  return funcLoc(s.name, s.index, f);
}

function archVerify(payloadName: string, f: Func): i32 {
  if (arch == ARCH_X86_64) {
    if (f.newAddr == 0) {
      if (f.newSize > OPAQUE_SIZE) return fail(R.R_FUNC_NOP_LONG, EOPNOTSUPP, "", funcRecordLabel(f) + ": NOP size " + f.newSize.toString() + " exceeds 31 bytes; Xen returns this without a message", here(f));
      if (f.oldSize < f.newSize) return fail(R.R_FUNC_NOP_SIZE, EINVAL, "", funcRecordLabel(f) + ": old_size " + f.oldSize.toString() + " < new_size " + f.newSize.toString() + "; Xen returns this without a message", here(f));
      return 0;
    }
    // is_endbr64() (arch/x86/include/asm/endbr.h) reads *(const uint32_t *)old_addr with no
    // exception-table fixup: an unmapped old_addr is a FATAL PAGE FAULT inside the hypercall, no rc.
    if (!isMapped(f.oldAddr, 4)) {
      fatalFault(0, payloadName, firstUnmapped(f.oldAddr, 4), false, R.R_FUNC_UNMAPPED,
        funcRecordLabel(f) + ": old_addr " + hex64(f.oldAddr) + " is not mapped" + freedInitNote(f.oldAddr) + "; is_endbr64() in arch_livepatch_verify_func() reads its first 4 bytes and takes a fatal page fault");
      return -ENOSYS;
    }
    const need: u32 = startsWithEndbr(f.oldAddr) ? 9 : 5;
    if (f.oldSize < need)
      return fail(R.R_FUNC_TOO_SMALL, EINVAL, "", funcRecordLabel(f) + ": old_size " + f.oldSize.toString() + " is too small (needs " + need.toString() + "); Xen returns this without a message", here(f));
    return 0;
  }
  if (f.newAddr == 0 && (f.newSize > OPAQUE_SIZE || f.newSize % 4 != 0))
    return fail(R.R_FUNC_NOP_LONG, EOPNOTSUPP, "", funcRecordLabel(f) + ": NOP size " + f.newSize.toString() + " is not a multiple of 4 up to 28; Xen returns this without a message", here(f));
  if (f.oldSize < 4) return fail(R.R_FUNC_TOO_SMALL, EINVAL, "", funcRecordLabel(f) + ": old_size " + f.oldSize.toString() + " is below 4; Xen returns this without a message", here(f));
  return 0;
}

function verifyDistance(f: Func): i32 {
  if (f.newAddr == 0) return 0;
  if (arch == ARCH_X86_64 || arch == ARCH_ARM64) {
    const range: i64 = arch == ARCH_X86_64 ? 0x80000000 : 0x8000000;
    const d = <i64>(f.oldAddr - f.newAddr);
    if (d < -range || d >= range) return fail(R.R_FUNC_DISTANCE, EOVERFLOW, "", funcRecordLabel(f) + ": new function is out of branch range; Xen returns this without a message", here(f));
    return 0;
  }
  const d32 = <i32>(<u32>f.oldAddr - <u32>f.newAddr);
  if (d32 < -0x2000000 || d32 >= 0x2000000) return fail(R.R_FUNC_DISTANCE, EOVERFLOW, "", funcRecordLabel(f) + ": new function is out of branch range; Xen returns this without a message", here(f));
  return 0;
}

/** prepare_payload()'s `.livepatch.funcs` part: validates every record and fills p.funcs / p.fstate. */
export function checkFuncs(p: Payload, e: Elf): i32 {
  const sec: Sec | null = e.byName(".livepatch.funcs");
  if (sec === null) return 0;
  curSec = sec;
  p.funcsSecIndex = sec.index;
  p.funcsSecName = sec.name;
  const sz = funcStructSize();
  if (sec.size % sz != 0) return wrongSize(R.R_FUNCS_SIZE, sec, sz);
  // A section that is not SHF_ALLOC was never moved nor relocated: Xen reads the records in the
  // upload buffer as the file has them (name pointers still 0) and keeps that pointer.
  markDangling(p, DANG_FUNCS, sec, sec.loadAddr);
  const n = <i32>(sec.size / sz);
  // prepare_payload(): xzalloc_array(struct livepatch_fstate, nfuncs)
  const fstate = xzalloc(<u64>n * FSTATE_SIZE);
  for (let i = 0; i < n; i++) {
    const f = readFunc(sec.loadAddr + <u64>i * sz);
    f.index = i;
    f.fileOffset = sec.offset + <u64>i * sz;
    f.fileSize = sz;
    // "%s: Wrong version (%u). Expected %d"
    if (f.version != PAYLOAD_VERSION)
      return fail(R.R_FUNC_VERSION, EOPNOTSUPP, lp("Wrong version (" + f.version.toString() + "). Expected " + PAYLOAD_VERSION.toString()), "", here(f));
    // "%s: Address or size fields are zero"
    if (f.oldSize == 0) return fail(R.R_FUNC_OLD_SIZE, EINVAL, lp("Address or size fields are zero"), "", here(f));
    if (f.oldAddr == 0) {
      // resolve_old_address(): symbols_lookup_by_name(f->name) reads the name first.
      const nm = memCString(f.nameAddr);
      if (nm === null) {
        fatalFault(0, p.name, cstrFault, false, sec.alloc ? R.R_FUNC_NAME : R.R_FUNCS_NOALLOC,
          funcRecordLabel(f) + " has old_addr 0, so Xen looks its name up through the name pointer " + hexAlt(f.nameAddr) +
            (sec.alloc ? ", which points nowhere" : ": .livepatch.funcs is not SHF_ALLOC, so that pointer was never relocated"));
        return -ENOSYS;
      }
      f.name = nm;
      f.oldAddr = lookupAny(nm);
      // "%s: Could not resolve old address of %s"
      if (f.oldAddr == 0) return fail(R.R_FUNC_UNRESOLVED, ENOENT, lp("Could not resolve old address of " + nm), "", here(f));
      if (debugBuild) dprintk(p.name, "common/livepatch.c", 219, lp("Resolved old address " + nm + " => " + ptr(f.oldAddr)));
      // Xen stores the resolved address back into the record.
      memWriteLe(f.structAddr + <u64>(is64() ? 16 : 8), f.oldAddr, is64() ? 8 : 4);
    }
    let rc = archVerify(p.name, f);
    if (rc == 0) rc = verifyDistance(f);
    if (rc != 0) return rc;
    p.funcs.push(f);
    p.fstate.push(new FState(fstate == 0 ? 0 : fstate + <u64>i * FSTATE_SIZE));
  }
  return 0;
}
