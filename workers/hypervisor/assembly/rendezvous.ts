// Carrying out an action on the virtual clock (schedule_work(), do_livepatch_work() and
// livepatch_spin() in xen/common/livepatch.c). The hypercall CPU (CPU 0)
// reaches its idle loop, runs its livepatch tasklet and wins the master election; it masks NMIs,
// kicks every other online CPU and sets ONE deadline for both quiesce phases. Phase "CPU": each
// other CPU arrives when it reaches idle (its scenario delay). Phase "IRQ": each disables IRQs
// and checks in. Then the master runs the action. Missing the deadline in either phase gives
// status rc -EBUSY, patches nothing and runs no post hook.
import { EBUSY } from "./errno";
import { begin, end, fStr, fInt, fInts, fU64, fBool, consoleLine, LEVEL_ERR, LEVEL_INFO } from "./events";
import { fail, failPrinted, report } from "./diag";
import * as R from "./rules";
import { clockNow, clockSet } from "./clock";
import { cpuCount } from "./image";
import { Payload, HOOK_POSTAPPLY, HOOK_POSTREVERT } from "./payload";
import { isHalted } from "./halt";
import { runPostHook, hookEnabled } from "./hooks";
import { dprintk } from "./xenlog";
import { runAction, cmdName, CMD_APPLY, CMD_REVERT } from "./actions";
import { nmiArrives } from "./nmi";
import { takeDelay, takeIrqDelay, resetStalls, MAX_CPUS } from "./stalls";

export { setDelay, setStall, clearStall, STALL_IDLE, STALL_IRQ } from "./stalls";

export { MAX_CPUS } from "./stalls";
const DEFAULT_TIMEOUT_NS: u64 = 30_000_000;
const Q_MASTER_IDLE: i32 = 1;
const Q_CPU_ARRIVE: i32 = 2;
const Q_IRQ_ACK: i32 = 3;
const Q_DEADLINE: i32 = 4;
const Q_NMI: i32 = 5;

class Step {
  t: u64;
  seq: u32;
  kind: i32;
  cpu: i32;
  gen: u32;
  /** NMIs only: the comma-separated symbols do_nmi's path goes through. */
  path: string = "";
  constructor(t: u64, seq: u32, kind: i32, cpu: i32, gen: u32) {
    this.t = t;
    this.seq = seq;
    this.kind = kind;
    this.cpu = cpu;
    this.gen = gen;
  }
}

let queue: Step[] = [];
let seq: u32 = 0;
let gen: u32 = 0;

// livepatch_work
let doWork: bool = false;
let workPayload: Payload | null = null;
let workCmd: i32 = 0;
let workTimeout: u64 = 0;
let masterRunning: bool = false;
let ready: bool = false;
let semaphore: i32 = -1;
let expected: i32 = 0;
let deadline: u64 = 0;
let nmiMasked: bool = false;
let arrived: bool[] = [];
let irqAcked: bool[] = [];
export function resetRendezvous(): void {
  resetStalls();
  queue = [];
  seq = 0;
  gen = 0;
  doWork = false;
  workPayload = null;
  masterRunning = false;
  ready = false;
  semaphore = -1;
  nmiMasked = false;
  arrived = new Array<bool>(MAX_CPUS);
  irqAcked = new Array<bool>(MAX_CPUS);
  for (let i = 0; i < MAX_CPUS; i++) {
    arrived[i] = false;
    irqAcked[i] = false;
  }
}

function push(t: u64, kind: i32, cpu: i32): Step {
  const s = new Step(t, seq++, kind, cpu, gen);
  queue.push(s);
  return s;
}

function later(delta: u64): u64 {
  const n = clockNow();
  return n + delta < n ? u64.MAX_VALUE : n + delta;
}

export function onlineCpus(): i32 {
  return cpuCount > MAX_CPUS ? MAX_CPUS : cpuCount;
}

export function isWorkScheduledFor(p: Payload): bool {
  return doWork && workPayload === p;
}

export function isBusy(): bool {
  return doWork;
}

function workName(): string | null {
  return workPayload === null ? null : workPayload!.name;
}

/** Starts a `rendezvous` event of `phase` on the master; the caller adds its fields and ends it. */
function rv(phase: string): void {
  begin("rendezvous", 0, workName());
  fStr("phase", phase);
}

/** A `cpu-phase` event; `arrived` < 0 leaves the count out. */
function cpuPhase(cpu: i32, phase: string, arrivedNow: i32 = -1, quiesce: string = ""): void {
  begin("cpu-phase", cpu, workName());
  fStr("phase", phase);
  if (arrivedNow >= 0) {
    fInt("arrived", arrivedNow);
    fInt("cpus", expected);
  }
  if (quiesce.length > 0) fStr("quiesce", quiesce);
  end();
}

/** schedule_work: one global slot. The caller has already set status rc to -EAGAIN. */
export function scheduleWork(p: Payload, cmd: i32, timeoutNs: u32): i32 {
  if (doWork) {
    fail(R.R_PENDING, EBUSY, "", "another action is pending; status rc stays -EAGAIN although nothing is scheduled; Xen returns -EBUSY without a message");
    report(p.name, cmdName(cmd), "hypercall");
    return -EBUSY;
  }
  gen++;
  doWork = true;
  workPayload = p;
  workCmd = cmd;
  workTimeout = timeoutNs == 0 ? DEFAULT_TIMEOUT_NS : <u64>timeoutNs;
  semaphore = -1;
  ready = false;
  masterRunning = false;
  for (let i = 0; i < MAX_CPUS; i++) {
    arrived[i] = false;
    irqAcked[i] = false;
  }
  dprintk(p.name, "common/livepatch.c", 1747, "livepatch: " + p.name + ": timeout is " + workTimeout.toString() + "ns");
  const d = takeDelay(0);
  push(later(d), Q_MASTER_IDLE, 0);
  rv("scheduled");
  fStr("action", cmdName(cmd));
  fU64("masterDelay", d);
  fU64("timeout", workTimeout);
  end();
  return 0;
}

function masterStart(): void {
  semaphore = 0;
  masterRunning = true;
  nmiMasked = true;
  expected = onlineCpus() - 1;
  deadline = later(workTimeout);
  cpuPhase(0, "master", -1);
  const name = workPayload!.name;
  if (expected > 0) dprintk(name, "common/livepatch.c", 1855, "livepatch: " + name + ": CPU0 - IPIing the other " + expected.toString() + " CPUs");
  rv("master");
  fU64("deadline", deadline);
  fU64("timeout", workTimeout);
  fInt("cpus", expected);
  end();
  for (let i = 1; i <= expected; i++) push(later(takeDelay(i)), Q_CPU_ARRIVE, i);
  push(deadline, Q_DEADLINE, 0);
  if (expected == 0) cpuPhaseDone();
}

function cpuPhaseDone(): void {
  semaphore = 0;
  ready = true;
  rv("cpu-phase-done");
  fInt("cpus", expected);
  end();
  if (expected == 0) {
    irqPhaseDone();
    return;
  }
  for (let i = 1; i <= expected; i++) push(later(takeIrqDelay(i)), Q_IRQ_ACK, i);
}

function irqPhaseDone(): void {
  const p = workPayload!;
  rv("irq-phase-done");
  fStr("action", cmdName(workCmd));
  end();
  runAction(p, workCmd, 0);
  if (isHalted()) {
    doWork = false;
    queue = [];
    return;
  }
  finish(true);
}

function finish(actionDone: bool): void {
  const p = workPayload!;
  nmiMasked = false;
  doWork = false;
  masterRunning = false;
  for (let i = 1; i <= expected; i++) {
    // A CPU stalled before disabling IRQs is not spinning; it finds do_work clear when it resumes.
    if (arrived[i] && (!ready || irqAcked[i])) cpuPhase(i, "release");
  }
  if (actionDone) {
    if (workCmd == CMD_APPLY && hookEnabled(p, HOOK_POSTAPPLY, 0)) runPostHook(p, HOOK_POSTAPPLY, 0);
    if (workCmd == CMD_REVERT && hookEnabled(p, HOOK_POSTREVERT, 0)) runPostHook(p, HOOK_POSTREVERT, 0);
    if (isHalted()) return;
  }
  // do_livepatch_work(): "%s finished %s with rc=%d"
  consoleLine(p.name, "livepatch: " + p.name + " finished " + cmdName(workCmd) + " with rc=" + p.rc.toString(), LEVEL_INFO, 0);
  rv("done");
  fStr("action", cmdName(workCmd));
  fInt("statusRc", p.rc);
  fBool("actionRan", actionDone);
  end();
}

function onArrive(cpu: i32, stale: bool): void {
  if (stale || !doWork || clockNow() >= deadline) {
    cpuPhase(cpu, "late", -1, "CPU");
    return;
  }
  arrived[cpu] = true;
  semaphore++;
  cpuPhase(cpu, "cpu", semaphore);
  if (semaphore == expected) cpuPhaseDone();
}

function onIrqAck(cpu: i32): void {
  if (!doWork || clockNow() >= deadline) {
    if (arrived[cpu] && !irqAcked[cpu]) cpuPhase(cpu, "late", -1, "IRQ");
    return;
  }
  irqAcked[cpu] = true;
  semaphore++;
  cpuPhase(cpu, "irq", semaphore);
  if (semaphore == expected) irqPhaseDone();
}

function onDeadline(): void {
  if (!doWork) return;
  const p = workPayload!;
  const phase = ready ? "IRQ" : "CPU";
  // livepatch_spin(): "%s: Timed out on semaphore in %s quiesce phase %u/%u"
  const line = "livepatch: " + p.name + ": Timed out on semaphore in " + phase + " quiesce phase " + semaphore.toString() + "/" + expected.toString();
  consoleLine(p.name, line, LEVEL_ERR, 0);
  const late: i32[] = [];
  for (let i = 1; i <= expected; i++) {
    if ((!ready && !arrived[i]) || (ready && !irqAcked[i])) {
      late.push(i);
      cpuPhase(i, "missed", -1, phase);
    }
  }
  p.rc = -EBUSY;
  rv("timeout");
  fStr("quiesce", phase);
  fInt("arrived", semaphore);
  fInt("cpus", expected);
  fInts("late", late);
  fInt("statusRc", -EBUSY);
  end();
  failPrinted(R.R_TIMEOUT, EBUSY, line, "CPU" + late.join(", CPU") + " missed the deadline");
  report(p.name, cmdName(workCmd), "status");
  finish(false);
}

function onNmi(cpu: i32, path: string): void {
  nmiArrives(cpu, nmiMasked, workPayload, workCmd, path);
}

export function injectNmiNow(cpu: i32, path: string = ""): void {
  if (isHalted() || cpu < 0 || cpu >= onlineCpus()) return;
  onNmi(cpu, path);
}

export function scheduleNmiAt(cpu: i32, delta: u64, path: string = ""): void {
  if (isHalted() || cpu < 0 || cpu >= onlineCpus()) return;
  push(later(delta), Q_NMI, cpu).path = path;
}

function nextIndex(limit: u64): i32 {
  let best = -1;
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i];
    if (s.t > limit) continue;
    if (best < 0) best = i;
    else {
      const b = queue[best];
      if (s.t < b.t || (s.t == b.t && s.seq < b.seq)) best = i;
    }
  }
  return best;
}

/** Runs every step due up to now + ns, in time order, then sets the clock to now + ns. */
export function advanceClock(ns: u64): void {
  const target = later(ns);
  while (!isHalted()) {
    const i = nextIndex(target);
    if (i < 0) break;
    const s = queue[i];
    queue.splice(i, 1);
    clockSet(s.t);
    const stale = s.gen != gen;
    if (s.kind == Q_NMI) onNmi(s.cpu, s.path);
    else if (s.kind == Q_CPU_ARRIVE) onArrive(s.cpu, stale);
    else if (stale) continue;
    else if (s.kind == Q_MASTER_IDLE) {
      if (doWork && !masterRunning) masterStart();
    } else if (s.kind == Q_IRQ_ACK) onIrqAck(s.cpu);
    else if (s.kind == Q_DEADLINE) onDeadline();
  }
  clockSet(target);
}
