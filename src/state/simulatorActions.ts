// What the simulator page does, as plain functions over the simulator slice (callable from
// buttons, the console, the keyboard and tests alike). The session talks to the hypervisor worker;
// this module publishes its data to the store and moves the cursor.
import { hypervisor } from "../services/hypervisorClient.ts";
import { createSession, SimError, type SessionData, type SimBackend, type SimSession } from "../simulator/session.ts";
import { buildTimeline, recordEnds, type SimInput } from "../simulator/types.ts";
import { loadSample } from "./loadFiles.ts";
import { useLens, type LoadedFile } from "./store.ts";
import { useSim, type SimMessage } from "./simulator.ts";

export const DEFAULT_IMAGE = "x86_64/xen-syms";

let session: SimSession | null = null;
function live(): SimSession {
  session ??= createSession(hypervisor() as unknown as SimBackend);
  return session;
}

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function say(level: SimMessage["level"], text: string): void {
  useSim.setState({ message: { level, text } });
}

export function dismissMessage(): void {
  useSim.setState({ message: null });
}

function publish(data: SessionData): void {
  useSim.setState({
    records: data.records,
    events: data.events,
    items: buildTimeline(data.records, data.events),
    windows: data.windows,
    payloads: data.payloads,
    bootCpus: data.bootCpus,
  });
}

export function setSimulatorOpen(open: boolean): void {
  useSim.setState({ open });
  if (open && useSim.getState().status === "off") void bootDefault();
}

const isImage = (f: LoadedFile) => f.status === "ready" && f.parsed?.role === "image";

function waitForFile(id: string): Promise<LoadedFile | null> {
  return new Promise((resolve) => {
    const check = () => {
      const f = useLens.getState().files.find((x) => x.id === id);
      if (!f) return resolve(null), true;
      if (f.status !== "parsing") return resolve(f), true;
      return false;
    };
    if (check()) return;
    const stop = useLens.subscribe(() => {
      if (check()) stop();
    });
  });
}

/** Boots from a loaded image if there is one, else from the bundled x86-64 sample. */
export async function bootDefault(): Promise<void> {
  const loaded = useLens.getState().files.find(isImage);
  if (loaded) return bootFrom(loaded.id);
  useSim.setState({ status: "booting" });
  const previous = useLens.getState().selectedFileId;
  const id = await loadSample(DEFAULT_IMAGE);
  // Loading the sample selects it in the rail; keep the inspector where the user left it.
  if (previous) useLens.getState().selectFile(previous);
  const f = await waitForFile(id);
  if (!f || !isImage(f)) {
    useSim.setState({ status: "error" });
    say("error", `Could not load the sample image ${DEFAULT_IMAGE}${f?.problem ? `: ${f.problem.message}` : ""}`);
    return;
  }
  return bootFrom(f.id);
}

/** Boots a fresh simulator from a loaded image file; the timeline starts over. */
export async function bootFrom(fileId: string, cpus = useSim.getState().bootCpus): Promise<void> {
  const f = useLens.getState().files.find((x) => x.id === fileId);
  if (!f?.parsed || !isImage(f)) {
    say("error", "Pick a loaded hypervisor image (a xen-syms) to boot from.");
    return;
  }
  useSim.setState({ status: "booting", playing: false });
  try {
    const data = await live().boot({ name: f.name, bytes: f.parsed.elf.bytes }, cpus);
    publish(data);
    useSim.setState({ status: "ready", image: { name: f.name, fileId, arch: data.arch ?? "" }, cursor: 0, message: null });
  } catch (e) {
    useSim.setState({ status: "error" });
    say("error", `Could not boot ${f.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function syncFiles(s: SimSession): void {
  s.setFiles(useLens.getState().files.flatMap((f) => (f.status === "ready" && f.parsed ? [{ name: f.name, bytes: f.parsed.elf.bytes }] : [])));
}

/** How many records have started before `cursor`: those are kept when the user acts after stepping back. */
export function recordsBefore(cursor: number): number {
  const { records } = useSim.getState();
  const ends = recordEnds(records);
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    const start = ends[i] - 1 - (records[i].eventsTo - records[i].eventsFrom);
    if (start < cursor) n = i + 1;
  }
  return n;
}

function payloadOf(data: SessionData, from: number): string | null {
  for (let i = from; i < data.events.length; i++) {
    const e = data.events[i];
    if (e.kind === "hypercall" && e.payload) return e.payload;
  }
  return null;
}

/** Runs one input; the timeline then plays it (or jumps to its end under reduced motion). */
export async function runInput(input: SimInput): Promise<void> {
  const st = useSim.getState();
  if (st.status === "off" || st.status === "booting" || !st.image) {
    say("warning", "The simulator is still booting; try again in a moment.");
    return;
  }
  const s = live();
  syncFiles(s);
  const atEnd = st.cursor >= st.items.length;
  const keep = !st.playing && !atEnd ? recordsBefore(st.cursor) : null;
  if (input.kind === "console" && input.via === "console") {
    useSim.setState({ history: [...st.history.filter((h) => h !== input.line), input.line].slice(-100) });
  }
  useSim.setState({ status: "busy" });
  try {
    const before = keep === null ? st.records.length : keep;
    const r = await s.run(input, keep);
    const startCursor = recordEnds(r.data.records)[before - 1] ?? 0;
    publish(r.data);
    const items = useSim.getState().items.length;
    const target = payloadOf(r.data, r.record.eventsFrom);
    const reduced = prefersReducedMotion();
    useSim.setState((cur) => ({
      status: "ready",
      cursor: reduced ? items : cur.playing && keep === null ? cur.cursor : startCursor,
      playing: !reduced && items > startCursor,
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
      useSim.setState({ status: "ready", cursor: useSim.getState().items.length, playing: false });
      say("error", `${e.message}, and your earlier steps were replayed on it; the command that hit the error was dropped and the page carries on.`);
    } else {
      useSim.setState({ status: "ready" });
      say("error", e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * Boots again and runs `inputs` in order in place of the timeline (a scenario's path); playback
 * stops and the cursor goes to `cursor` (clamped). False, with a message, when it could not.
 */
export async function runInputs(inputs: SimInput[], cursor = 0): Promise<boolean> {
  if (!useSim.getState().image) {
    say("warning", "The simulator has not booted an image yet.");
    return false;
  }
  const s = live();
  syncFiles(s);
  useSim.setState({ status: "busy", playing: false });
  try {
    publish(await s.load(inputs));
    useSim.setState((cur) => ({ status: "ready", cursor: Math.max(0, Math.min(cur.items.length, cursor)), message: null }));
    return true;
  } catch (e) {
    publish(s.data);
    useSim.setState((cur) => ({ status: "ready", cursor: cur.items.length }));
    say("error", `Could not run the steps: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/**
 * TEST HOOK ONLY (window.__livepatchLens.trapSimulator): the simulator's next call traps in its
 * wasm, so an end-to-end test can drive the trap recovery through an ordinary command.
 */
export async function armSimulatorTrap(): Promise<void> {
  const r = await hypervisor().armSelfTestTrap();
  if (!r.ok) throw new Error(r.error.message);
}

export function runConsole(line: string, via: "console" | "button" | "knob" = "console"): Promise<void> {
  return runInput({ kind: "console", line, via });
}

export function setCursor(cursor: number): void {
  const n = useSim.getState().items.length;
  useSim.setState({ cursor: Math.max(0, Math.min(n, Math.round(cursor))), playing: false });
}

export function step(delta: number): void {
  setCursor(useSim.getState().cursor + delta);
}

export function togglePlay(): void {
  const { playing, cursor, items } = useSim.getState();
  if (playing) useSim.setState({ playing: false });
  else useSim.setState({ playing: true, cursor: cursor >= items.length ? 0 : cursor });
}

export function selectPayload(name: string | null): void {
  useSim.setState({ selected: name });
}
