// What the simulator must keep true at every step of a random scenario (invariants.fuzz.test.ts),
// checked cheaply enough for 100,000 runs:
//  - payloads only move CHECKED<->APPLIED, appear and disappear only as CHECKED, and the applied
//    ones behave as a stack;
//  - LIST's fetch agrees with the host's view, and payload_version moves by exactly the number of
//    payloads that appeared or went away;
//  - every change to Xen's text is reported by a write event, in order: each event's old bytes are
//    what the text held (a shadow copy kept from the events), a function's apply is taken back
//    only by that function's revert, which restores exactly what the apply found, and an x86
//    branch is a `jmp` to its target;
//  - the text differs from the image only inside live (applied, not yet reverted) writes, the
//    topmost write on each byte is what is there, and with nothing applied it is the image;
//  - at the end of a run, each live write belongs to an applied function as the payload's details
//    describe it (patch address, saved bytes, new_addr), and each applied function that saved
//    bytes has its live write.
// The simulated text is read whole and compared with the shadow after every step that reported a
// write, and at the end of every run. A step that reported none is not read: a change it made
// silently either stays until the end of the run (found there) or is overwritten by a later
// write, whose old bytes (read from memory by the simulator) then differ from the shadow.
import type { HypervisorHost, ListEntry } from "../../host/api.ts";
import type { LoggedEvent, PlacedFunc, WriteEvent } from "../../../../src/protocol/hypervisor.ts";
import { APPLIED, CHECKED, jmp } from "../harness.ts";

/** A write an apply made that no revert has taken back yet. */
interface LiveWrite {
  payload: string;
  func: number;
  /** Offset in Xen's text. */
  at: number;
  old: string;
  new: string;
  target: string | undefined;
}

export interface Baseline {
  list: ListEntry[];
  version: number;
}

/** A plain assertion: `expect` costs tens of microseconds a call, and these run millions of times. */
function ensure(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

export class RunChecker {
  /** Xen's text as the write events say it is now. */
  private readonly shadow: Uint8Array;
  /** Text offsets some write changed during this run. */
  private readonly touched = new Set<number>();
  /** Live writes in the order their applies happened. */
  private live: LiveWrite[] = [];
  private stack: string[] = [];
  private list: ListEntry[];
  private listText: string;
  private version: number;
  /** The list when payload_version was last read. */
  private versionList: ListEntry[];
  private seen: number;
  /** Writes in this run that a revert made. */
  restores = 0;

  /** `start`: the list and payload_version every run begins with (see `baseline`). */
  constructor(
    private readonly hv: HypervisorHost,
    private readonly textAddr: bigint,
    private readonly text: Uint8Array,
    private readonly x86: boolean,
    start: Baseline,
  ) {
    this.shadow = text.slice();
    this.list = this.versionList = start.list;
    this.listText = JSON.stringify(this.list);
    this.version = start.version;
    this.seen = hv.events().length;
  }

  /** What a run from the host as it is now starts with. */
  static baseline(hv: HypervisorHost): Baseline {
    return { list: hv.list(), version: hv.listOp(0, 0, 0, 0).version };
  }

  /** After each step of the run. */
  step(): void {
    const wrote = this.writes();
    const now = this.hv.list();
    const nowText = JSON.stringify(now);
    this.transitions(now);
    // LIST reports the same list and payload_version every time while neither changes; the
    // version is counted from one changed list to the next, so a bump in between is still caught.
    if (nowText !== this.listText) this.listHypercall(now);
    this.list = now;
    this.listText = nowText;
    if (wrote) this.memory();
    this.shape();
  }

  /** At the end of the run (after the last step's check). */
  end(): void {
    this.listHypercall(this.list, JSON.stringify(this.versionList) === this.listText);
    this.memory();
    this.shape();
    this.details();
  }

  private writes(): boolean {
    const log: readonly LoggedEvent[] = this.hv.events();
    let wrote = false;
    for (let k = this.seen; k < log.length; k++) {
      const e = log[k];
      if (e.kind !== "write") continue;
      this.write(e);
      wrote = true;
    }
    this.seen = log.length;
    return wrote;
  }

  private write(e: WriteEvent): void {
    const at = Number(BigInt(e.addr) - this.textAddr);
    const len = e.new.length / 2;
    const where = () => `${e.by} write of ${e.payload} func ${e.func.index} at ${e.addr}`;
    ensure(at >= 0 && at + len <= this.text.length && e.old.length === e.new.length, () => `${where()} (${len} bytes) is outside Xen's text`);
    const held = hexOf(this.shadow.subarray(at, at + len));
    ensure(e.old === held, () => `${where()}: old ${e.old}, but the text held ${held}`);
    if (e.by === "apply") {
      ensure(!this.live.some((w) => w.payload === e.payload && w.func === e.func.index), () => `${where()}: that function is already applied`);
      if (this.x86 && e.insn === "branch" && len === 5 && e.target) ensure(e.new === jmp(BigInt(e.addr), BigInt(e.target)), () => `${where()}: ${e.new} is not a jmp to ${e.target}`);
      this.live.push({ payload: e.payload ?? "", func: e.func.index, at, old: e.old, new: e.new, target: e.target });
    } else {
      const i = this.live.findIndex((w) => w.payload === e.payload && w.func === e.func.index);
      ensure(i >= 0, () => `${where()}: no live apply of that function`);
      const w = this.live[i];
      ensure(w.at === at && w.new.length === e.new.length && e.new === w.old, () => `${where()} puts back ${e.new}, its apply at +0x${w.at.toString(16)} found ${w.old}`);
      this.live.splice(i, 1);
      this.restores++;
    }
    Buffer.from(e.new, "hex").copy(this.shadow, at);
    for (let k = 0; k < len; k++) this.touched.add(at + k);
  }

  private transitions(now: ListEntry[]): void {
    // A crashed host answers no LIST: nothing moved, it just stopped. Its panic must name a rule
    // (payload code can crash Xen mid-revert, e.g. a hook's own BUG_ON).
    if (this.hv.halted()) {
      const panic = this.hv.events().findLast((e) => e.kind === "panic");
      ensure(panic?.kind === "panic" && this.hv.ruleIds().includes(panic.rule ?? ""), () => `halted without a panic naming a rule: ${JSON.stringify(panic)}`);
      return;
    }
    const before = new Map(this.list.map((e) => [e.name, e.state]));
    const after = new Map(now.map((e) => [e.name, e.state]));
    for (const [n, s] of before) if (!after.has(n)) ensure(s === CHECKED, () => `${n} vanished while APPLIED`);
    for (const [n, t] of after) {
      ensure(t === CHECKED || t === APPLIED, () => `${n} in state ${t}`);
      if (!before.has(n)) ensure(t === CHECKED, () => `${n} appeared APPLIED`);
    }
    // Stack discipline: the surviving applied payloads are a prefix of the old stack.
    const applied = new Set(now.filter((e) => e.state === APPLIED).map((e) => e.name));
    let keep = 0;
    while (keep < this.stack.length && applied.has(this.stack[keep])) keep++;
    for (let i = keep; i < this.stack.length; i++) ensure(!applied.has(this.stack[i]), () => `${this.stack[i]} reverted out of order`);
    this.stack.length = keep;
    for (const e of now) if (e.state === APPLIED && !this.stack.includes(e.name)) this.stack.push(e.name);
  }

  /** `fetched`: this list's LIST fetch was already compared; only payload_version is read again. */
  private listHypercall(now: ListEntry[], fetched = false): void {
    if (this.hv.halted()) return;
    const probe = this.hv.listOp(0, 0, 0, 0);
    if (!fetched) {
      const got = this.hv.listOp(0, 1024, probe.nameTotal, probe.metaTotal);
      const seen = JSON.stringify(got.entries.map(({ name, state, rc, metadata }) => ({ name, state, rc, metadata })));
      ensure(got.rc === now.length && seen === JSON.stringify(now), () => `LIST fetch ${got.rc} ${seen} != ${JSON.stringify(now)}`);
    }
    const names = new Set(now.map((e) => e.name));
    const was = new Set(this.versionList.map((e) => e.name));
    let moved = 0;
    for (const n of was) if (!names.has(n)) moved++;
    for (const n of names) if (!was.has(n)) moved++;
    ensure(probe.version - this.version === moved, () => `payload_version ${this.version} -> ${probe.version} with ${moved} arrival(s)/departure(s)`);
    this.version = probe.version;
    this.versionList = now;
  }

  /** The simulated text is the shadow, byte for byte. */
  private memory(): void {
    const mem = this.hv.peekMemory(this.textAddr, this.text.length);
    ensure(mem !== null, () => "Xen's text is unmapped");
    if (Buffer.from(mem!.buffer, mem!.byteOffset, mem!.length).equals(this.shadow)) return;
    let i = 0;
    while (mem![i] === this.shadow[i]) i++;
    throw new Error(`text byte at +0x${i.toString(16)} is ${mem![i].toString(16)}, but the write events leave ${this.shadow[i].toString(16)} there`);
  }

  /** Where the shadow may differ from the image, and what the topmost live write leaves. */
  private shape(): void {
    for (const at of this.touched) {
      if (this.shadow[at] === this.text[at]) continue;
      ensure(this.live.some((w) => at >= w.at && at < w.at + w.new.length / 2), () => `text byte at +0x${at.toString(16)} changed outside any applied function`);
    }
    for (let i = 0; i < this.live.length; i++) {
      const w = this.live[i];
      for (let k = 0; k < w.new.length / 2; k++) {
        const at = w.at + k;
        if (this.live.some((u, j) => j > i && at >= u.at && at < u.at + u.new.length / 2)) continue;
        const want = parseInt(w.new.slice(2 * k, 2 * k + 2), 16);
        ensure(this.shadow[at] === want, () => `text byte at +0x${at.toString(16)} is not the top write of ${w.payload} func ${w.func}`);
      }
    }
    if (this.stack.length === 0 && !this.hv.halted()) {
      ensure(this.live.length === 0, () => `nothing is applied, but ${this.live.length} write(s) were never taken back`);
      for (const at of this.touched) ensure(this.shadow[at] === this.text[at], () => `nothing is applied, but the text at +0x${at.toString(16)} is not the image's`);
    }
  }

  /** Live writes against what the payloads' details say was applied. */
  private details(): void {
    const names = new Set([...this.live.map((w) => w.payload), ...this.list.filter((e) => e.state === APPLIED).map((e) => e.name)]);
    const halted = this.hv.halted();
    for (const name of names) {
      const d = this.hv.payload(name);
      ensure(d !== null, () => `${name} has live writes but no details`);
      if (!halted) ensure(d!.state === "APPLIED" || !this.live.some((w) => w.payload === name), () => `${name} is ${d!.state} with live writes`);
      d!.funcs.forEach((f: PlacedFunc, i: number) => {
        const w = this.live.find((x) => x.payload === name && x.func === i);
        const at = Number(BigInt(f.oldAddr) + BigInt(f.patchOffset) - this.textAddr);
        if (w) {
          ensure(f.applied && at === w.at && f.saved === w.old, () => `${name} func ${i}: details (applied ${f.applied}, +0x${at.toString(16)}, saved ${f.saved}) differ from its write (+0x${w.at.toString(16)}, ${w.old})`);
          if (w.target !== undefined) ensure(BigInt(w.target) === BigInt(f.newAddr), () => `${name} func ${i}: branch to ${w.target}, new_addr ${f.newAddr}`);
        } else ensure(!f.applied || f.saved === "", () => `${name} func ${i} is applied with saved bytes ${f.saved}, but no write put its patch there`);
      });
    }
  }
}
