// The scenario's timing knobs for the rendezvous: how long each CPU takes to reach its idle loop
// (the CPU quiesce phase) and to disable IRQs once `ready` is set (the IRQ quiesce phase), as
// one-shot or persistent stalls, and the default timing otherwise.
export const MAX_CPUS: i32 = 64;

/** The hypercall CPU leaves the guest and reaches idle quickly by default. */
const MASTER_IDLE_NS: u64 = 20_000;
/** Others: 0.1 ms to just under 2 ms, spread deterministically by CPU number. */
function defaultIdleDelay(cpu: i32): u64 {
  return 100_000 + <u64>((cpu * 7) % 20) * 95_000;
}
/** A parked CPU sees `ready` and disables IRQs within a few hundred ns. */
function irqLatency(cpu: i32): u64 {
  return 400 + <u64>cpu * 25;
}

// Scenario stalls per CPU, in ns (-1 = none): one-shot ones are used by the next rendezvous
// only; persistent ones by every rendezvous until cleared. One-shot wins when both are set.
let delays: i64[] = [];
let irqDelays: i64[] = [];
let stickyIdle: i64[] = [];
let stickyIrq: i64[] = [];

export function resetStalls(): void {
  delays = new Array<i64>(MAX_CPUS);
  irqDelays = new Array<i64>(MAX_CPUS);
  stickyIdle = new Array<i64>(MAX_CPUS);
  stickyIrq = new Array<i64>(MAX_CPUS);
  for (let i = 0; i < MAX_CPUS; i++) {
    delays[i] = -1;
    irqDelays[i] = -1;
    stickyIdle[i] = -1;
    stickyIrq[i] = -1;
  }
}

function clampNs(ns: u64): i64 {
  return ns > <u64>i64.MAX_VALUE ? i64.MAX_VALUE : <i64>ns;
}

export function setDelay(cpu: i32, ns: u64): void {
  if (cpu < 0 || cpu >= MAX_CPUS) return;
  delays[cpu] = clampNs(ns);
}

export const STALL_IDLE: i32 = 0;
export const STALL_IRQ: i32 = 1;

/**
 * A stall of `ns` on `cpu`: in the idle phase it is the time to reach the idle loop (like
 * setDelay); in the IRQ phase the time from `ready` to disabling IRQs. One-shot stalls apply to
 * the next rendezvous only; persistent ones to every rendezvous until cleared.
 */
export function setStall(cpu: i32, ns: u64, phase: i32, persistent: bool): void {
  if (cpu < 0 || cpu >= MAX_CPUS) return;
  const v = clampNs(ns);
  if (phase == STALL_IRQ) {
    if (persistent) stickyIrq[cpu] = v;
    else irqDelays[cpu] = v;
  } else if (persistent) stickyIdle[cpu] = v;
  else delays[cpu] = v;
}

/** Forgets every stall of `cpu` in `phase` (-1: both), one-shot and persistent. */
export function clearStall(cpu: i32, phase: i32): void {
  if (cpu < 0 || cpu >= MAX_CPUS) return;
  if (phase != STALL_IRQ) {
    delays[cpu] = -1;
    stickyIdle[cpu] = -1;
  }
  if (phase != STALL_IDLE) {
    irqDelays[cpu] = -1;
    stickyIrq[cpu] = -1;
  }
}

/** The scenario's one-shot delay for `cpu`, else its persistent one, else its default. */
export function takeDelay(cpu: i32): u64 {
  const d = delays[cpu];
  if (d >= 0) {
    delays[cpu] = -1;
    return <u64>d;
  }
  if (stickyIdle[cpu] >= 0) return <u64>stickyIdle[cpu];
  return cpu == 0 ? MASTER_IDLE_NS : defaultIdleDelay(cpu);
}

export function takeIrqDelay(cpu: i32): u64 {
  const d = irqDelays[cpu];
  if (d >= 0) {
    irqDelays[cpu] = -1;
    return <u64>d;
  }
  if (stickyIrq[cpu] >= 0) return <u64>stickyIrq[cpu];
  return irqLatency(cpu);
}

