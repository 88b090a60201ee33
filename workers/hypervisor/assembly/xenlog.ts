// How Xen prints: its printk formats (%p, %#x, %*phN), the debug-build dprintk lines, and the
// fatal faults that bring the host down when Xen dereferences a bad pointer. A release build is
// the default; a debug build (CONFIG_DEBUG) also prints every dprintk, prefixed with the source
// file and line as xen/include/xen/lib.h's dprintk() does.
import { consoleLine, LEVEL_DEBUG } from "./events";
import { arch, ARCH_X86_64, is64 } from "./image";
import { hex } from "./fmt";
import { panic } from "./halt";
import { memRead, firstUnmapped } from "./memory";

export let debugBuild: bool = false;

export function setDebugBuild(on: bool): void {
  debugBuild = on;
}

/** `%p`: the pointer zero-padded to its width, no prefix (xen/common/vsprintf.c pointer()). */
export function ptr(v: u64): string {
  return hex(is64() ? v : <u64>(<u32>v), is64() ? 16 : 8);
}

/** `%#x` / `%#lx`: "0x" and the digits, or a bare "0" (xen/common/vsprintf.c number(), SPECIAL). */
export function hexAlt(v: u64): string {
  return v == 0 ? "0" : "0x" + hex(v);
}

/** A debug-build dprintk(XENLOG_DEBUG, ...) from `file` at `line`; nothing in a release build. */
export function dprintk(payload: string | null, file: string, line: i32, msg: string): void {
  if (debugBuild) consoleLine(payload, file + ":" + line.toString() + ": " + msg, LEVEL_DEBUG, 0);
}

/**
 * Xen reads `addr`, which is not mapped, in hypervisor context: the fatal fault's panic.
 * x86: do_page_fault() (xen/arch/x86/traps.c) panics "FATAL PAGE FAULT" (error code 0 for a
 * read, 2 for a write). ARM: do_trap_hyp_sync() (xen/arch/arm/traps.c) reaches
 * do_unexpected_trap("Data Abort").
 */
export function fatalFault(cpu: i32, payload: string | null, addr: u64, write: bool, rule: i32, explanation: string): void {
  let message: string;
  if (arch == ARCH_X86_64) message = "FATAL PAGE FAULT\n[error_code=" + (write ? "0002" : "0000") + "]\nFaulting linear address: " + ptr(addr);
  else message = "CPU" + cpu.toString() + ": Unexpected Trap: Data Abort";
  panic(cpu, payload, message, rule, explanation);
}

/**
 * What Xen reads at [addr, addr+len): the bytes, or null after the host went down faulting on
 * the first unmapped byte.
 */
export function xenRead(addr: u64, len: i32, payload: string | null, rule: i32, explanation: string, cpu: i32 = 0): Uint8Array | null {
  const b = memRead(addr, len);
  if (b === null) fatalFault(cpu, payload, firstUnmapped(addr, <u64>len), false, rule, explanation);
  return b;
}
