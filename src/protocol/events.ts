// Events the simulated hypervisor reports, one JSON object per line on the wire (see
// workers/hypervisor/assembly/events.ts). The page draws its timeline and CPU lanes from these.

export type HvEventKind =
  | "hypercall"
  | "hypercall-return"
  | "check"
  | "state"
  | "rendezvous"
  | "cpu-phase"
  | "write"
  | "hook"
  | "nmi"
  | "console"
  | "panic"
  | "upload";

export type PayloadStateName = "CHECKED" | "APPLIED";

/**
 * Phases of `nmi` events: "handled" (outside a rendezvous), "lost" (swallowed by the livepatch
 * NMI callback during one), "torn" (a labelled hazard, not simulated: do_nmi's path goes through
 * a function the action rewrites, so on real hardware an NMI landing mid-write would run
 * half-written code), "arm" (ARM has no NMI).
 */
export type NmiPhase = "handled" | "lost" | "torn" | "arm";

/** The sysctl sub-ops as named in `hypercall`/`hypercall-return` notes. */
export type HypercallOp = "UPLOAD" | "GET" | "LIST" | "ACTION";

export interface HvEvent {
  /** Virtual time in nanoseconds since boot. */
  t: number;
  /** The CPU the event happened on, or -1 when it is not CPU-specific. */
  cpu: number;
  /** Known kinds are listed in `HvEventKind`; an unknown kind from a newer wasm is kept as is. */
  kind: HvEventKind | (string & {});
  payload: string | null;
  rc: number | null;
  addr?: string;
  before?: string;
  after?: string;
  state?: PayloadStateName;
  phase?: string;
  line?: string;
  note?: string;
}

/** Sequence number of the event within the log since boot, added by the host. */
export type LoggedEvent = HvEvent & { seq: number };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const OPTIONAL_STRINGS = ["addr", "before", "after", "phase", "line", "note"] as const;

/** One line → one event; throws on anything that does not have the documented shape. */
export function parseEvent(line: string): HvEvent {
  const raw: unknown = JSON.parse(line);
  if (!isRecord(raw)) throw new Error(`event is not an object: ${line.slice(0, 80)}`);
  const { t, cpu, kind, payload, rc } = raw;
  if (typeof t !== "number" || typeof cpu !== "number" || typeof kind !== "string") {
    throw new Error(`event lacks t/cpu/kind: ${line.slice(0, 80)}`);
  }
  const ev: HvEvent = {
    t,
    cpu,
    kind,
    payload: typeof payload === "string" ? payload : null,
    rc: typeof rc === "number" ? rc : null,
  };
  for (const key of OPTIONAL_STRINGS) {
    const v = raw[key];
    if (typeof v === "string") ev[key] = v;
  }
  if (raw.state === "CHECKED" || raw.state === "APPLIED") ev.state = raw.state;
  return ev;
}

/** The `takeEvents()` text: zero or more lines. */
export function parseEventLines(text: string): HvEvent[] {
  const out: HvEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() !== "") out.push(parseEvent(line));
  }
  return out;
}

/**
 * Which sub-op a `hypercall` or `hypercall-return` event belongs to, from its note (UPLOAD and
 * ACTION returns carry no note: null). GET and LIST are reads: a timeline may want to show them
 * quietly, and a GET returning −ENOENT says nothing about an action in progress.
 */
export function hypercallOp(ev: HvEvent): HypercallOp | null {
  if (ev.kind !== "hypercall" && ev.kind !== "hypercall-return") return null;
  const m = /^(UPLOAD|GET|LIST|ACTION)\b/.exec(ev.note ?? "");
  return m ? (m[1] as HypercallOp) : null;
}

/**
 * The deadline of a rendezvous, from its `rendezvous`/`master` event (note
 * `deadline=<ns> timeout=<ns> cpus=<n>`), so CPU lanes can be drawn against it. Null otherwise.
 */
export function rendezvousDeadline(ev: HvEvent): { deadline: number; timeout: number; cpus: number } | null {
  if (ev.kind !== "rendezvous" || ev.phase !== "master" || !ev.note) return null;
  const m = /deadline=(\d+) timeout=(\d+) cpus=(\d+)/.exec(ev.note);
  return m ? { deadline: Number(m[1]), timeout: Number(m[2]), cpus: Number(m[3]) } : null;
}
