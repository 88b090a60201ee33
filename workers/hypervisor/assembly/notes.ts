// Build-id notes as parse_buildid() (xen/common/livepatch.c) and xen_build_id_check()
// (xen/common/version.c) read them: from wherever the section's `addr` points (the upload buffer
// before move_payload, the loaded copy after), only the first note counting.
import { EINVAL, ENODATA } from "./errno";
import { memRead, memReadLe } from "./memory";

export let noteDesc: Uint8Array = new Uint8Array(0);
/** Where the desc lives (Xen keeps this pointer: id.p / dep.p). */
export let noteDescAddr: u64 = 0;
/** Set when a read hit unmapped memory: the first address that faulted (Xen would crash). */
export let noteFault: u64 = 0;
export let noteFaulted: bool = false;

function word(addr: u64): u32 {
  const v = <u32>memReadLe(addr, 4);
  if (memRead(addr, 4) === null && !noteFaulted) {
    noteFaulted = true;
    noteFault = addr;
  }
  return v;
}

/**
 * parse_buildid() for a section of `size` bytes at `addr`: 0 and noteDesc set, or -EINVAL /
 * -ENODATA exactly where Xen returns them (an empty desc included). `noteFaulted` says a read
 * found no memory, where Xen would have taken a fatal fault.
 */
export function parseBuildIdNote(addr: u64, size: u64): i32 {
  noteDesc = new Uint8Array(0);
  noteFaulted = false;
  if (size <= 12) return -EINVAL;
  const namesz = word(addr);
  const descsz = word(addr + 4);
  const type = word(addr + 8);
  if (noteFaulted) return -EINVAL;
  if (type != 3) return -ENODATA;
  if (namesz + descsz < namesz) return -EINVAL;
  if (namesz < 4) return -EINVAL;
  if (<u64>namesz + <u64>descsz > size - 12) return -EINVAL;
  // strncmp against "GNU" over namesz bytes: it stops after the terminating NUL matches.
  const gnu: u8[] = [0x47, 0x4e, 0x55, 0];
  for (let i = 0; i < 4; i++) {
    if (<u32>i >= namesz) break;
    const b = memRead(addr + 12 + <u64>i, 1);
    if (b === null) {
      noteFaulted = true;
      noteFault = addr + 12 + <u64>i;
      return -EINVAL;
    }
    if (b[0] != gnu[i]) return -ENODATA;
  }
  // The desc starts after the name padded to 4 bytes; the size check above did not count the
  // padding, so up to 3 desc bytes may lie past the section: Xen reads whatever follows.
  if (descsz == 0) return -EINVAL;
  noteDescAddr = addr + 12 + <u64>((namesz + 3) & ~3);
  const d = memRead(noteDescAddr, <i32>descsz);
  if (d === null) {
    noteFaulted = true;
    noteFault = noteDescAddr;
    return -EINVAL;
  }
  noteDesc = d;
  return 0;
}
