// The one decoder of the simulated hypervisor's event log: JSON lines and compact write lines (as the
// wasm writes them) in, validated `HvEvent`s (src/protocol/hypervisor.ts) out. Each kind's fields
// are described once below; an event that does not match its description is a simulator bug and
// throws.
import type { HvEvent, QuiesceHow, WriteEvent } from "./hypervisor.ts";

/** A field's type: number, string, boolean, number array, one of a set of values, or an object. */
type Ty = "n" | "s" | "b" | "n[]" | "s|null" | readonly (string | null)[] | Fields;
/** Field name → type; a name ending in "?" may be absent. */
interface Fields {
  readonly [name: string]: Ty;
}

interface KindSpec {
  fields: Fields;
  /** A field whose value picks more fields (a discriminated sub-union). */
  by?: string;
  variants?: Readonly<Record<string, Fields>>;
}

const ACTIONS = ["UNLOAD", "REVERT", "APPLY", "REPLACE"] as const;
const STATES = ["CHECKED", "APPLIED"] as const;
const QUIESCE = ["CPU", "IRQ"] as const;
const QUIESCE_HOW = ["region-perms", "alias"] as const satisfies readonly QuiesceHow[];
const REGION: Fields = { addr: "s", size: "n" };
const HOOKS = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;
const OUTCOMES = ["returned", "crashed", "unknown"] as const;
const COUNTERS: Fields = { instructions: "n", calls: "n", faults: "n", fixups: "n", services: "n" };

const SPECS: Readonly<Record<string, KindSpec>> = {
  hypercall: {
    fields: {},
    by: "op",
    variants: {
      UPLOAD: { args: { size: "n", flags: "n", namePad: "n" } },
      GET: { args: { opFlags: "n", namePad: "n" } },
      LIST: { args: { idx: "n", nr: "n", nameCap: "n", metaCap: "n", pad: "n", opFlags: "n" } },
      ACTION: { args: { action: [...ACTIONS, null], cmd: "n", timeout: "n", flags: "n", pad: "n", opFlags: "n", namePad: "n" } },
    },
  },
  "hypercall-return": {
    fields: { ret: "n" },
    by: "op",
    variants: {
      UPLOAD: {},
      GET: { "state?": STATES, "statusRc?": "n" },
      LIST: { "list?": { written: "n", remaining: "n", version: "n", nameTotal: "n", metaTotal: "n" } },
      ACTION: { action: [...ACTIONS, null] },
    },
  },
  state: { fields: { state: [...STATES, "UNLOADED"], statusRc: "n" } },
  placed: { fields: { funcs: "n", pages: "n", text: REGION, rw: REGION, ro: REGION } },
  cpus: { fields: { online: "n" } },
  rendezvous: {
    fields: {},
    by: "phase",
    variants: {
      scheduled: { action: ACTIONS, masterDelay: "n", timeout: "n" },
      master: { deadline: "n", timeout: "n", cpus: "n" },
      "cpu-phase-done": { cpus: "n" },
      "irq-phase-done": { action: ACTIONS },
      quiesce: { how: QUIESCE_HOW },
      revive: { how: QUIESCE_HOW },
      timeout: { quiesce: QUIESCE, arrived: "n", cpus: "n", late: "n[]", statusRc: "n" },
      done: { action: ACTIONS, statusRc: "n", actionRan: "b" },
    },
  },
  "cpu-phase": {
    fields: {},
    by: "phase",
    variants: {
      master: {},
      cpu: { arrived: "n", cpus: "n" },
      irq: { arrived: "n", cpus: "n" },
      release: {},
      missed: { quiesce: QUIESCE },
      late: { quiesce: QUIESCE },
    },
  },
  write: {
    fields: { addr: "s", old: "s", new: "s", func: { index: "n", name: "s" }, by: ["apply", "revert"], insn: ["branch", "nop", "restore", "brk"], "target?": "s" },
  },
  hook: {
    fields: {
      hook: HOOKS,
      index: "n",
      fn: "s",
      "rc?": "n",
      overridden: "b",
      "marks?": ["consistent", "none", "all", "first"],
    },
    by: "executed",
    variants: {
      false: {},
      true: { code: "s", outcome: OUTCOMES, "returned?": "n", ...COUNTERS },
    },
  },
  "run-stop": {
    fields: {
      reason: ["unsupported", "budget", "halt", "not-started", "deadlock", "unmodelled"],
      fn: "s",
      pc: "s",
      "bytes?": "s",
      mnemonic: "s|null",
      "detail?": "s",
    },
  },
  run: { fields: { fn: "s", addr: "s", via: ["call", "xl-info"], outcome: OUTCOMES, "value?": "s", ...COUNTERS } },
  console: { fields: { line: "s", level: ["err", "warning", "info", "debug", "none"] } },
  panic: { fields: { message: "s", "rule?": "s", explanation: "s" } },
  nmi: {
    fields: {},
    by: "phase",
    variants: {
      handled: {},
      lost: {},
      arm: {},
      torn: { via: "s", action: ACTIONS, func: "s", addr: "s", patchedBy: "s" },
    },
  },
  check: { fields: { op: ACTIONS, check: ["depends", "expectations", "noop"], "against?": "s" } },
  dangling: {
    fields: {
      rule: "s",
      what: ["funcs", "build-id", "depends", "modinfo", "bug-frames", "ex-table", ...HOOKS.map((h) => `hook-${h}`)],
      section: "s",
      sectionIndex: "n",
      addr: "s",
      explanation: "s",
    },
  },
  "check-failed": {
    fields: {
      rule: "s",
      op: ["UPLOAD", ...ACTIONS, "GET", "LIST", "ACTION"],
      rc: "n",
      rcKind: ["hypercall", "status"],
      explanation: "s",
      "offset?": "n",
      "length?": "n",
      "section?": "s",
      "sectionIndex?": "n",
      "func?": { index: "n", "name?": "s" },
      "reloc?": { section: "s", sectionIndex: "n", index: "n" },
      "symbol?": { index: "n", name: "s" },
      "expected?": "s",
      "actual?": "s",
      "other?": "s",
    },
  },
};

const BASE: Fields = { t: "n", cpu: "n", payload: "s|null" };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A field list as checked: name without "?", whether it may be absent, its type. */
type Checks = readonly { readonly name: string; readonly optional: boolean; readonly ty: Ty }[];
const compiled = new WeakMap<Fields, Checks>();

/** `fields` as a list, made once per description: every event of a big action is checked against it. */
function checksOf(fields: Fields): Checks {
  let c = compiled.get(fields);
  if (!c) {
    c = Object.keys(fields).map((key) => {
      const optional = key.endsWith("?");
      return { name: optional ? key.slice(0, -1) : key, optional, ty: fields[key] };
    });
    compiled.set(fields, c);
  }
  return c;
}

function fits(v: unknown, ty: Ty): boolean {
  if (ty === "n") return typeof v === "number" && Number.isFinite(v);
  if (ty === "s") return typeof v === "string";
  if (ty === "b") return typeof v === "boolean";
  if (ty === "s|null") return v === null || typeof v === "string";
  if (ty === "n[]") return Array.isArray(v) && v.every((x) => typeof x === "number");
  if (Array.isArray(ty)) return (typeof v === "string" || v === null) && ty.includes(v);
  return isRecord(v) && problem(v, ty as Fields) === null;
}

/** The first field that does not match, or null. */
function problem(raw: Record<string, unknown>, fields: Fields): string | null {
  for (const { name, optional, ty } of checksOf(fields)) {
    const v = raw[name];
    if (v === undefined && optional) continue;
    if (!fits(v, ty)) return name;
  }
  return null;
}

function eventError(line: string, why: string): Error {
  return new Error(`hypervisor event ${why}: ${line.slice(0, 160)}`);
}

/** Why `raw` (parsed from one line) is not an event, or null when it is one. */
function refusal(raw: unknown): string | null {
  if (!isRecord(raw)) return "is not an object";
  const spec = typeof raw.kind === "string" ? SPECS[raw.kind] : undefined;
  if (!spec) return "has an unknown kind";
  let bad = problem(raw, BASE) ?? problem(raw, spec.fields);
  if (bad === null && spec.by) {
    const variant = spec.variants?.[String(raw[spec.by])];
    if (!variant) return `has an unknown ${spec.by}`;
    bad = problem(raw, variant);
  }
  return bad === null ? null : `has a bad or missing field '${bad}'`;
}

/** One line → one event; throws on anything that does not have its kind's shape. */
export function decodeEvent(line: string): HvEvent {
  const raw: unknown = JSON.parse(line);
  const why = refusal(raw);
  if (why !== null) throw eventError(line, why);
  return raw as unknown as HvEvent;
}

// The compact form of a `write` event (workers/hypervisor/assembly/events.ts: writeEvent()), one per
// function in an APPLY or REVERT:
//   W<t>,<cpu>,<b|k|n|r>,<func index>,0x<addr>,<old hex>,<new hex>,[0x<target>],<n>:<payload><n>:<func name>
// (k: AArch64's BRK #2 in place of a branch Xen could not encode, with the branch's target).
// Not split at newlines first: the counted strings may hold any character, a newline too.
const WRITE_KINDS: Readonly<Record<string, readonly ["apply" | "revert", WriteEvent["insn"]]>> = {
  b: ["apply", "branch"],
  k: ["apply", "brk"],
  n: ["apply", "nop"],
  r: ["revert", "restore"],
};

// Everything up to the counted strings, matched natively in one go.
const WRITE_HEAD = /W(\d{1,20}),(-?\d{1,10}),([bknr]),(\d{1,10}),(0x[0-9a-f]{1,16}),([0-9a-f]*),([0-9a-f]*),(0x[0-9a-f]{1,16})?,(\d{1,10}):/y;

const COUNT = /^\d{1,10}$/;

let lastPayload = "";

/** The compact write line at `from` into `out`; returns where the next line starts. */
function decodeWrite(text: string, from: number, out: HvEvent[]): number {
  WRITE_HEAD.lastIndex = from;
  const m = WRITE_HEAD.exec(text);
  const how = m === null ? undefined : WRITE_KINDS[m[3]];
  if (m === null || how === undefined || (how[1] === "branch" || how[1] === "brk") !== (m[8] !== undefined)) throw eventError(text.slice(from), "has a bad compact write line");
  let at = WRITE_HEAD.lastIndex;
  const n = Number(m[9]);
  // Every write of an action names the same payload: one string for all of them.
  if (n !== lastPayload.length || !text.startsWith(lastPayload, at)) lastPayload = text.slice(at, at + n);
  const payload = lastPayload;
  at += n;
  const colon = text.indexOf(":", at);
  const count = text.slice(at, colon);
  const k = Number(count);
  const name = text.slice(colon + 1, (at = colon + 1 + k));
  if (at > text.length || colon < 0 || !COUNT.test(count) || (at < text.length && text.charCodeAt(at) !== 0x0a))
    throw eventError(text.slice(from), "has a bad compact write line");
  // The same fields in the same order as the JSON form, so both decode to equal objects.
  const ev: WriteEvent = { t: Number(m[1]), cpu: Number(m[2]), kind: "write", payload, addr: m[5], old: m[6], new: m[7], func: { index: Number(m[4]), name }, by: how[0], insn: how[1] };
  if (m[8] !== undefined) ev.target = m[8];
  out.push(ev);
  return at + 1;
}

/** The log text: zero or more "\n"-separated lines, JSON or (a `write` event) the compact form. */
export function decodeEvents(text: string): HvEvent[] {
  const out: HvEvent[] = [];
  let from = 0;
  while (from < text.length) {
    if (text.charCodeAt(from) === 0x57) {
      from = decodeWrite(text, from, out);
      continue;
    }
    let to = text.indexOf("\n", from);
    if (to < 0) to = text.length;
    if (to > from) out.push(decodeEvent(text.slice(from, to)));
    from = to + 1;
  }
  return out;
}
