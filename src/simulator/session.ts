// One simulator session: the image it booted from, the inputs the user gave, the events each one
// produced, and the memory windows they touched. Stepping back and then doing something new
// rebuilds the simulator by booting again and replaying the kept inputs (the simulator is
// deterministic: virtual clock, seeded CPU delays), then checks the replay produced the same events.
// Environment-neutral: the backend is the hypervisor worker's API (or the service itself in tests).
import type { DependsTarget, LoggedEvent, PayloadDetails, XlInfo } from "../protocol/hypervisor.ts";
import type { Result } from "../protocol/result.ts";
import type { CommandResult, RawAction } from "../console/index.ts";
import { rewinder, toWrite, WINDOW_BYTES, type ByteWrite } from "./memory.ts";
import { type InputRecord, type MemoryWindow, type PayloadInfo, type SimInput } from "./types.ts";

type Async<T> = Promise<Result<T>>;

/** The part of the hypervisor worker's API a session uses. */
export interface SimBackend {
  bootImage(image: Uint8Array, cpus?: number): Async<{ arch: string }>;
  addFile(name: string, bytes: Uint8Array): Async<number>;
  console(line: string): Async<CommandResult>;
  /** A raw ACTION with its own timeout, run by the console as one of its steps. */
  consoleAction(action: RawAction): Async<CommandResult>;
  get(name: string): Async<{ ret: number; state: number; rc: number }>;
  events(since?: number): Async<LoggedEvent[]>;
  readMemory(addr: bigint, len: number): Async<Uint8Array | null>;
  /** Several reads in one round trip (an APPLY of 2,000 functions opens 2,000 windows). */
  readMemoryAll(reads: readonly { addr: bigint; len: number }[]): Async<(Uint8Array | null)[]>;
  payload(name: string): Async<PayloadDetails | null>;
  list(): Async<{ name: string; state: number; rc: number; metadata: string }[]>;
  /** `xl info` as a quiet look (optional: a backend without it leaves the Running Xen panel empty). */
  xlInfo?(): Async<XlInfo>;
  /** Whom APPLY would check `.livepatch.depends` against (optional: without it the console's hint cannot tell). */
  applyDependsTarget?(): Async<DependsTarget>;
}

export class SimError extends Error {
  override readonly name = "SimError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new SimError(r.error.code, r.error.message);
  return r.value;
}

export interface SessionImage {
  name: string;
  bytes: Uint8Array;
}

export interface SessionData {
  image: SessionImage | null;
  arch: string | null;
  bootCpus: number;
  records: InputRecord[];
  events: LoggedEvent[];
  windows: MemoryWindow[];
  payloads: Record<string, PayloadInfo>;
  /** `xl info` right after boot (each record carries its own after it ran). */
  bootXl: XlInfo | null;
  /** Whom APPLY would check `.livepatch.depends` against right after boot (each record carries its own). */
  bootDepends: DependsTarget | null;
}

function toPayloadInfo(d: PayloadDetails): PayloadInfo {
  return {
    name: d.name,
    funcs: d.funcs.map((f) => ({ name: f.name, oldAddr: f.oldAddr, newAddr: f.newAddr, oldSize: f.oldSize, newSize: f.newSize })),
    symbols: d.symbols.map((s) => ({ name: s.name, addr: s.addr, size: s.size })),
    hooks: d.hooks.map((h) => ({ kind: h.kind, present: h.present })),
  };
}

export function createSession(backend: SimBackend) {
  let data: SessionData = { image: null, arch: null, bootCpus: 4, records: [], events: [], windows: [], payloads: {}, bootXl: null, bootDepends: null };
  const files = new Map<string, Uint8Array>();
  const sent = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  }

  async function pushFiles(): Promise<void> {
    for (const [name, bytes] of files) {
      if (sent.has(name)) continue;
      unwrap(await backend.addFile(name, bytes.slice()));
      sent.add(name);
    }
  }

  /** Runs one input against the backend and records what it did (no queueing). */
  async function execute(input: SimInput, into: SessionData): Promise<InputRecord> {
    await pushFiles();
    // A raw action is a console step too: one numbering, and one answer once the host is down.
    const { output, status } = unwrap(await (input.kind === "console" ? backend.console(input.line) : backend.consoleAction({ name: input.name, cmd: input.cmd, timeoutNs: input.timeoutNs })));
    const fresh = unwrap(await backend.events(into.events.length));
    const eventsFrom = into.events.length;
    into.events = into.events.concat(fresh);
    const record: InputRecord = { input, output, status, eventsFrom, eventsTo: into.events.length };
    await noteWindows(into, fresh);
    await refreshPayloads(into, fresh);
    record.xl = await lookXl();
    record.depends = await lookDepends();
    into.records = [...into.records, record];
    return record;
  }

  async function noteWindows(into: SessionData, fresh: LoggedEvent[]): Promise<void> {
    const writes = fresh.map(toWrite).filter((w): w is ByteWrite => w !== null);
    if (!writes.length) return;
    const all = into.events.map(toWrite).filter((w): w is ByteWrite => w !== null);
    const windows = [...into.windows];
    const known = new Set(windows.map((x) => x.addr));
    const opening = writes.filter((w) => !known.has(w.addr) && known.add(w.addr));
    // A whole window where it is mapped, else just the bytes written (a write near a mapping's end).
    const whole = unwrap(await backend.readMemoryAll(opening.map((w) => ({ addr: w.addr, len: WINDOW_BYTES }))));
    const short = opening.filter((_, i) => !whole[i]);
    const written = short.length ? unwrap(await backend.readMemoryAll(short.map((w) => ({ addr: w.addr, len: w.after.length })))) : [];
    const undo = rewinder(all);
    let k = 0;
    opening.forEach((w, i) => {
      const live = whole[i] ?? written[k++];
      if (live) windows.push({ addr: w.addr, base: undo(live, w.addr), func: w.func });
    });
    windows.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    into.windows = windows;
  }

  /**
   * A payload's details are fixed when its upload places it, so only a name new to the session or
   * placed again by these events (unloaded, then uploaded anew) is fetched: the details of a
   * 2,000-function payload are most of a megabyte.
   */
  async function refreshPayloads(into: SessionData, fresh: LoggedEvent[]): Promise<void> {
    const placed = new Set(fresh.flatMap((e) => (e.kind === "placed" && e.payload !== null ? [e.payload] : [])));
    const stale = unwrap(await backend.list()).filter((e) => placed.has(e.name) || !Object.hasOwn(into.payloads, e.name));
    if (!stale.length) return;
    const payloads = { ...into.payloads };
    for (const e of stale) {
      const raw = unwrap(await backend.payload(e.name));
      // Defined, not assigned: a payload may be called `__proto__`.
      if (raw) Object.defineProperty(payloads, e.name, { value: toPayloadInfo(raw), enumerable: true, writable: true, configurable: true });
    }
    into.payloads = payloads;
  }

  async function lookXl(): Promise<XlInfo | null> {
    return backend.xlInfo ? unwrap(await backend.xlInfo()) : null;
  }

  async function lookDepends(): Promise<DependsTarget | null> {
    return backend.applyDependsTarget ? unwrap(await backend.applyDependsTarget()) : null;
  }

  async function bootInto(image: SessionImage, cpus: number): Promise<SessionData> {
    const summary = unwrap(await backend.bootImage(image.bytes.slice(), cpus));
    sent.clear();
    const events = unwrap(await backend.events(0));
    return { image, arch: summary.arch, bootCpus: cpus, records: [], events, windows: [], payloads: {}, bootXl: await lookXl(), bootDepends: await lookDepends() };
  }

  /** Boots again and replays `inputs`; the events must match `expect` when given. */
  async function replay(inputs: SimInput[], expect: LoggedEvent[] | null): Promise<{ data: SessionData; diverged: boolean }> {
    if (!data.image) throw new SimError("NO_IMAGE", "no image to boot");
    const next = await bootInto(data.image, data.bootCpus);
    for (const input of inputs) await execute(input, next);
    const same = (a: LoggedEvent, b: LoggedEvent) => JSON.stringify(a) === JSON.stringify(b);
    const diverged = expect !== null && (next.events.length < expect.length || expect.some((e, i) => !same(e, next.events[i])));
    return { data: next, diverged };
  }

  return {
    get data(): SessionData {
      return data;
    },
    /** FILE names the console can use. */
    setFiles(list: { name: string; bytes: Uint8Array }[]): void {
      for (const f of list) {
        const old = files.get(f.name);
        if (old && old.byteLength === f.bytes.byteLength) continue;
        files.set(f.name, f.bytes);
        sent.delete(f.name);
      }
    },
    boot(image: SessionImage, cpus = 4): Promise<SessionData> {
      return serial(async () => {
        data = await bootInto(image, cpus);
        return data;
      });
    },
    /**
     * Runs `input` after the first `keep` records (all of them when `keep` is null). Later records
     * are dropped: the simulator is rebuilt by replaying the kept ones first.
     */
    run(input: SimInput, keep: number | null = null): Promise<{ record: InputRecord; data: SessionData; rebuilt: boolean; diverged: boolean }> {
      return serial(async () => {
        let rebuilt = false;
        let diverged = false;
        if (keep !== null && keep < data.records.length) {
          const kept = data.records.slice(0, keep);
          const r = await replay(
            kept.map((k) => k.input),
            data.events.slice(0, kept.length ? kept[kept.length - 1].eventsTo : data.records[0]?.eventsFrom ?? 0),
          );
          data = r.data;
          rebuilt = true;
          diverged = r.diverged;
        }
        try {
          const working: SessionData = { ...data };
          const record = await execute(input, working);
          data = working;
          return { record, data, rebuilt, diverged };
        } catch (e) {
          if (e instanceof SimError && e.code === "HV_TRAP") {
            // The worker already reset the wasm; put the session back where it was before this input.
            const r = await replay(data.records.map((k) => k.input), null);
            data = r.data;
          }
          throw e;
        }
      });
    },
    /** Boots again and runs `inputs` in order instead of the recorded ones (a scenario's path). */
    load(inputs: SimInput[]): Promise<SessionData> {
      return serial(async () => {
        data = (await replay(inputs, null)).data;
        return data;
      });
    },
    /** Boots again and replays every input: the same events must come out. */
    verifyReplay(): Promise<boolean> {
      return serial(async () => {
        const r = await replay(data.records.map((k) => k.input), data.events);
        data = r.data;
        return !r.diverged;
      });
    },
  };
}

export type SimSession = ReturnType<typeof createSession>;
