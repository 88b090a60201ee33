// The end of the simulated Xen's boot: what Xen does once, after the image is in memory and before
// any hypercall can arrive, and what later answers read instead of working out again. initDone()
// runs it once per boot (the host calls it when it has mapped the image; bootFromImage() in
// workers/hypervisor/host/image.ts), with the image's own page permissions:
//   - the XSM set-up of a device-tree build: Arm's start_xen() calls xsm_dt_init()
//     (xen/xsm/xsm_core.c, CONFIG_XSM): it picks the policy xsm_bootparam names (the build's default:
//     SILO, FLASK or dummy; no `xsm=` on the simulated command line, no policy module), copies that
//     policy's ops into xsm_ops and fills the hooks it lacks from dummy_ops (xsm_fixup_ops()).
//     Every XSM hook (do_xen_version()'s xsm_xen_version() among them) is an indirect call through
//     xsm_ops afterwards. It is the image's own code, run here; xsm_ops is in .data.ro_after_init,
//     which init_done() then makes read-only. x86 sets XSM up in xsm_multiboot_init(bi), from the
//     multiboot module list the simulator does not have: not run (with CONFIG_XSM off, as in the
//     x86_64 build here, xsm_xen_version() is inline code and needs nothing);
//   - xen_build_init() (xen/common/version.c, an __initcall): finds the build-id note and sets
//     xen_build_id / xen_build_id_len, which XENVER_build_id (`xl info`) only reads afterwards;
//   - the release the image is, as its xen_major_version() / xen_minor_version() answer at boot
//     (a payload may patch them later; a rule that follows the release must not move with it);
//   - whether do_xen_version(XENVER_version) answers the same on the booted image, so `xl info`
//     can run Xen's own caller of those functions (probeVersionCaller());
//   - init_done(): x86 (xen/arch/x86/setup.c) zeroes __init_begin..__init_end (the 2M-aligned
//     __2M_init_start..__2M_init_end when the image is laid out in 2M pages, using_2M_mapping()),
//     destroys those mappings, and marks __2M_rodata_start..__2M_rodata_end (.rodata and
//     .data.ro_after_init) read-only; Arm (xen/arch/arm/setup.c) marks .data.ro_after_init
//     read-only (modify_after_init_mappings()) and free_init_memory() (arch/arm/mmu/setup.c)
//     zeroes and unmaps __init_begin..__init_end. An __init function's symbol stays in Xen's
//     symbol table, so a payload can still name it (or relocate against it); its code is gone:
//     x86 UPLOAD's is_endbr64(old_addr) and Arm APPLY's copy of the old bytes read unmapped memory.
import { arch, ARCH_X86_64, imageAddrOf } from "../image";
import { unmapRange, setPerm, PAGE_SIZE, PERM_RO } from "../memory";
import { runXen, RunContext, RunResult, OUTCOME_RETURNED, OUTCOME_CRASHED } from "./runner";
import { bootEpoch } from "./runtime";
import { unknownText } from "./xlinfo";

let doneEpoch: u32 = 0;
let buildInitRan = false;
let buildInitOk = false;
let buildInitDetail = "";
let major: i32 = -1;
let minor: i32 = -1;
let callerRuns = false;
let callerWhy = "";
let xsmWhy = "";
let initStart: u64 = 0;
let initEnd: u64 = 0;

/** Whether initDone() ran for the current boot. */
export function bootDone(): bool {
  return doneEpoch == bootEpoch;
}

function quietRun(name: string): RunResult | null {
  const at = imageAddrOf(name);
  if (at == 0) return null;
  const c = new RunContext();
  c.quiet = true;
  return runXen(at, [], c);
}

/** XENVER_version's cmd number (xen/include/public/version.h). */
const XENVER_VERSION: u64 = 0;

/**
 * Whether `xl info` can ask XENVER_version through the image's own do_xen_version()
 * (xen/common/kernel.c): run once here, on the image as built, it must return what the two version
 * functions return, `(xen_major_version() << 16) | xen_minor_version()`. It does not when the image
 * has no do_xen_version() (a stand-in), or its path needs what boot code the simulator does not
 * run set up (an x86 build with CONFIG_XSM: its hook goes through xsm_ops, which
 * xsm_multiboot_init() fills), or xsm_dt_init() did not return (xsmInit()).
 */
function probeVersionCaller(ma: RunResult | null, mi: RunResult | null): void {
  const at = imageAddrOf("do_xen_version");
  if (at == 0) {
    callerWhy = "the image has no do_xen_version()";
    return;
  }
  if (ma === null || mi === null || ma.outcome != OUTCOME_RETURNED || mi.outcome != OUTCOME_RETURNED) {
    callerWhy = "the version functions do not return at boot";
    return;
  }
  const want = (<u32>ma.value << 16) | <u32>mi.value;
  const c = new RunContext();
  c.quiet = true;
  const r = runXen(at, [XENVER_VERSION, 0], c);
  if (r.outcome == OUTCOME_RETURNED && <u32>r.value == want) {
    callerRuns = true;
    return;
  }
  const got = r.outcome == OUTCOME_RETURNED ? "returned 0x" + (<u32>r.value).toString(16) + ", not 0x" + want.toString(16) : r.outcome == OUTCOME_CRASHED ? "crashed: " + r.message : unknownText(r);
  callerWhy = "do_xen_version(XENVER_version) on the image as booted " + got + xsmWhy;
}

/**
 * xsm_dt_init() as start_xen() calls it (see above), when the image has it. Its value (1: SILO is
 * on) only decides a boot warning, which the simulator does not print; a run that does not return
 * leaves xsm_ops as far as it got, and xsmWhy says so for the version probe's reason.
 */
function xsmInit(): void {
  const r = quietRun("xsm_dt_init");
  if (r === null || r.outcome == OUTCOME_RETURNED) return;
  xsmWhy = " (xsm_dt_init() at boot, which fills xsm_ops: " + (r.outcome == OUTCOME_CRASHED ? "crashed: " + r.message : unknownText(r)) + ")";
}

/** xl info asks XENVER_version through do_xen_version() (probeVersionCaller()). */
export function versionCallerRuns(): bool {
  return doneEpoch == bootEpoch && callerRuns;
}

/** Why it does not, when it does not. */
export function versionCallerWhy(): string {
  return doneEpoch == bootEpoch ? callerWhy : "the host has not finished booting";
}

/** The end of boot (see above); a second call for the same boot does nothing. */
export function initDone(): void {
  if (doneEpoch == bootEpoch) return;
  doneEpoch = bootEpoch;
  buildInitRan = false;
  buildInitOk = false;
  buildInitDetail = "";
  initStart = initEnd = 0;
  major = minor = -1;
  callerRuns = false;
  callerWhy = "";
  xsmWhy = "";

  // start_xen(): XSM before the initcalls, all of it before init_done()
  xsmInit();
  const b = quietRun("xen_build_init");
  if (b !== null) {
    buildInitRan = true;
    buildInitOk = b.outcome == OUTCOME_RETURNED;
    if (!buildInitOk) buildInitDetail = "xen_build_init() at boot: " + (b.outcome == OUTCOME_CRASHED ? b.message : unknownText(b));
  }

  const ma = quietRun("xen_major_version");
  const mi = quietRun("xen_minor_version");
  if (ma !== null && mi !== null && ma.outcome == OUTCOME_RETURNED && mi.outcome == OUTCOME_RETURNED) {
    // XENVER_version is (major << 16) | minor; xl reads major = v >> 16, minor = v & 0xff
    const v = (<u32>ma.value << 16) | (<u32>mi.value & 0xffff);
    // No Xen release is 0.x: that is a stand-in's invented body returning 0, not a version.
    if (v >> 16 != 0) {
      major = <i32>(v >> 16);
      minor = <i32>(v & 0xff);
    }
  }

  let start = imageAddrOf("__init_begin");
  let end = imageAddrOf("__init_end");
  if (arch == ARCH_X86_64) {
    if (using2MMapping()) {
      start = imageAddrOf("__2M_init_start");
      end = imageAddrOf("__2M_init_end");
    }
  } else setReadOnly(imageAddrOf("__ro_after_init_start"), imageAddrOf("__ro_after_init_end"));
  if (start != 0 && end > start) {
    // Whole pages (both linker scripts page-align the section; destroy_xen_mappings() takes pages).
    const s = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    const e = end & ~(PAGE_SIZE - 1);
    if (e > s) {
      // zeroed, then unmapped: nothing of it can be read again
      unmapRange(s, e - s);
      initStart = s;
      initEnd = e;
    }
  }
  if (arch == ARCH_X86_64) setReadOnly(imageAddrOf("__2M_rodata_start"), imageAddrOf("__2M_rodata_end"));
  // with the memory as every later hypercall sees it
  probeVersionCaller(ma, mi);
}

function setReadOnly(start: u64, end: u64): void {
  if (start != 0 && end > start) setPerm(start, end - start, PERM_RO);
}

/** x86 using_2M_mapping(): every 2M boundary of the layout is 2M-aligned. */
function using2MMapping(): bool {
  const names = ["__2M_text_end", "__2M_rodata_start", "__2M_rodata_end", "__2M_init_start", "__2M_init_end", "__2M_rwdata_start", "__2M_rwdata_end"];
  for (let i = 0; i < names.length; i++) {
    const a = imageAddrOf(names[i]);
    if (a == 0 || (a & 0x1fffff) != 0) return false;
  }
  return true;
}

/**
 * The release the booted image reported at boot, (major << 16) | minor; -1 when its version
 * functions could not answer or said 0.x (a stand-in Xen has none, or invented ones returning 0).
 */
export function bootRelease(): i32 {
  return major < 0 ? -1 : (major << 16) | minor;
}

/**
 * Why `addr` is not mapped when it lies in what init_done() freed, else "": the words every
 * "not mapped" finding about an old function adds.
 */
export function freedInitNote(addr: u64): string {
  if (initEnd <= initStart || addr < initStart || addr >= initEnd) return "";
  return " (it is __init code or data, which Xen freed and unmapped after boot: init_done() clears and unmaps __init_begin..__init_end)";
}

/** Whether xen_build_init() ran at boot and returned. */
export function buildInitReturned(): bool {
  return buildInitOk;
}

/** Why xen_build_init() gave no build-id at boot ("" when the image has none). */
export function buildInitWhy(): string {
  if (imageAddrOf("xen_build_init") == 0) return "";
  if (!bootDone()) return "the simulated boot did not finish (init_done() was not reached)";
  return buildInitRan ? buildInitDetail : "";
}
