// Placement of a payload's ALLOC sections into text / rw / ro regions (move_payload() in
// xen/common/livepatch.c), at Xen-like addresses in the simulated memory, and the final page
// permissions (secure_payload()).
import { Elf, Sec, shdrLoc, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, REGION_TEXT, REGION_RW, REGION_RO } from "./elf";
import { fail, failQuoting, lp, diagName } from "./diag";
import { debugBuild, dprintk, ptr } from "./xenlog";
import * as R from "./rules";
import { ENOMEM, EOPNOTSUPP } from "./errno";
import { arch, ARCH_X86_64, ARCH_ARM32, imageEnd, imageSymbolCount, imageSymAddr, imageSymSize } from "./image";
import { mapRange, unmapRange, memWrite, memFill, setPerm, PAGE_SIZE, PERM_RX, PERM_RW, PERM_RO } from "./memory";
import { Payload, Placed, payloads } from "./payload";

const MIB: u64 = 1024 * 1024;

// x86: Xen's VMAP_XEN area starts at the end of its 2 MiB-aligned image and ends below the
// fixmap / per-CPU stubs at the top of the 1 GiB slot (0xffff82d040000000-0xffff82d07fffffff).
// We start at the first 2 MiB boundary after `_end` and stop 16 MiB below the slot's end.
const X86_SLOT_BASE: u64 = 0xffff82d040000000;
const X86_SLOT_END: u64 = 0xffff82d080000000;
// ARM: LIVEPATCH_VMAP_START..END = +16 MiB..+18 MiB from the base of the Xen mapping.
const ARM64_XEN_BASE: u64 = 0x00000a0000000000;

function vmapWindow(): u64[] {
  if (arch == ARCH_X86_64) {
    let end = imageEnd();
    if (end == 0) {
      // No `_end` supplied: use the highest symbol end instead.
      for (let i = 0; i < imageSymbolCount(); i++) {
        const e = imageSymAddr(i) + <u64>imageSymSize(i);
        if (imageSymAddr(i) >= X86_SLOT_BASE && e > end) end = e;
      }
      if (end == 0) end = X86_SLOT_BASE + 8 * MIB;
    }
    const start = (end + 2 * MIB - 1) & ~(2 * MIB - 1);
    return [start, X86_SLOT_END - 16 * MIB];
  }
  const base: u64 = arch == ARCH_ARM32 ? 0 : ARM64_XEN_BASE;
  return [base + 16 * MIB, base + 18 * MIB];
}

function pageAlign(x: u64): u64 {
  return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/**
 * First-fit search for `bytes` in the window, leaving one unmapped guard page after every
 * existing payload so neighbours never touch. Returns 0 when nothing fits.
 */
function vmAlloc(bytes: u64): u64 {
  const w = vmapWindow();
  let cand = w[0];
  for (let guard = 0; guard <= payloads.length; guard++) {
    let moved = false;
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i];
      const pEnd = p.base + p.pages * PAGE_SIZE + PAGE_SIZE;
      if (cand < pEnd && p.base < cand + bytes + PAGE_SIZE) {
        cand = pEnd;
        moved = true;
      }
    }
    if (!moved) break;
  }
  if (cand > w[1] || bytes > w[1] - cand) return 0;
  return cand;
}

/** Xen's ROUNDUP(x, a) for a power of two `a`; ROUNDUP(x, 0) is 0, so sh_addralign 0 places a section at offset 0. */
function roundup(x: u64, a: u64): u64 {
  return (x + a - 1) & ~(a - 1);
}

/** Returns 0 or -errno; on success the payload's regions are mapped RW and filled. */
export function movePayload(p: Payload, e: Elf): i32 {
  const off = new Array<u64>(e.secs.length);
  let sizes: u64[] = [0, 0, 0, 0];
  for (let i = 1; i < e.secs.length; i++) {
    const s = e.secs[i];
    if ((s.flags & SHF_ALLOC) == 0) continue;
    const x = (s.flags & SHF_EXECINSTR) != 0;
    const w = (s.flags & SHF_WRITE) != 0;
    if (x && w) {
      // move_payload(): a debug-only dprintk, so a release build refuses it without a message.
      if (debugBuild) dprintk(diagName, "common/livepatch.c", 313, lp("Not supporting " + s.name + " section!"));
      return fail(R.R_WRITE_EXEC, EOPNOTSUPP, "", s.name + " is writable and executable; Xen refuses it (a debug build says so)", shdrLoc(e, i));
    }
    const r = x ? REGION_TEXT : w ? REGION_RW : REGION_RO;
    s.region = r;
    const at = roundup(sizes[r], s.addralign);
    off[i] = at;
    s.regionOffset = at;
    const next = at + s.size;
    // Copied in section order, so a section placed below its region's end overwrites the earlier
    // ones it overlaps (NOBITS too: it is cleared there).
    if (at < sizes[r] && s.size != 0)
      for (let j = 1; j < i; j++) {
        const o = e.secs[j];
        if (o.region == r && o.size != 0 && off[j] < next && at < off[j] + o.size) o.overlaidBy = i;
      }
    // A sum past 2^64 or beyond 4 GiB cannot be allocated; Xen's vmalloc fails the same way.
    if (next < at || next > 0x100000000)
      return failQuoting(R.R_NO_MEMORY, ENOMEM, lp("Could not allocate memory for payload"), "the regions add up to more than 4 GiB", shdrLoc(e, i));
    sizes[r] = next;
  }
  p.textSize = sizes[REGION_TEXT];
  p.rwSize = sizes[REGION_RW];
  p.roSize = sizes[REGION_RO];
  const total = pageAlign(p.textSize) + pageAlign(p.rwSize) + p.roSize;
  const pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
  const base = pages == 0 ? 0 : vmAlloc(pages * PAGE_SIZE);
  // move_payload(): "%s: Could not allocate memory for payload"
  if (base == 0) return failQuoting(R.R_NO_MEMORY, ENOMEM, lp("Could not allocate memory for payload"), "no room for " + pages.toString() + " pages in the livepatch area");
  mapRange(base, pages * PAGE_SIZE, PERM_RW);
  p.base = base;
  p.pages = pages;
  p.textAddr = base;
  p.rwAddr = base + pageAlign(p.textSize);
  p.roAddr = p.rwAddr + pageAlign(p.rwSize);

  let rwCount = 0;
  let rwLast: Sec | null = null;
  for (let i = 1; i < e.secs.length; i++) {
    const s = e.secs[i];
    if (s.region == 0) continue;
    const regionBase = s.region == REGION_TEXT ? p.textAddr : s.region == REGION_RW ? p.rwAddr : p.roAddr;
    s.loadAddr = regionBase + off[i];
    if (s.type == SHT_NOBITS) memFill(s.loadAddr, 0, <i32>s.size);
    else {
      memWrite(s.loadAddr, e.b.data, <i32>s.offset, <i32>s.size);
      if (debugBuild) dprintk(diagName, "common/livepatch.c", 381, lp("Loaded " + s.name + " at " + ptr(s.loadAddr)));
    }
    const pl = new Placed();
    if (s.region == REGION_RW && s.size != 0) {
      rwCount++;
      rwLast = s;
      if (p.dataSection === null && s.name != ".livepatch.funcs") p.dataSection = pl;
    }
    pl.index = i;
    pl.offset = s.offset;
    pl.nobits = s.type == SHT_NOBITS;
    pl.name = s.name;
    pl.region = s.region == REGION_TEXT ? "text" : s.region == REGION_RW ? "rw" : "ro";
    pl.addr = s.loadAddr;
    pl.size = s.size;
    p.placed.push(pl);
  }
  p.safeToReapply = rwCount == 0 || (rwCount == 1 && rwLast !== null && rwLast.name == ".livepatch.funcs");
  return 0;
}

/** arch_livepatch_secure for each region, PFN_UP(size) pages each: the last upload step. */
export function securePayload(p: Payload): void {
  setPerm(p.textAddr, pageAlign(p.textSize), PERM_RX);
  setPerm(p.rwAddr, pageAlign(p.rwSize), PERM_RW);
  setPerm(p.roAddr, pageAlign(p.roSize), PERM_RO);
}

/** Unmaps everything the payload occupies (failed upload, or UNLOAD). */
export function freePayloadMemory(p: Payload): void {
  if (p.pages != 0) unmapRange(p.base, p.pages * PAGE_SIZE);
  p.pages = 0;
}
