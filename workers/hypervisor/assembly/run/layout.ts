// Where the running Xen keeps what its code touches outside the image: per-CPU stacks and the
// heap `struct payload` and `fstate[]` come from, both in Xen's direct map. Addresses are Xen's
// own region bases (x86 DIRECTMAP_VIRT_START = PML4 slot 262; arm64 SLOT0(256)); nothing else
// the simulator maps lives there.
import { arch, ARCH_X86_64, ARCH_ARM32 } from "../image";

/** Xen's STACK_SIZE (PAGE_SIZE << STACK_ORDER, order 3 on both architectures). */
export const STACK_SIZE: u64 = 0x8000;
/**
 * Bytes kept free at the top of every stack: Xen puts `struct cpu_info` there (x86 finds it by
 * rounding the stack pointer up), so the frames start below it.
 */
export const STACK_TOP_RESERVE: u64 = 0x200;
/** Stacks for this many CPUs, one unmapped guard stack between neighbours. */
export const STACK_CPUS: i32 = 64;
/** The heap starts this far into the direct map, after the stacks. */
const HEAP_OFFSET: u64 = 0x1000000;

const X86_DIRECTMAP: u64 = 0xffff830000000000;
const ARM64_DIRECTMAP: u64 = 0x0000800000000000;
/** arm32 has no direct map; its xenheap starts at XENHEAP_VIRT_START (1 GiB). */
const ARM32_XENHEAP: u64 = 0x40000000;

export function directMap(): u64 {
  return arch == ARCH_X86_64 ? X86_DIRECTMAP : arch == ARCH_ARM32 ? ARM32_XENHEAP : ARM64_DIRECTMAP;
}

/** Base of `cpu`'s stack (STACK_SIZE-aligned, as Xen's stacks are). */
export function stackBase(cpu: i32): u64 {
  const c = cpu < 0 || cpu >= STACK_CPUS ? 0 : cpu;
  return directMap() + <u64>c * 2 * STACK_SIZE;
}

export function heapBase(): u64 {
  return directMap() + HEAP_OFFSET;
}

// ---- struct payload (xen/include/xen/livepatch_payload.h), LP64, payload version 2 ----
// (its ILP32 layout is not laid out: an arm32 hook that takes it is not run, run/hook_exec.ts.)
// Offsets as gcc lays the struct out for Xen 4.14 and later (checked with gdb's `ptype /o` against
// x86_64 and arm64 xen-syms). `struct virtual_region` carries ex/ex_end only on x86
// (CONFIG_HAS_EX_TABLE), so every field after it sits 16 bytes lower on arm64.

export const P_STATE: u64 = 0;
export const P_RC: u64 = 4;
export const P_REVERTED: u64 = 8;
export const P_SAFE_TO_REAPPLY: u64 = 9;
export const P_LIST: u64 = 16;
export const P_TEXT_ADDR: u64 = 32;
export const P_TEXT_SIZE: u64 = 40;
export const P_RW_ADDR: u64 = 48;
export const P_RW_SIZE: u64 = 56;
export const P_RO_ADDR: u64 = 64;
export const P_RO_SIZE: u64 = 72;
export const P_PAGES: u64 = 80;
export const P_APPLIED_LIST: u64 = 88;
export const P_FUNCS: u64 = 104;
export const P_FSTATE: u64 = 112;
export const P_NFUNCS: u64 = 120;
export const P_SYMTAB: u64 = 128;
export const P_STRTAB: u64 = 136;
export const P_REGION: u64 = 144;
// Inside struct virtual_region.
export const R_LIST: u64 = 0;
export const R_TEXT_START: u64 = 16;
export const R_TEXT_END: u64 = 24;
export const R_RODATA_START: u64 = 32;
export const R_RODATA_END: u64 = 40;
export const R_SYMBOLS_LOOKUP: u64 = 48;
/** frame[BUGFRAME_NR] of { start, stop }. */
export const R_FRAMES: u64 = 56;
export const R_EX: u64 = 120;
export const R_EX_END: u64 = 128;

/** sizeof(struct virtual_region): 136 with the exception table, 120 without. */
export function regionSize(): u64 {
  return arch == ARCH_X86_64 ? 136 : 120;
}

/** Offset of a field after the region, given its x86 offset. */
function after(x86Offset: u64): u64 {
  return arch == ARCH_X86_64 ? x86Offset : x86Offset - 16;
}

export function pNsyms(): u64 {
  return after(280);
}
export function pId(): u64 {
  return after(288);
}
export function pDep(): u64 {
  return after(304);
}
export function pLoadFuncs(): u64 {
  return after(320);
}
export function pUnloadFuncs(): u64 {
  return after(328);
}
/** hooks.apply.{pre,action,post} then hooks.revert.{pre,action,post}, 8 bytes each. */
export function pHooks(): u64 {
  return after(336);
}
export function pNLoadFuncs(): u64 {
  return after(384);
}
export function pNUnloadFuncs(): u64 {
  return after(388);
}
export function pName(): u64 {
  return after(392);
}
export function pMetadata(): u64 {
  return after(520);
}
export function payloadStructSize(): u64 {
  return after(536);
}

/** XEN_LIVEPATCH_NAME_SIZE. */
export const NAME_SIZE: i32 = 128;

// ---- struct livepatch_fstate (xen/include/xen/livepatch.h) ----
export const FS_PATCH_OFFSET: u64 = 0;
export const FS_APPLIED: u64 = 4;
export const FS_INSN_BUFFER: u64 = 8;
export const FSTATE_SIZE: u64 = 40;
