// x86 Xen's virtual regions while it patches (xen/common/virtual_region.c): the core region is
// Xen's runtime text (_stext.._etext) and rodata (_srodata.._erodata); every uploaded payload adds
// its own text and, when it has any, rodata (load_payload_data() registers it at upload). The init
// region is gone by the time a hypercall can arrive. arch_livepatch_quiesce() relaxes all of them
// (relax_virtual_region_perms(): text RWX, rodata RW) and arch_livepatch_revive() tightens them
// back (RX, RO), so a load or unload hook may write Xen's text or any payload's rodata, while the
// same store from a pre- or post- hook, or an action hook, faults.
import { imageAddrOf } from "./image";
import { payloads } from "./payload";
import { setPerm, PERM_RWX, PERM_RW, PERM_RX, PERM_RO } from "./memory";

function setRange(start: u64, end: u64, perm: i32): void {
  if (start != 0 && end > start) setPerm(start, end - start, perm);
}

function setAll(text: i32, rodata: i32): void {
  setRange(imageAddrOf("_stext"), imageAddrOf("_etext"), text);
  setRange(imageAddrOf("_srodata"), imageAddrOf("_erodata"), rodata);
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    setRange(p.textAddr, p.textAddr + p.textSize, text);
    if (p.roSize != 0) setRange(p.roAddr, p.roAddr + p.roSize, rodata);
  }
}

/** relax_virtual_region_perms(). */
export function relaxRegionPerms(): void {
  setAll(PERM_RWX, PERM_RW);
}

/** tighten_virtual_region_perms(). */
export function tightenRegionPerms(): void {
  setAll(PERM_RX, PERM_RO);
}
