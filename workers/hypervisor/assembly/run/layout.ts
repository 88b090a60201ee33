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

// ---- struct payload (xen/include/xen/livepatch_payload.h), payload version 2, by architecture ----
// Xen 4.14 and later. One table, the three builds side by side: x86_64 and aarch64 are LP64
// (pointers, size_t and unsigned long 8 bytes), arm32 ILP32 (ARM EABI: all three 4 bytes, every
// field 4-byte aligned, bool 1 byte, an enum 4). `struct virtual_region` carries ex/ex_end only
// where CONFIG_HAS_EX_TABLE is set, which of these is x86 alone (xen/arch/x86/Kconfig selects it,
// xen/arch/arm does not), so every field after the region sits 16 bytes lower on aarch64.
//
// How the numbers were got: each column with gdb's `ptype /o struct payload` (and `print sizeof`)
// on a xen-syms of that architecture: x86_64 and arm64 from /work/xen-payloads, arm32 from a
// hypervisor-only build of Xen c447b7308b (4.23-unstable; XEN_TARGET_ARCH=arm32
// CROSS_COMPILE=arm-linux-gnueabihf-, defconfig + CONFIG_LIVEPATCH=y, gcc 12.2). Apart from Xen's
// build, again by compiling a field list written from the headers (list.h's list_head,
// virtual_region.h, livepatch_payload.h, livepatch.h's livepatch_fstate) with offsetof() printed
// as asm constants: `arm-linux-gnueabihf-gcc -ffreestanding -O2 -S` (also with Xen's arm32 flags
// -mcpu=cortex-a15 -msoft-float -mno-unaligned-access: same numbers), `aarch64-linux-gnu-gcc`, and
// `gcc` with ex/ex_end. The fixtures' own struct payload (fixtures/include/livepatch.h) holds the
// offsets hooks read to the same numbers with _Static_assert at every payload build. By hand for
// arm32: list at 12 (after two u32 and two bools, 4-aligned), each pointer or size_t 4 on, region
// at 76 and 60 bytes long (list 8, four pointers, the lookup pointer, frame[4] of two pointers),
// so nsyms at 136 and name at 196.

/** Field indices into OFFSETS (one row each). */
export const P_STATE: i32 = 0;
export const P_RC: i32 = 1;
export const P_REVERTED: i32 = 2;
export const P_SAFE_TO_REAPPLY: i32 = 3;
export const P_LIST: i32 = 4;
export const P_TEXT_ADDR: i32 = 5;
export const P_TEXT_SIZE: i32 = 6;
export const P_RW_ADDR: i32 = 7;
export const P_RW_SIZE: i32 = 8;
export const P_RO_ADDR: i32 = 9;
export const P_RO_SIZE: i32 = 10;
export const P_PAGES: i32 = 11;
export const P_APPLIED_LIST: i32 = 12;
export const P_FUNCS: i32 = 13;
export const P_FSTATE: i32 = 14;
export const P_NFUNCS: i32 = 15;
export const P_SYMTAB: i32 = 16;
export const P_STRTAB: i32 = 17;
export const P_REGION: i32 = 18;
export const P_NSYMS: i32 = 19;
/** struct livepatch_build_id { const void *p; unsigned int len; }: len one pointer on. */
export const P_ID: i32 = 20;
export const P_DEP: i32 = 21;
export const P_LOAD_FUNCS: i32 = 22;
export const P_UNLOAD_FUNCS: i32 = 23;
/** hooks.apply.{pre,action,post} then hooks.revert.{pre,action,post}, one pointer each. */
export const P_HOOKS: i32 = 24;
export const P_N_LOAD_FUNCS: i32 = 25;
export const P_N_UNLOAD_FUNCS: i32 = 26;
export const P_NAME: i32 = 27;
/** struct livepatch_metadata { const char *data; uint32_t len; }. */
export const P_METADATA: i32 = 28;
/** sizeof(struct payload). */
export const P_SIZE: i32 = 29;
// Inside struct virtual_region (offsets from the region's start).
export const R_LIST: i32 = 30;
export const R_TEXT_START: i32 = 31;
export const R_TEXT_END: i32 = 32;
export const R_RODATA_START: i32 = 33;
export const R_RODATA_END: i32 = 34;
export const R_SYMBOLS_LOOKUP: i32 = 35;
/** frame[BUGFRAME_NR] of { start, stop }, two pointers each. */
export const R_FRAMES: i32 = 36;
/** ex and ex_end (CONFIG_HAS_EX_TABLE: x86 only; NONE elsewhere). */
export const R_EX: i32 = 37;
/** sizeof(struct virtual_region). */
export const R_SIZE: i32 = 38;
/** Pointer (and size_t, unsigned long) size. */
export const PTR: i32 = 39;

const NONE: u32 = 0xffffffff;

const OFFSETS: u32[] = [
  // x86_64 aarch64 arm32        field
       0,     0,     0,      //  state (uint32_t)
       4,     4,     4,      //  rc (int32_t)
       8,     8,     8,      //  reverted (bool)
       9,     9,     9,      //  safe_to_reapply (bool)
      16,    16,    12,      //  list (struct list_head: next, prev)
      32,    32,    20,      //  text_addr
      40,    40,    24,      //  text_size (size_t)
      48,    48,    28,      //  rw_addr
      56,    56,    32,      //  rw_size
      64,    64,    36,      //  ro_addr
      72,    72,    40,      //  ro_size
      80,    80,    44,      //  pages (unsigned int)
      88,    88,    48,      //  applied_list
     104,   104,    56,      //  funcs
     112,   112,    60,      //  fstate
     120,   120,    64,      //  nfuncs (unsigned int)
     128,   128,    68,      //  symtab
     136,   136,    72,      //  strtab
     144,   144,    76,      //  region (struct virtual_region)
     280,   264,   136,      //  nsyms
     288,   272,   140,      //  id
     304,   288,   148,      //  dep
     320,   304,   156,      //  load_funcs
     328,   312,   160,      //  unload_funcs
     336,   320,   164,      //  hooks
     384,   368,   188,      //  n_load_funcs
     388,   372,   192,      //  n_unload_funcs
     392,   376,   196,      //  name[XEN_LIVEPATCH_NAME_SIZE]
     520,   504,   324,      //  metadata
     536,   520,   332,      //  sizeof(struct payload)
       0,     0,     0,      //  region.list
      16,    16,     8,      //  region.text_start
      24,    24,    12,      //  region.text_end
      32,    32,    16,      //  region.rodata_start
      40,    40,    20,      //  region.rodata_end
      48,    48,    24,      //  region.symbols_lookup
      56,    56,    28,      //  region.frame[4]
     120,  NONE,  NONE,      //  region.ex, region.ex_end
     136,   120,    60,      //  sizeof(struct virtual_region)
       8,     8,     4,      //  sizeof(void *)
];

/** The offset (or size) `field` has in the running Xen's build. */
export function off(field: i32): u64 {
  const col = arch == ARCH_X86_64 ? 0 : arch == ARCH_ARM32 ? 2 : 1;
  return <u64>OFFSETS[field * 3 + col];
}

/** Whether the running Xen's struct virtual_region has ex/ex_end (CONFIG_HAS_EX_TABLE). */
export function regionHasExTable(): bool {
  return off(R_EX) != <u64>NONE;
}

/** sizeof(void *) in the running Xen: 8 (LP64) or 4 (arm32, ILP32). */
export function ptrSize(): u64 {
  return off(PTR);
}

/** XEN_LIVEPATCH_NAME_SIZE. */
export const NAME_SIZE: i32 = 128;

// ---- struct livepatch_fstate (xen/include/xen/livepatch.h) ----
// No pointer in it: the same on all three builds (unsigned int, a 4-byte enum, 31 bytes, padded to
// 40), by the same offsetof() compile with each of the three compilers.
export const FS_PATCH_OFFSET: u64 = 0;
export const FS_APPLIED: u64 = 4;
export const FS_INSN_BUFFER: u64 = 8;
export const FSTATE_SIZE: u64 = 40;
