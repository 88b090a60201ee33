// The hypervisor API as the page and the CLI see it (the contract in src/protocol/hypervisor.ts)
// over the wasm's generated bindings: bigint for u64, decoded events, plain objects.
// Environment-neutral: the caller supplies a compiled WebAssembly.Module (fetched in the browser,
// read from disk in Node).
//
// A wasm trap is a simulator bug, never a result. When one happens the instance is thrown away,
// a fresh one is booted from the same image (boot, symbols and memory are recorded for that),
// and the call throws `HypervisorTrapError` so the caller can say so and carry on.
import { instantiate } from "../build/hypervisor.js";
import { decodeEvents } from "../../../src/protocol/events.ts";
import { decodeName } from "../../../src/livepatch/label.ts";
import { captureInstance, restoreInstance, snapshotGlobals, type InstanceState } from "./snapshot.ts";
import type { CallResult, DependsTarget, HypervisorApi, LoggedEvent, PatchPreview, PayloadDetails, TornResult, XlInfo } from "../../../src/protocol/hypervisor.ts";
import {
  ARCH_CODE,
  DEFAULT_TIMEOUT_NS,
  HOOK_KINDS,
  HOOK_MARKS,
  STALL_PHASE_CODE,
  type ListEntry,
  type ListOpResult,
  type Arch,
  type BootSpec,
  type MemPerm,
  type XenSymbol,
} from "./types.ts";

export * from "./types.ts";
export type { HypervisorApi } from "../../../src/protocol/hypervisor.ts";

/** The wasm's exports, as asc's generated bindings (build/hypervisor.d.ts) type them. */
export type WasmExports = Awaited<ReturnType<typeof instantiate>>;

/** The hypervisor with what only tests use: zero-copy reads and whole-state snapshots. */
export interface HypervisorHost extends HypervisorApi {
  /**
   * readMemory without the copy out of the wasm: a view of the simulator's own buffer, valid only
   * until the next call into the hypervisor (which may reuse or move that memory).
   */
  peekMemory(addr: bigint, len: number): Uint8Array | null;
  /**
   * The whole simulator state now (wasm memory and globals, the host's symbols, recording and
   * event log). Needs a module compiled from `exportMutableGlobals` (./snapshot.ts); throws otherwise.
   * `headroom` (default 1 MiB) is freed inside the wasm first, so that runs from the snapshot seldom
   * grow its memory, which makes the next restore start a fresh instance.
   */
  snapshot(opts?: { headroom?: number }): HypervisorSnapshot;
  /** Back to `snap`, as if nothing had run since it was taken. */
  restore(snap: HypervisorSnapshot): Promise<void>;
}

export interface HypervisorSnapshot {
  readonly instance: InstanceState;
  readonly recording: readonly Recorded[];
  readonly bootSpec: BootSpec | null;
  readonly cpuCount: number;
  readonly symbols: ReadonlyMap<string, XenSymbol>;
  readonly log: readonly LoggedEvent[];
}

// The simulated Xen keeps every name as Xen does, as bytes (the wasm reads a payload's strings
// one byte per character), and its own words are ASCII. So a name goes in as its UTF-8 bytes and
// everything the wasm says comes out decoded as UTF-8: a non-ASCII name reads as the parser reads
// it, and a payload's symbol matches the image's symbol of the same bytes.
const utf8 = new TextEncoder();

/** `s` as the bytes Xen would hold, one character per byte. */
export function toXen(s: string): string {
  if (/^\p{ASCII}*$/u.test(s)) return s;
  let out = "";
  for (const b of utf8.encode(s)) out += String.fromCharCode(b);
  return out;
}

/**
 * What the wasm wrote (one character per byte), decoded as UTF-8, a byte that is not UTF-8 kept
 * as decodeName() keeps it (escapeName() spells it \xNN): a replacement character would lose it.
 */
export function fromXen(s: string): string {
  if (!/[\x80-\xff]/.test(s) || /[^\p{ASCII}\x80-\xff]/u.test(s)) return s;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return decodeName(bytes);
}

/** Every string inside a decoded event, decoded as UTF-8 in place (fromXen()). */
function fromXenDeep(o: object): void {
  const bag = o as Record<string, unknown>;
  for (const k of Object.keys(bag)) {
    const v = bag[k];
    if (typeof v === "string") bag[k] = fromXen(v);
    else if (v !== null && typeof v === "object") fromXenDeep(v);
  }
}

export class HypervisorTrapError extends Error {
  override readonly name = "HypervisorTrapError";
  readonly code = "HV_TRAP";
  constructor(
    readonly detail: string,
    readonly recovered = true,
  ) {
    super(
      recovered
        ? `the simulated hypervisor hit an internal error (${detail}); it was reset to a freshly booted host`
        : `the simulated hypervisor hit an internal error (${detail}); a fresh one is starting, try again shortly`,
    );
  }
}

type Recorded =
  | { op: "boot"; spec: BootSpec }
  | { op: "sym"; sym: XenSymbol }
  | { op: "map"; addr: bigint; bytes: Uint8Array; perm: MemPerm }
  | { op: "cpus"; n: number }
  | { op: "init" };

/** The module's own exports, under the bindings' wrappers (which have them as prototype). */
interface RawExports {
  readMemory(addr: bigint, len: number): number;
  payloadJson(name: number): number;
  previewPatch(name: number): number;
  __new(size: number, classId: number): number;
  __collect(): void;
}
/** Each instance's raw exports, noted before any wrapper (which may add a prototype level) sees it. */
const rawOf = new WeakMap<WasmExports, RawExports>();
const raw = (w: WasmExports): RawExports => rawOf.get(w) ?? (Object.getPrototypeOf(w) as RawExports);
/** AssemblyScript's class id of ArrayBuffer (a leaf: the collector does not look inside). */
const ARRAY_BUFFER_ID = 1;
/** AssemblyScript's class id of String. */
const STRING_ID = 2;
/** Bytes moved across the wasm boundary after which the host collects the wasm's garbage. */
const COLLECT_AFTER = 8 << 20;
/** Linear-memory growth since the last collection after which the host collects anyway. */
const COLLECT_GROWN = 32 << 20;

const u64 = (v: bigint | number): bigint => BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(Math.max(0, Math.floor(v))));

export interface HypervisorOptions {
  /**
   * Wraps each wasm instance's exports. Only the e2e build and the recovery tests pass one (a
   * fault injector, ./selfTestTrap.ts): the wasm itself has no way to trap on request.
   */
  wrapExports?: (exports: WasmExports) => WasmExports;
}

export async function createHypervisor(module: WebAssembly.Module, opts: HypervisorOptions = {}): Promise<HypervisorHost> {
  const wrap = opts.wrapExports ?? ((w: WasmExports) => w);
  const fresh = (): Promise<WasmExports> =>
    instantiate(module, { env: {} }).then((bindings) => {
      const w = wrap(bindings);
      rawOf.set(w, Object.getPrototypeOf(bindings) as RawExports);
      return w;
    });
  // A spare instance is kept ready so a trap can be recovered from synchronously.
  let spare: Promise<WasmExports> = fresh();
  let wasm: WasmExports | null = await fresh();
  let spareReady: WasmExports | null = await spare;

  let recording: Recorded[] = [];
  let bootSpec: BootSpec | null = null;
  let cpuCount = 0;
  let symbols = new Map<string, XenSymbol>();
  let log: LoggedEvent[] = [];
  // A snapshot shares the recording and the symbol map with the host until either changes.
  let recordingShared = false;
  let symbolsShared = false;
  function record(r: Recorded): void {
    if (recordingShared) recording = recording.slice();
    recordingShared = false;
    recording.push(r);
  }

  function bootInto(w: WasmExports, spec: BootSpec): void {
    w.boot(ARCH_CODE[spec.arch], spec.cpus, spec.buildId);
    if (spec.debugBuild) w.debugBuild(true);
  }

  function replay(w: WasmExports): void {
    for (const r of recording) {
      if (r.op === "boot") bootInto(w, r.spec);
      else if (r.op === "sym") w.addSymbol(toXen(r.sym.name), u64(r.sym.addr), r.sym.size, r.sym.kind);
      else if (r.op === "map") w.mapMemory(u64(r.addr), r.bytes, r.perm);
      else if (r.op === "init") w.initDone();
      else w.setCpus(r.n);
    }
  }

  function recover(err: unknown): never {
    const detail = err instanceof Error ? err.message : String(err);
    wasm = null;
    if (spareReady) {
      const next = spareReady;
      spareReady = null;
      spare = fresh();
      void spare.then((w) => (spareReady = w));
      try {
        replay(next);
        wasm = next;
      } catch {
        // A boot that traps again leaves the host without a simulator until the next boot().
      }
    }
    resetLog([]);
    throw new HypervisorTrapError(detail, wasm !== null);
  }

  const snapshotGlobalsOf = new WeakMap<WasmExports, WebAssembly.Global[]>();
  function globalsOf(w: WasmExports): WebAssembly.Global[] {
    let g = snapshotGlobalsOf.get(w);
    if (!g) snapshotGlobalsOf.set(w, (g = snapshotGlobals(raw(w))));
    return g;
  }

  function live(): WasmExports {
    if (!wasm) throw new HypervisorTrapError("the simulator is restarting after an earlier failure", false);
    return wasm;
  }

  // The wasm's runtime never collects on its own (asconfig's "minimal"): the incremental collector
  // stepped on every allocation and re-marked the whole booted image during each big call, most of
  // a 2,000-function UPLOAD's time. The host collects instead, when no wasm frame holds a pointer:
  // once the event loop is idle after a call (the page's worker is, between any two messages), and
  // before a call when the host has moved COLLECT_AFTER bytes across since the last collection (a
  // caller that never yields, such as a benchmark loop: the garbage of a call goes with what it
  // reads and logs) or, as a backstop, when the linear memory has grown by COLLECT_GROWN. Growth
  // alone would not bound a loop: the allocator doubles memory when it runs out, so a loop that
  // only collected then would double it again each time.
  const grownFrom = new WeakMap<WasmExports, number>();
  let moved = 0;
  let idleCollect: ReturnType<typeof setTimeout> | null = null;
  function collect(w: WasmExports): void {
    raw(w).__collect();
    grownFrom.set(w, w.memory.buffer.byteLength);
    moved = 0;
  }
  function due(w: WasmExports): boolean {
    const from = grownFrom.get(w);
    if (from === undefined) grownFrom.set(w, w.memory.buffer.byteLength);
    return moved >= COLLECT_AFTER || (from !== undefined && w.memory.buffer.byteLength - from >= COLLECT_GROWN);
  }
  function collectWhenIdle(w: WasmExports): void {
    if (idleCollect !== null) return;
    idleCollect = setTimeout(() => {
      idleCollect = null;
      if (wasm === w) collect(w);
    }, 0);
    // Node: a pending collection does not keep the CLI's process alive.
    (idleCollect as { unref?: () => void }).unref?.();
  }

  /** `fn(w)`, which moves about `bytes` across the boundary (arguments and results). */
  function call<T>(fn: (w: WasmExports) => T, bytes = 0): T {
    const w = live();
    try {
      if (due(w)) collect(w);
      const out = fn(w);
      moved += bytes + (typeof out === "string" ? out.length << 1 : 64);
      collectWhenIdle(w);
      return out;
    } catch (err) {
      return recover(err);
    }
  }

  // The log is read straight out of wasm memory: TextDecoder is native, where lifting a string
  // through the bindings costs a JS call per 1,024 characters. It is decoded into typed events when
  // they are read, not by the call that logged them: decoding is the viewer's work, not the
  // simulated Xen's, and it is most of a 2,000-function APPLY's time when its code is still cold.
  const utf16 = new TextDecoder("utf-16le");
  let undecoded: string[] = [];
  function drain(): void {
    const text = call((w) => {
      const n = w.eventLogBytes();
      if (n === 0) return "";
      const s = utf16.decode(new Uint8Array(w.memory.buffer, w.eventLogPtr() >>> 0, n));
      w.eventLogClear();
      return s;
    });
    if (text) undecoded.push(text);
  }
  function resetLog(to: LoggedEvent[]): void {
    log = to;
    undecoded = [];
  }
  /** Every event so far, typed. */
  function logged(): LoggedEvent[] {
    drain();
    const texts = undecoded;
    undecoded = [];
    // The decoded events are fresh objects: numbered in place rather than copied.
    for (const text of texts) {
      // Decoded after the line is read: a compact write line counts its strings in bytes.
      const bytesInside = /[\x80-\xff]/.test(text);
      for (const ev of decodeEvents(text)) {
        if (bytesInside) fromXenDeep(ev);
        const e = ev as LoggedEvent;
        e.seq = log.length;
        log.push(e);
      }
    }
    return log;
  }

  /**
   * A named payload's JSON (payloadJson, previewPatch) read with the native TextDecoder: the
   * generated bindings lift a string 1,024 characters at a time through a spread, which took about
   * 0.3 s for a 2,000-function payload's 0.8 MB. The name is lowered as the bindings lower it.
   */
  function namedJson(w: WasmExports, fn: "payloadJson" | "previewPatch", name: string): string {
    name = toXen(name);
    const r = raw(w);
    const at = r.__new(name.length << 1, STRING_ID) >>> 0;
    const units = new Uint16Array(w.memory.buffer, at, name.length);
    for (let i = 0; i < name.length; i++) units[i] = name.charCodeAt(i);
    const out = r[fn](at) >>> 0;
    if (out === 0) return "";
    const bytes = new Uint32Array(w.memory.buffer)[(out - 4) >>> 2];
    return fromXen(utf16.decode(new Uint8Array(w.memory.buffer, out, bytes)));
  }

  const listPayloads = () => JSON.parse(fromXen(call((w) => w.listJson()))) as ListEntry[];
  const payloadDetails = (name: string) => {
    const text = call((w) => namedJson(w, "payloadJson", name));
    return text ? (JSON.parse(text) as PayloadDetails | null) : null;
  };

  return {
    boot(spec) {
      if (!wasm && spareReady) {
        wasm = spareReady;
        spareReady = null;
        spare = fresh();
        void spare.then((w) => (spareReady = w));
      }
      recording = [{ op: "boot", spec: { ...spec, buildId: spec.buildId ? spec.buildId.slice() : null } }];
      bootSpec = spec;
      cpuCount = spec.cpus;
      symbols = new Map();
      recordingShared = symbolsShared = false;
      resetLog([]);
      call((w) => bootInto(w, spec));
      drain();
    },
    addSymbol(sym) {
      record({ op: "sym", sym });
      if (symbolsShared) symbols = new Map(symbols);
      symbolsShared = false;
      if (!symbols.has(sym.name)) symbols.set(sym.name, sym);
      call((w) => w.addSymbol(toXen(sym.name), u64(sym.addr), sym.size >>> 0, sym.kind));
    },
    mapMemory(addr, bytes, perm) {
      record({ op: "map", addr, bytes, perm });
      call((w) => w.mapMemory(u64(addr), bytes, perm), bytes.length);
    },
    initDone() {
      record({ op: "init" });
      call((w) => w.initDone());
      drain();
    },
    get bootSpec() {
      return bootSpec;
    },
    symbol: (name) => symbols.get(name),

    upload(name, payload, flags = 0, extras = {}) {
      name = toXen(name);
      const namePad = (extras.namePad ?? 0) >>> 0;
      const rc = call((w) => {
        // Above the simulator's limit the bytes stay out of wasm memory, as Xen refuses the size
        // before it copies anything: a 1.5 GB file copied first ran the wasm allocator out of memory.
        if (BigInt(payload.length) > w.maxPayloadSize()) return w.uploadOversize(name, BigInt(payload.length), flags >>> 0, namePad);
        return namePad === 0 ? w.upload(name, payload, flags >>> 0) : w.uploadOp(name, payload, flags >>> 0, namePad);
      }, payload.length);
      drain();
      return rc;
    },
    get(name, extras = {}) {
      const packed = BigInt.asIntN(64, call((w) => w.getOp(toXen(name), (extras.opFlags ?? 0) >>> 0, (extras.namePad ?? 0) >>> 0)));
      drain();
      if (packed < 0n) return { ret: Number(packed), state: 0, rc: 0 };
      return { ret: 0, state: Number(packed >> 32n), rc: Number(BigInt.asIntN(32, packed)) };
    },
    list: () => listPayloads(),
    listOp(idx, nr, nameCap, metaCap, extras = {}) {
      const text = fromXen(call((w) => w.listOp(idx >>> 0, nr >>> 0, (extras.pad ?? 0) >>> 0, nameCap >>> 0, metaCap >>> 0, (extras.opFlags ?? 0) >>> 0)));
      drain();
      return JSON.parse(text) as ListOpResult;
    },
    action(name, cmd, timeoutNs = 0, flags = 0, extras = {}) {
      name = toXen(name);
      const pad = (extras.pad ?? 0) >>> 0;
      const opFlags = (extras.opFlags ?? 0) >>> 0;
      const namePad = (extras.namePad ?? 0) >>> 0;
      const rc = call((w) =>
        pad === 0 && opFlags === 0 && namePad === 0
          ? w.action(name, cmd, timeoutNs >>> 0, flags >>> 0)
          : w.actionOp(name, cmd, timeoutNs >>> 0, flags >>> 0, pad, opFlags, namePad),
      );
      drain();
      return rc;
    },

    advance(ns) {
      call((w) => w.advance(u64(ns)));
      drain();
    },
    now: () => call((w) => BigInt.asUintN(64, w.now())),
    cpus: () => cpuCount,
    setCpus(n) {
      record({ op: "cpus", n });
      call((w) => w.setCpus(n));
      cpuCount = n;
      drain();
    },
    setCpuDelay: (cpu, ns) => call((w) => w.setCpuDelay(cpu, u64(ns))),
    setCpuStall: (cpu, ns, opts = {}) => call((w) => w.setCpuStall(cpu, u64(ns), STALL_PHASE_CODE[opts.phase ?? "idle"], opts.persistent ?? false)),
    clearCpuStall: (cpu, phase) => call((w) => w.clearCpuStall(cpu, phase === undefined ? -1 : STALL_PHASE_CODE[phase])),
    setHookResult: (name, kind, rc) => call((w) => w.setHookResult(toXen(name), HOOK_KINDS.indexOf(kind), rc | 0)),
    setHookMarks: (name, kind, how) => call((w) => w.setHookMarks(toXen(name), HOOK_KINDS.indexOf(kind), HOOK_MARKS.indexOf(how))),
    injectNmi(cpu, opts = {}) {
      const path = toXen(opts.path?.join(",") ?? "");
      call((w) => (path === "" ? w.injectNmi(cpu) : w.injectNmiPath(cpu, path)));
      drain();
    },
    scheduleNmi(cpu, ns, opts = {}) {
      const path = toXen(opts.path?.join(",") ?? "");
      call((w) => (path === "" ? w.scheduleNmi(cpu, u64(ns)) : w.scheduleNmiPath(cpu, u64(ns), path)));
    },

    readMemory: (addr, len) => call((w) => w.readMemory(u64(addr), len >>> 0)),
    peekMemory(addr, len) {
      return call((w) => {
        // The raw export (the bindings' prototype) answers a pointer to an AssemblyScript
        // Uint8Array: its data pointer at +4 and its byte length at +8.
        const at = raw(w).readMemory(u64(addr), len >>> 0) >>> 0;
        if (at === 0) return null;
        const header = new DataView(w.memory.buffer, at, 12);
        return new Uint8Array(w.memory.buffer, header.getUint32(4, true), header.getUint32(8, true));
      });
    },
    snapshot({ headroom = 1 << 20 } = {}) {
      const w = live();
      const globals = globalsOf(w);
      if (globals.length === 0) throw new Error("this hypervisor module does not export its globals (see exportMutableGlobals)");
      const events = logged();
      // An unreferenced buffer of that size, collected at once, leaves the allocator that much free.
      raw(w).__new(headroom, ARRAY_BUFFER_ID);
      collect(w);
      recordingShared = symbolsShared = true;
      return { instance: captureInstance(w.memory, globals), recording, bootSpec, cpuCount, symbols, log: events.slice() };
    },
    async restore(snap) {
      if (!restoreInstance(live().memory, globalsOf(live()), snap.instance)) {
        // This instance's memory grew past the snapshot's: carry on in a fresh one.
        const next = spareReady ?? (await spare);
        spareReady = null;
        spare = fresh();
        void spare.then((s) => (spareReady = s));
        if (!restoreInstance(next.memory, globalsOf(next), snap.instance)) throw new Error("a fresh hypervisor instance is larger than the snapshot");
        wasm = next;
      }
      recording = snap.recording as Recorded[];
      symbols = snap.symbols as Map<string, XenSymbol>;
      recordingShared = symbolsShared = true;
      bootSpec = snap.bootSpec;
      cpuCount = snap.cpuCount;
      resetLog(snap.log.slice());
    },
    payloadSymbol(name) {
      for (const e of listPayloads()) {
        const s = payloadDetails(e.name)?.symbols.find((y) => y.name === name);
        if (s) return { addr: BigInt(s.addr), size: s.size, payload: e.name };
      }
      return undefined;
    },
    call(target, args) {
      const text = call((w) => {
        for (const a of args.slice(0, 8)) w.xenCallArg(u64(a));
        return fromXen(w.xenCall(toXen(target)));
      });
      drain();
      return JSON.parse(text) as CallResult;
    },
    torn(payload, written, cpu, rendezvous) {
      return JSON.parse(fromXen(call((w) => w.xenTorn(toXen(payload), written | 0, cpu | 0, rendezvous)))) as TornResult;
    },
    xlInfo(opts = {}) {
      const text = fromXen(call((w) => w.xlInfo(opts.quiet ?? false)));
      drain();
      return JSON.parse(text) as XlInfo;
    },
    payload: (name) => payloadDetails(name),
    previewPatch(name) {
      const text = call((w) => namedJson(w, "previewPatch", name));
      return text ? (JSON.parse(text) as PatchPreview[] | null) : null;
    },
    ruleIds: () => call((w) => w.ruleIds()).split(",").filter((id) => id !== ""),
    applyDependsTarget: () => JSON.parse(fromXen(call((w) => w.applyDependsTarget()))) as DependsTarget,
    events: () => logged(),
    consoleLines() {
      const lines: string[] = [];
      for (const e of logged()) if (e.kind === "console") lines.push(e.line);
      return lines;
    },
    debugKeys(key) {
      const text = fromXen(call((w) => w.debugKeys(key)));
      drain();
      return text;
    },
    halted: () => call((w) => w.halted()),
    payloadVersion: () => call((w) => w.payloadVersion()),
    async ready() {
      if (wasm) return;
      const next = await spare;
      if (wasm) return;
      spareReady = null;
      spare = fresh();
      void spare.then((w) => (spareReady = w));
      replay(next);
      wasm = next;
    },
  };
}

export { DEFAULT_TIMEOUT_NS };
export type { Arch };
