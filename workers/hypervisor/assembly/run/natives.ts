// Xen's lock and time entry points, answered natively when code calls them (runtime.ts lists
// why each is native). The lock is Xen's ticket lock in simulated memory, as
// xen/common/spinlock.c keeps it: a 32-bit word with head in the low half and tail in the high
// half; taking it is tail++, releasing it head++, it is held while head != tail. A debug build
// (CONFIG_DEBUG_LOCKS) also keeps the holder's CPU in the low 16 bits of the word after it
// (got_lock()/rel_lock()); a release build has no such word, so nothing is written there.
//
// Only one CPU runs code at a time in the simulator, so a lock that is held when _spin_lock()
// is called would never be released while the caller waits: Xen would spin forever. The call
// ends with outcome unknown (reason "deadlock") instead. Not modelled: check_lock()'s IRQ-safety
// latch and _spin_lock_irq()'s ASSERT that IRQs are on (debug-build BUGs), lock profiling.
import { cpuServiceArg, cpuIrqFlags, cpuSetIrqsEnabled, cpuRestoreIrqFlags } from "../cpu/api";
import { clockNow } from "../clock";
import { debugBuild } from "../xenlog";
import { permAt, permWritable } from "../memory";
import { readLe, readOk, writeInt } from "./mem";

export const SV_SPIN_LOCK: i32 = 10;
export const SV_SPIN_LOCK_CB: i32 = 11;
export const SV_SPIN_UNLOCK: i32 = 12;
export const SV_SPIN_TRYLOCK: i32 = 13;
export const SV_SPIN_IS_LOCKED: i32 = 14;
export const SV_SPIN_LOCK_IRQ: i32 = 15;
export const SV_SPIN_UNLOCK_IRQ: i32 = 16;
export const SV_SPIN_LOCK_IRQSAVE: i32 = 17;
export const SV_SPIN_UNLOCK_IRQRESTORE: i32 = 18;
export const SV_GET_S_TIME: i32 = 19;

export const LOCK_TIME_NAMES: string[] = [
  "_spin_lock", "_spin_lock_cb", "_spin_unlock", "_spin_trylock", "_spin_is_locked",
  "_spin_lock_irq", "_spin_unlock_irq", "_spin_lock_irqsave", "_spin_unlock_irqrestore", "get_s_time",
];
export const LOCK_TIME_IDS: i32[] = [
  SV_SPIN_LOCK, SV_SPIN_LOCK_CB, SV_SPIN_UNLOCK, SV_SPIN_TRYLOCK, SV_SPIN_IS_LOCKED,
  SV_SPIN_LOCK_IRQ, SV_SPIN_UNLOCK_IRQ, SV_SPIN_LOCK_IRQSAVE, SV_SPIN_UNLOCK_IRQRESTORE, SV_GET_S_TIME,
];

export function isLockOrTime(id: i32): bool {
  return id >= SV_SPIN_LOCK && id <= SV_GET_S_TIME;
}

export const NATIVE_RETURN: i32 = 0;
/** The run cannot go on: `reason` and `message` say why (outcome unknown). */
export const NATIVE_STOP: i32 = 1;
/** Xen's own code faults on the lock word at `faultAt`. */
export const NATIVE_FAULT: i32 = 2;

export class NativeOutcome {
  kind: i32 = NATIVE_RETURN;
  value: u64 = 0;
  reason: string = "";
  message: string = "";
  faultAt: u64 = 0;
  faultWrite: bool = false;
  /** The faulting page is mapped (a write to a read-only page). */
  faultPresent: bool = false;
}

/** SPINLOCK_NO_CPU: the debug word's CPU field of an unheld lock. */
const NO_CPU: u64 = 0xffff;

function hex(v: u64): string {
  return "0x" + v.toString(16);
}

function fault(o: NativeOutcome, at: u64, write: bool): NativeOutcome {
  o.kind = NATIVE_FAULT;
  o.faultAt = at;
  o.faultWrite = write;
  o.faultPresent = write && permAt(at) != 0 && !permWritable(permAt(at));
  return o;
}

function stop(o: NativeOutcome, reason: string, message: string): NativeOutcome {
  o.kind = NATIVE_STOP;
  o.reason = reason;
  o.message = message;
  return o;
}

function holderText(lock: u64): string {
  if (!debugBuild) return "";
  const c = readLe(lock + 4, 2);
  return readOk && c != NO_CPU ? " by CPU" + c.toString() : "";
}

/** The ticket word at `lock`, or -1 after recording the read fault in `o`. */
function tickets(o: NativeOutcome, lock: u64): i64 {
  const t = readLe(lock, 4);
  if (readOk) return <i64>t;
  fault(o, lock, false);
  return -1;
}

/** tail++ when the lock is free; a held lock is the deadlock. */
function take(o: NativeOutcome, lock: u64, cpu: i32, name: string): bool {
  const w = tickets(o, lock);
  if (w < 0) return false;
  const t = <u64>w;
  const head = t & 0xffff;
  const tail = (t >> 16) & 0xffff;
  if (head != tail) {
    const by = holderText(lock);
    const mine = by == " by CPU" + cpu.toString();
    let m = name + "(" + hex(lock) + ") on CPU" + cpu.toString() + ": the lock is held" + by + " (head " + head.toString() + ", tail " + tail.toString() + ")";
    m += mine ? ", taken twice on one CPU: Xen would spin here forever (a debug build's check_lock() BUGs first: \"CHECKLOCK FAILURE: lock at ... taken recursively\")" : "; no other CPU runs while this call waits, so Xen would spin here forever";
    stop(o, "deadlock", m);
    return false;
  }
  if (!writeInt(lock, (t & 0xffff) | (((tail + 1) & 0xffff) << 16), 4)) {
    fault(o, lock, true);
    return false;
  }
  if (debugBuild) writeInt(lock + 4, <u64>cpu, 2);
  return true;
}

/** head++ of a held lock. */
function release(o: NativeOutcome, lock: u64, cpu: i32, name: string): bool {
  const w = tickets(o, lock);
  if (w < 0) return false;
  const t = <u64>w;
  const head = t & 0xffff;
  if (head == ((t >> 16) & 0xffff)) {
    // a release build bumps head past tail and the lock is broken; a debug build's rel_lock() BUGs
    stop(o, "unmodelled", name + "(" + hex(lock) + ") on CPU" + cpu.toString() + ": the lock is not held");
    return false;
  }
  if (debugBuild) {
    const c = readLe(lock + 4, 2);
    if (readOk && c != <u64>cpu) {
      stop(o, "unmodelled", name + "(" + hex(lock) + ") on CPU" + cpu.toString() + ": held by CPU" + c.toString() + " (a debug build's rel_lock() BUGs)");
      return false;
    }
  }
  if (!writeInt(lock, (head + 1) & 0xffff, 2)) {
    fault(o, lock, true);
    return false;
  }
  if (debugBuild) writeInt(lock + 4, NO_CPU, 2);
  return true;
}

/** Runs native service `id` (isLockOrTime) with the stopped call's arguments on `cpu`. */
export function runNative(id: i32, cpu: i32, name: string): NativeOutcome {
  const o = new NativeOutcome();
  const lock = cpuServiceArg(0);
  if (id == SV_GET_S_TIME) {
    o.value = clockNow();
    return o;
  }
  if (id == SV_SPIN_IS_LOCKED || id == SV_SPIN_TRYLOCK) {
    const w = tickets(o, lock);
    if (w < 0) return o;
    const held = (w & 0xffff) != ((w >> 16) & 0xffff);
    if (id == SV_SPIN_IS_LOCKED) o.value = held ? 1 : 0;
    if (id == SV_SPIN_IS_LOCKED || held) return o;
    if (!take(o, lock, cpu, name)) return o;
    o.value = 1;
    return o;
  }
  if (id == SV_SPIN_LOCK || id == SV_SPIN_LOCK_CB) {
    take(o, lock, cpu, name);
    return o;
  }
  if (id == SV_SPIN_LOCK_IRQ || id == SV_SPIN_LOCK_IRQSAVE) {
    const flags = cpuIrqFlags();
    cpuSetIrqsEnabled(false);
    if (take(o, lock, cpu, name) && id == SV_SPIN_LOCK_IRQSAVE) o.value = flags;
    return o;
  }
  if (!release(o, lock, cpu, name)) return o;
  if (id == SV_SPIN_UNLOCK_IRQ) cpuSetIrqsEnabled(true);
  else if (id == SV_SPIN_UNLOCK_IRQRESTORE) cpuRestoreIrqFlags(cpuServiceArg(1));
  return o;
}
