// .livepatch.funcs: the size rule and the per-function checks at upload (facts §3, §6), in the
// 4.17+ order: version, old_size, old_addr resolution, arch minimums, distance.
import { Elf, Sec, shdrLoc } from "./elf";
import { fail, lp, at, Loc } from "./diag";
import * as R from "./rules";
import { EFAULT, EINVAL, ENOENT, EOPNOTSUPP, EOVERFLOW } from "./errno";
import { arch, ARCH_X86_64, ARCH_ARM64, is64 } from "./image";
import { memRead, memReadLe, memWriteLe } from "./memory";
import { Func, FState, Payload } from "./payload";
import { lookupAny } from "./symbols";
import { hex64 } from "./bytes";

export const PAYLOAD_VERSION: u32 = 2;
export const OPAQUE_SIZE: u32 = 31;

export function funcStructSize(): u64 {
  return is64() ? 104 : 92;
}

const NAME_MAX: i32 = 1024;

/** A NUL-terminated string in simulated memory; null when unmapped or unterminated. */
export function memCString(addr: u64): string | null {
  if (addr == 0) return null;
  let s = "";
  for (let i = 0; i < NAME_MAX; i++) {
    const b = memRead(addr + <u64>i, 1);
    if (b === null) return null;
    if (b[0] == 0) return s;
    s += String.fromCharCode(b[0]);
  }
  return null;
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
  const ex = memRead(at + (is64() ? 72 : 60), 32);
  if (ex !== null) f.expect = ex;
  const n = memCString(f.nameAddr);
  f.name = n === null ? "" : n;
  return f;
}

function isEndbr(b: Uint8Array): bool {
  const endbr = b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa;
  const poison = b[0] == 0x66 && b[1] == 0x0f && b[2] == 0x1f && b[3] == 0x01;
  return endbr || poison;
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

function archVerify(f: Func): i32 {
  if (arch == ARCH_X86_64) {
    if (f.newAddr == 0) {
      if (f.newSize > OPAQUE_SIZE) return fail(R.R_FUNC_NOP_LONG, EOPNOTSUPP, "", f.name + ": NOP size " + f.newSize.toString() + " exceeds 31 bytes; Xen returns this without a message", here(f));
      if (f.oldSize < f.newSize) return fail(R.R_FUNC_NOP_SIZE, EINVAL, "", f.name + ": old_size " + f.oldSize.toString() + " < new_size " + f.newSize.toString() + "; Xen returns this without a message", here(f));
      return 0;
    }
    const head = memRead(f.oldAddr, 4);
    if (head === null)
      return fail(R.R_FUNC_UNMAPPED, EFAULT, "", f.name + ": old_addr " + hex64(f.oldAddr) + " is not mapped; real Xen would take a fatal page fault reading the first bytes", here(f));
    const need: u32 = isEndbr(head) ? 9 : 5;
    if (f.oldSize < need)
      return fail(R.R_FUNC_TOO_SMALL, EINVAL, "", f.name + ": old_size " + f.oldSize.toString() + " is too small (needs " + need.toString() + "); Xen returns this without a message", here(f));
    return 0;
  }
  if (f.newAddr == 0 && (f.newSize > OPAQUE_SIZE || f.newSize % 4 != 0))
    return fail(R.R_FUNC_NOP_LONG, EOPNOTSUPP, "", f.name + ": NOP size " + f.newSize.toString() + " is not a multiple of 4 up to 28; Xen returns this without a message", here(f));
  if (f.oldSize < 4) return fail(R.R_FUNC_TOO_SMALL, EINVAL, "", f.name + ": old_size " + f.oldSize.toString() + " is below 4; Xen returns this without a message", here(f));
  return 0;
}

function verifyDistance(f: Func): i32 {
  if (f.newAddr == 0) return 0;
  if (arch == ARCH_X86_64 || arch == ARCH_ARM64) {
    const range: i64 = arch == ARCH_X86_64 ? 0x80000000 : 0x8000000;
    const d = <i64>(f.oldAddr - f.newAddr);
    if (d < -range || d >= range) return fail(R.R_FUNC_DISTANCE, EOVERFLOW, "", f.name + ": new function is out of branch range; Xen returns this without a message", here(f));
    return 0;
  }
  const d32 = <i32>(<u32>f.oldAddr - <u32>f.newAddr);
  if (d32 < -0x2000000 || d32 >= 0x2000000) return fail(R.R_FUNC_DISTANCE, EOVERFLOW, "", f.name + ": new function is out of branch range; Xen returns this without a message", here(f));
  return 0;
}

/** Validates `.livepatch.funcs` (when present) and fills p.funcs / p.fstate. */
export function checkFuncs(p: Payload, e: Elf): i32 {
  const sec: Sec | null = e.byName(".livepatch.funcs");
  if (sec === null) return 0;
  curSec = sec;
  p.funcsSecIndex = sec.index;
  p.funcsSecName = sec.name;
  const sz = funcStructSize();
  if (sec.size % sz != 0)
    return fail(R.R_FUNCS_SIZE, EINVAL, lp("Wrong size " + sec.size.toString() + " of .livepatch.funcs (must be multiple of " + sz.toString() + ")"), "", shdrLoc(e, sec.index));
  if (!sec.alloc)
    return fail(R.R_FUNCS_NOALLOC, EINVAL, lp(".livepatch.funcs is not loaded"), "real Xen would read the functions through a NULL address", shdrLoc(e, sec.index));
  const n = <i32>(sec.size / sz);
  for (let i = 0; i < n; i++) {
    const f = readFunc(sec.loadAddr + <u64>i * sz);
    f.index = i;
    f.fileOffset = sec.offset + <u64>i * sz;
    f.fileSize = sz;
    if (f.version != PAYLOAD_VERSION)
      return fail(R.R_FUNC_VERSION, EOPNOTSUPP, lp("Wrong version (" + f.version.toString() + "). Expected " + PAYLOAD_VERSION.toString()), "", here(f));
    if (f.oldSize == 0) return fail(R.R_FUNC_OLD_SIZE, EINVAL, lp("Address or size fields are zero"), "", here(f));
    if (f.oldAddr == 0) {
      const nm = memCString(f.nameAddr);
      if (nm === null)
        return fail(R.R_FUNC_NAME, EFAULT, "", "Could not read the name of function " + i.toString() + "; real Xen would take a fatal page fault on the name pointer " + hex64(f.nameAddr), here(f));
      f.oldAddr = lookupAny(nm);
      if (f.oldAddr == 0) return fail(R.R_FUNC_UNRESOLVED, ENOENT, lp("Could not resolve old address of " + nm), "", here(f));
      // Xen stores the resolved address back into the struct (pages are still writable here).
      memWriteLe(f.structAddr + <u64>(is64() ? 16 : 8), f.oldAddr, is64() ? 8 : 4);
    }
    let rc = archVerify(f);
    if (rc == 0) rc = verifyDistance(f);
    if (rc != 0) return rc;
    p.funcs.push(f);
    p.fstate.push(new FState());
  }
  return 0;
}
