// The running Xen around the interpreter: which of the image's functions run natively (chosen by
// symbol name), the exception tables of Xen and of every loaded payload, and the per-CPU stacks.
//
// Natively modelled, because each needs hardware the simulator does not have:
//   printk   the console: a UART and the console ring (formatting is Xen's vsnprintf, run/vsprintf.ts)
//   panic    stops every CPU and reboots the machine (the simulator's panic path, halt.ts)
//   revert_payload, revert_payload_tail
//            xen/common/livepatch.c, called by a hook that reverts by hand: they rewrite Xen's text
//            under arch_livepatch_quiesce() (page tables, CR0.WP / a writable alias), which the
//            simulator models in do_action.ts; the hook's call goes there, with the same effects
//            (console line, restored bytes, fstate, unload hooks, the applied list)
// Everything else the paths run is the image's own code: the version functions, strncmp and
// xen_build_id_check at boot, every payload hook, and whatever they call.
import { arch, ARCH_X86_64, imageFind, imageSymAddr, imageSymbolCount } from "../image";
import { payloads } from "../payload";
import { mapRange, isMapped, PERM_RW } from "../memory";
import { cpuAddService, cpuClearServices } from "../cpu/api";
import { serviceAt } from "../cpu/services";
import { resetExTables, addExTable } from "../cpu/extable";
import { resetHeap } from "./heap";
import { resetPrintk } from "./printk";
import { resetSymbolize, xenTextStart, xenTextEnd } from "./symbolize";
import { stackBase, STACK_SIZE } from "./layout";

export const SV_PRINTK: i32 = 1;
export const SV_PANIC: i32 = 2;
export const SV_REVERT_PAYLOAD: i32 = 3;
export const SV_REVERT_PAYLOAD_TAIL: i32 = 4;

const NATIVE_NAMES: string[] = ["printk", "panic", "revert_payload", "revert_payload_tail"];
const NATIVE_IDS: i32[] = [SV_PRINTK, SV_PANIC, SV_REVERT_PAYLOAD, SV_REVERT_PAYLOAD_TAIL];

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

function symAt(name: string): u64 {
  const i = imageFind(name);
  return i < 0 ? 0 : imageSymAddr(i);
}

/** The native services by the image's symbols (again when the table changed or was cleared). */
function registerServices(): void {
  const n = imageSymbolCount();
  if (registeredFor == n && (probeAddr == 0 || serviceAt(probeAddr) == probeId)) return;
  cpuClearServices();
  probeAddr = 0;
  for (let i = 0; i < NATIVE_NAMES.length; i++) {
    const a = symAt(NATIVE_NAMES[i]);
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
  const s = symAt("__start___ex_table");
  const e = symAt("__stop___ex_table");
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
