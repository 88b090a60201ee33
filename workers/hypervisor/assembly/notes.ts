// Build-id notes as xen_build_id_check() reads them (facts §1.4). Only the first note counts.
import { EINVAL, ENODATA } from "./errno";

export let noteDesc: Uint8Array = new Uint8Array(0);

function le32(d: Uint8Array, off: i32): u32 {
  if (off < 0 || off + 4 > d.length) return 0;
  return <u32>d[off] | (<u32>d[off + 1] << 8) | (<u32>d[off + 2] << 16) | (<u32>d[off + 3] << 24);
}

/**
 * Parses `d` (the section's bytes, `d.length` = sh_size > 12). Returns 0 and sets noteDesc, or
 * -EINVAL / -ENODATA exactly where Xen's parser returns them. An empty desc is the caller's check.
 */
export function parseBuildIdNote(d: Uint8Array): i32 {
  noteDesc = new Uint8Array(0);
  const namesz = le32(d, 0);
  const descsz = le32(d, 4);
  const type = le32(d, 8);
  if (type != 3) return -ENODATA;
  if (namesz + descsz < namesz) return -EINVAL;
  if (namesz < 4) return -EINVAL;
  if (<u64>namesz + <u64>descsz > <u64>(d.length - 12)) return -EINVAL;
  // strncmp against "GNU" over namesz bytes: it stops after the terminating NUL matches.
  const gnu: u8[] = [0x47, 0x4e, 0x55, 0];
  for (let i = 0; i < 4; i++) {
    if (<u32>i >= namesz) break;
    if (d[12 + i] != gnu[i]) return -ENODATA;
  }
  // The desc starts after the name padded to 4 bytes; the size check above did not count the
  // padding, so up to 3 desc bytes may lie past the section. Xen reads whatever follows; we
  // read zeros there.
  const start = 12 + <i32>((namesz + 3) & ~3);
  const out = new Uint8Array(<i32>descsz);
  for (let i = 0; i < <i32>descsz; i++) {
    const p = start + i;
    out[i] = p < d.length ? d[p] : 0;
  }
  noteDesc = out;
  return 0;
}
