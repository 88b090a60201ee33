// The running Xen around the interpreter: which of the image's functions run natively (chosen by
// symbol name), the exception tables of Xen and of every loaded payload, and the per-CPU stacks.
//
// Natively modelled, because each needs hardware or other CPUs the simulator does not have:
//   printk   the console: a UART and the console ring (formatting is Xen's vsnprintf, run/vsprintf.ts)
//   panic    stops every CPU and reboots the machine (the simulator's panic path, halt.ts)
//   revert_payload, revert_payload_tail
//            xen/common/livepatch.c, called by a hook that reverts by hand: they rewrite Xen's text
//            under arch_livepatch_quiesce() (x86: relaxed page permissions; ARM: a writable alias), which the
//            simulator models in do_action.ts; the hook's call goes there, with the same effects
//            (console line, restored bytes, fstate, unload hooks, the applied list)
//   _spin_lock, _spin_lock_cb, _spin_trylock, _spin_unlock, _spin_is_locked
//            xen/common/spinlock.c: waiting for a ticket is waiting for another CPU, and only one
//            CPU runs code at a time here; the ticket word in memory is Xen's (run/natives.ts), and
//            a lock already held when taken is reported as a deadlock instead of spinning
//   _spin_lock_irq, _spin_unlock_irq, _spin_lock_irqsave, _spin_unlock_irqrestore
//            the same locks plus the IRQ flag of the calling CPU (RFLAGS.IF / DAIF.I), which
//            these out-of-line calls change for their caller
//   get_s_time (NOW())
//            system time comes from the TSC / generic timer scaled per CPU; here it is the
//            simulator's virtual clock in ns since boot (clock.ts)
// IRQ masking itself (local_irq_save() and friends) is inline code, so the interpreter runs it.
// Everything else the paths run is the image's own code: the version functions, strncmp and
// xen_build_id_check at boot, every payload hook, and whatever they call.
import { arch, ARCH_X86_64, imageSymbolCount, imageAddrOf } from "../image";
import { payloads } from "../payload";
import { mapRange, isMapped, PERM_RW } from "../memory";
import { cpuAddService, cpuClearServices } from "../cpu/api";
import { serviceAt } from "../cpu/services";
import { resetExTables, addExTable } from "../cpu/extable";
import { resetHeap } from "./heap";
import { resetPrintk } from "./printk";
import { resetSymbolize, xenTextStart, xenTextEnd } from "./symbolize";
import { stackBase, STACK_SIZE } from "./layout";
import { LOCK_TIME_NAMES, LOCK_TIME_IDS } from "./natives";

export const SV_PRINTK: i32 = 1;
export const SV_PANIC: i32 = 2;
export const SV_REVERT_PAYLOAD: i32 = 3;
export const SV_REVERT_PAYLOAD_TAIL: i32 = 4;

const NATIVE_NAMES: string[] = ["printk", "panic", "revert_payload", "revert_payload_tail"].concat(LOCK_TIME_NAMES);
const NATIVE_IDS: i32[] = [SV_PRINTK, SV_PANIC, SV_REVERT_PAYLOAD, SV_REVERT_PAYLOAD_TAIL].concat(LOCK_TIME_IDS);

/** The symbol a native service id answers for. */
export function nativeName(id: i32): string {
  const i = NATIVE_IDS.indexOf(id);
  return i < 0 ? "native service " + id.toString() : NATIVE_NAMES[i];
}

let registeredFor: i32 = -1;
let probeAddr: u64 = 0;
let probeId: i32 = 0;

/** Bumped by every boot, so state kept per boot (the build-id init) is redone. */
export let bootEpoch: u32 = 0;

/** Called by boot(): a new image, a new heap, nothing printed yet. */
export function resetRuntime(): void {
  bootEpoch++;
  registeredFor = -1;
  probeAddr = 0;
  resetHeap();
  resetPrintk();
  resetSymbolize();
}

/** The native services by the image's symbols (again when the table changed or was cleared). */
function registerServices(): void {
  const n = imageSymbolCount();
  if (registeredFor == n && (probeAddr == 0 || serviceAt(probeAddr) == probeId)) return;
  cpuClearServices();
  probeAddr = 0;
  for (let i = 0; i < NATIVE_NAMES.length; i++) {
    const a = imageAddrOf(NATIVE_NAMES[i]);
    if (a == 0) continue;
    cpuAddService(a, NATIVE_IDS[i]);
    probeAddr = a;
    probeId = NATIVE_IDS[i];
  }
  registeredFor = n;
}

/**
 * Exception tables as Xen's search_exception_table() sees them: its own (.text with
 * __start___ex_table..__stop___ex_table) and each loaded payload's .ex_table over its text.
 * x86 only: ARM has no exception tables (CONFIG_HAS_EX_TABLE).
 */
function syncExTables(): void {
  resetExTables();
  if (arch != ARCH_X86_64) return;
  const ts = xenTextStart();
  const te = xenTextEnd();
  const s = imageAddrOf("__start___ex_table");
  const e = imageAddrOf("__stop___ex_table");
  if (ts != 0 && te > ts && s != 0 && e > s) addExTable(ts, te, s, e);
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    for (let j = 0; j < p.placed.length; j++) {
      const sec = p.placed[j];
      if (sec.name == ".ex_table" && sec.size > 0) addExTable(p.textAddr, p.textAddr + p.textSize, sec.addr, sec.addr + sec.size);
    }
  }
}

/** Makes everything a call on `cpu` needs ready. */
export function ensureRuntime(cpu: i32): void {
  registerServices();
  syncExTables();
  const base = stackBase(cpu);
  if (!isMapped(base, STACK_SIZE)) mapRange(base, STACK_SIZE, PERM_RW);
}
