// The simulator slice: the session's data as plain arrays (records, events, the timeline the
// cursor walks, memory windows), the cursor and its playback, the selected payload and the knobs,
// and what the simulator page does (callable from buttons, the console, the keyboard and
// scenarios alike). The session talks to the hypervisor worker; this slice publishes its data.
import type { DependsTarget, LoggedEvent, XlInfo } from "../protocol/hypervisor.ts";
import { hypervisor } from "../services/hypervisorClient.ts";
import { createSession, SimError, type SessionData, type SimBackend, type SimSession } from "../simulator/session.ts";
import { buildTimeline, recordEnds, type InputRecord, type MemoryWindow, type PayloadInfo, type SimInput, type TimelineItem } from "../simulator/types.ts";
import type { LoadedFile } from "./files.ts";
import { consoleFiles } from "./selectors.ts";
import type { SliceApi } from "./slice.ts";
import { briskPace } from "./playback.ts";

export type SimStatus = "off" | "booting" | "ready" | "busy" | "error";

export interface SimMessage {
  level: "error" | "warning" | "info";
  text: string;
}

export interface SimSlice {
  /** The simulator page is showing instead of the inspector. */
  open: boolean;
  status: SimStatus;
  message: SimMessage | null;
  image: { name: string; fileId: string; arch: string } | null;
  bootCpus: number;
  records: InputRecord[];
  events: LoggedEvent[];
  items: TimelineItem[];
  windows: MemoryWindow[];
  payloads: Record<string, PayloadInfo>;
  /** `xl info` right after boot (each record carries its own). */
  bootXl: XlInfo | null;
  /** Whom APPLY would check `.livepatch.depends` against right after boot (each record carries its own). */
  bootDepends: DependsTarget | null;
  /** `items[0..cursor)` have happened in every view. */
  cursor: number;
  playing: boolean;
  /** Timeline items per second at 1×. */
  speed: number;
  /** While playing a command the user just gave: the most each item may take, ms (null: the teaching pace). */
  pace: number | null;
  selected: string | null;
  /** ACTION timeout the buttons ask for, ms (xen-livepatch always uses 30). */
  timeoutMs: number;
  history: string[];

  /** Shows or hides the simulator page; the first showing boots the default image unless told not to. */
  setOpen(open: boolean, opts?: { boot: boolean }): void;
  /** Boots from a loaded image if there is one, else from the bundled x86-64 sample. */
  bootDefault(): Promise<void>;
  /** Boots a fresh simulator from a loaded image file; the timeline starts over. */
  bootFrom(fileId: string, cpus?: number): Promise<void>;
  /**
   * Runs one input; the timeline then plays it (or jumps to its end under reduced motion), briskly
   * unless `teach` (a scenario step keeps the teaching pace).
   */
  runInput(input: SimInput, opts?: { teach?: boolean }): Promise<void>;
  runConsole(line: string, via?: "console" | "button" | "knob"): Promise<void>;
  /**
   * Boots again and runs `inputs` in order in place of the timeline (a scenario's path); playback
   * stops and the cursor goes to `cursor` (clamped). False, with a message, when it could not.
   */
  runInputs(inputs: SimInput[], cursor?: number): Promise<boolean>;
  /** Moves the cursor (clamped) and stops playback. */
  setCursor(cursor: number): void;
  step(delta: number): void;
  togglePlay(): void;
  /** One beat of playback: the cursor moves on from `from` if it is still there and playing. */
  /** Moves a playing cursor from `from` to `to` (the next item by default); stops at the end. */
  advancePlayback(from: number, to?: number): void;
  setSpeed(speed: number): void;
  setTimeoutMs(ms: number): void;
  selectPayload(name: string | null): void;
  say(level: SimMessage["level"], text: string): void;
  dismissMessage(): void;
}

export const SPEEDS = [0.5, 1, 2, 4, 16] as const;
export const DEFAULT_IMAGE = "x86_64/xen-syms";

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** How many records have started before `cursor`: those are kept when the user acts after stepping back. */
export function recordsBefore(records: readonly InputRecord[], cursor: number): number {
  const ends = recordEnds(records);
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    const start = ends[i] - 1 - (records[i].eventsTo - records[i].eventsFrom);
    if (start < cursor) n = i + 1;
  }
  return n;
}

/**
 * How many records a command typed now keeps (runInput): null, all of them, while playing or with
 * the cursor at the end (the command runs after the last); else those started before the cursor
 * (a record the cursor is inside is kept whole, and the command runs after it).
 */
export function keptRecords(st: { records: readonly InputRecord[]; items: readonly unknown[]; cursor: number; playing: boolean }): number | null {
  return !st.playing && st.cursor < st.items.length ? recordsBefore(st.records, st.cursor) : null;
}

/** Where on the timeline a command typed now runs (after keptRecords()): the console's hint describes Xen there. */
export function commandCursor(st: { records: readonly InputRecord[]; items: readonly unknown[]; cursor: number; playing: boolean }): number {
  const keep = keptRecords(st);
  if (keep === null) return st.items.length;
  return keep === 0 ? 0 : recordEnds(st.records)[keep - 1];
}

function payloadOf(data: SessionData, from: number): string | null {
  for (let i = from; i < data.events.length; i++) {
    const e = data.events[i];
    if (e.kind === "hypercall" && e.payload) return e.payload;
  }
  return null;
}

const isImage = (f: LoadedFile) => f.status === "ready" && f.parsed?.role === "image";

let session: SimSession | null = null;
function live(): SimSession {
  session ??= createSession(hypervisor() as unknown as SimBackend);
  return session;
}

/** Bytes of files the parser could not read, read once each (their Blob does not change). */
const unparsedBytes = new WeakMap<Blob, Promise<Uint8Array | null>>();

/**
 * What the console's FILE names open: every loaded file, as xen-livepatch opens any file, not only
 * those this page could parse (a truncated or empty one gets Xen's or the tool's own answer, as in
 * `livepatch-lens sim`). A file still parsing or cancelled is not there yet; one whose bytes
 * cannot be read again (a sample whose fetch failed) is not there at all.
 */
export async function consoleFileBytes(list: readonly LoadedFile[]): Promise<{ name: string; bytes: Uint8Array }[]> {
  const parsed = consoleFiles(list).map((f) => ({ name: f.name, bytes: f.parsed.elf.bytes }));
  const unparsed = await Promise.all(
    list
      .filter((f) => f.status === "error" && f.source !== null)
      .map(async (f) => {
        const blob = f.source!;
        let read = unparsedBytes.get(blob);
        if (!read) {
          read = blob.arrayBuffer().then((b) => new Uint8Array(b), () => null);
          unparsedBytes.set(blob, read);
        }
        const bytes = await read;
        return bytes === null ? null : { name: f.name, bytes };
      }),
  );
  return [...parsed, ...unparsed.filter((f): f is { name: string; bytes: Uint8Array } => f !== null)];
}

export function createSimSlice({ set, get }: SliceApi<"sim">): SimSlice {
  const sim = () => get().sim;
  const say = (level: SimMessage["level"], text: string) => set({ message: { level, text } });
  const publish = (data: SessionData) =>
    set({
      records: data.records,
      events: data.events,
      items: buildTimeline(data.records, data.events),
      windows: data.windows,
      payloads: data.payloads,
      bootCpus: data.bootCpus,
      bootXl: data.bootXl,
      bootDepends: data.bootDepends,
    });
  const syncFiles = async (s: SimSession) => s.setFiles(await consoleFileBytes(get().files.list));

  return {
    open: false,
    status: "off",
    message: null,
    image: null,
    bootCpus: 4,
    records: [],
    events: [],
    items: [],
    windows: [],
    payloads: {},
    bootXl: null,
    bootDepends: null,
    cursor: 0,
    playing: false,
    pace: null,
    speed: 1,
    selected: null,
    timeoutMs: 30,
    history: [],

    setOpen(open, opts = { boot: true }) {
      set({ open });
      if (open && opts.boot && sim().status === "off") void sim().bootDefault();
    },

    async bootDefault() {
      const loaded = get().files.list.find(isImage);
      if (loaded) return sim().bootFrom(loaded.id);
      set({ status: "booting" });
      const previous = get().ui.selectedFileId;
      const id = await get().files.loadSample(DEFAULT_IMAGE);
      // Loading the sample selects it in the rail; keep the inspector where the user left it.
      if (previous) get().ui.selectFile(previous);
      const f = await get().files.settled(id);
      if (!f || !isImage(f)) {
        set({ status: "error" });
        say("error", `Could not load the sample image ${DEFAULT_IMAGE}${f?.problem ? `: ${f.problem.message}` : ""}`);
        return;
      }
      return sim().bootFrom(f.id);
    },

    async bootFrom(fileId, cpus = sim().bootCpus) {
      const f = get().files.list.find((x) => x.id === fileId);
      if (!f?.parsed || !isImage(f)) {
        say("error", "Pick a loaded hypervisor image (a xen-syms) to boot from.");
        return;
      }
      set({ status: "booting", playing: false });
      try {
        const data = await live().boot({ name: f.name, bytes: f.parsed.elf.bytes }, cpus);
        publish(data);
        set({ status: "ready", image: { name: f.name, fileId, arch: data.arch ?? "" }, cursor: 0, message: null });
      } catch (e) {
        set({ status: "error" });
        say("error", `Could not boot ${f.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },

    async runInput(input, opts = {}) {
      const st = sim();
      if (st.status === "off" || st.status === "booting" || !st.image) {
        say("warning", "The simulator is still booting; try again in a moment.");
        return;
      }
      const s = live();
      await syncFiles(s);
      const keep = keptRecords(st);
      if (input.kind === "console" && input.via === "console") {
        set({ history: [...st.history.filter((h) => h !== input.line), input.line].slice(-100) });
      }
      set({ status: "busy" });
      try {
        const before = keep === null ? st.records.length : keep;
        const r = await s.run(input, keep);
        const startCursor = recordEnds(r.data.records)[before - 1] ?? 0;
        publish(r.data);
        const items = sim().items.length;
        const target = payloadOf(r.data, r.record.eventsFrom);
        const reduced = prefersReducedMotion();
        set((cur) => ({
          status: "ready",
          cursor: reduced ? items : cur.playing && keep === null ? cur.cursor : startCursor,
          playing: !reduced && items > startCursor,
          pace: opts.teach ? null : briskPace(items - startCursor),
          selected: target ?? cur.selected,
        }));
        if (r.rebuilt) {
          const dropped = st.records.length - (keep ?? 0);
          say(r.diverged ? "warning" : "info", r.diverged
            ? "Rebuilt from the kept steps, but the replay did not reproduce the same events."
            : `Went on from the step you chose: ${dropped} later step${dropped === 1 ? "" : "s"} discarded (the simulator was rebuilt by replaying the earlier ones).`);
        }
      } catch (e) {
        if (e instanceof SimError && e.code === "HV_TRAP") {
          publish(s.data);
          set({ status: "ready", cursor: sim().items.length, playing: false });
          say("error", `${e.message}, and your earlier steps were replayed on it; the command that hit the error was dropped and the page carries on.`);
        } else {
          set({ status: "ready" });
          say("error", e instanceof Error ? e.message : String(e));
        }
      }
    },

    runConsole: (line, via = "console") => sim().runInput({ kind: "console", line, via }),

    async runInputs(inputs, cursor = 0) {
      if (!sim().image) {
        say("warning", "The simulator has not booted an image yet.");
        return false;
      }
      const s = live();
      await syncFiles(s);
      set({ status: "busy", playing: false });
      try {
        publish(await s.load(inputs));
        set((cur) => ({ status: "ready", cursor: Math.max(0, Math.min(cur.items.length, cursor)), message: null }));
        return true;
      } catch (e) {
        publish(s.data);
        set((cur) => ({ status: "ready", cursor: cur.items.length }));
        say("error", `Could not run the steps: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    },

    setCursor: (cursor) => set((cur) => ({ cursor: Math.max(0, Math.min(cur.items.length, Math.round(cursor))), playing: false })),
    step: (delta) => sim().setCursor(sim().cursor + delta),
    togglePlay: () => set((cur) => (cur.playing ? { playing: false } : { playing: true, pace: null, cursor: cur.cursor >= cur.items.length ? 0 : cur.cursor })),
    advancePlayback: (from, to = from + 1) =>
      set((cur) => {
        if (!cur.playing || cur.cursor !== from) return {};
        return from >= cur.items.length ? { playing: false } : { cursor: Math.min(to, cur.items.length) };
      }),
    setSpeed: (speed) => set({ speed }),
    setTimeoutMs: (timeoutMs) => set({ timeoutMs }),
    selectPayload: (selected) => set({ selected }),
    say,
    dismissMessage: () => set({ message: null }),
  };
}
