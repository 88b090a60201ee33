// The one decoder of the simulated hypervisor's event log: JSON lines and compact write lines (as the
// wasm writes them) in, validated `HvEvent`s (src/protocol/hypervisor.ts) out. Each kind's fields
// are described once below; an event that does not match its description is a simulator bug and
// throws.
import type { HvEvent, WriteEvent } from "./hypervisor.ts";

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
      quiesce: { how: ["cr0-wp", "alias"] },
      revive: { how: ["cr0-wp", "alias"] },
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
    fields: { addr: "s", old: "s", new: "s", func: { index: "n", name: "s" }, by: ["apply", "revert"], insn: ["branch", "nop", "restore"], "target?": "s" },
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
      reason: ["unsupported", "budget", "halt", "not-started", "unmodelled"],
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
//   W<t>,<cpu>,<b|n|r>,<func index>,0x<addr>,<old hex>,<new hex>,[0x<target>],<n>:<payload><n>:<func name>
// Read with a cursor rather than split: the counted strings may hold any character, a newline too.
const WRITE_KINDS: Readonly<Record<string, readonly ["apply" | "revert", "branch" | "nop" | "restore"]>> = {
  b: ["apply", "branch"],
  n: ["apply", "nop"],
  r: ["revert", "restore"],
};

/** The cursor's position in the text; -1 once a field did not parse. */
let at = 0;

/** A decimal integer (optionally negative) ended by `stop`, which is skipped. */
function int(text: string, stop: number): number {
  const neg = text.charCodeAt(at) === 0x2d;
  const start = neg ? at + 1 : at;
  let end = start;
  let v = 0;
  for (let c = text.charCodeAt(end); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++end)) v = v * 10 + (c - 0x30);
  if (end === start || text.charCodeAt(end) !== stop) {
    at = -1;
    return 0;
  }
  // Past 15 digits the running sum may round differently from JSON's numbers.
  if (end - start > 15) v = Number(text.slice(start, end));
  at = end + 1;
  return neg ? -v : v;
}

/** Lower-case hex digits (after "0x" when `prefixed`, then at least one digit) ended by ",". */
function hexField(text: string, prefixed: boolean): string {
  const start = at;
  let end = prefixed ? at + 2 : at;
  if (prefixed && (text.charCodeAt(at) !== 0x30 || text.charCodeAt(at + 1) !== 0x78)) end = -1;
  for (let c = text.charCodeAt(end); (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66); c = text.charCodeAt(++end));
  if (end < 0 || (prefixed && end === start + 2) || text.charCodeAt(end) !== 0x2c) {
    at = -1;
    return "";
  }
  at = end + 1;
  return text.slice(start, end);
}

/** `<n>:` and n characters. */
function counted(text: string): string {
  const n = int(text, 0x3a);
  if (at < 0 || at + n > text.length) {
    at = -1;
    return "";
  }
  at += n;
  return text.slice(at - n, at);
}

/** The compact write line at `from` into `out`; returns where the next line starts. */
function decodeWrite(text: string, from: number, out: HvEvent[]): number {
  at = from + 1;
  const t = int(text, 0x2c);
  const cpu = at < 0 ? 0 : int(text, 0x2c);
  const how = at < 0 ? undefined : WRITE_KINDS[text.charAt(at)];
  if (how === undefined || text.charCodeAt(at + 1) !== 0x2c) throw eventError(text.slice(from), "has a bad compact write line (kind)");
  at += 2;
  const index = int(text, 0x2c);
  const addr = at < 0 ? "" : hexField(text, true);
  const old = at < 0 ? "" : hexField(text, false);
  const neu = at < 0 ? "" : hexField(text, false);
  let target: string | undefined;
  if (at >= 0 && how[1] === "branch") target = hexField(text, true);
  else if (at >= 0 && text.charCodeAt(at++) !== 0x2c) at = -1;
  const payload = at < 0 ? "" : counted(text);
  const name = at < 0 ? "" : counted(text);
  if (at < 0 || (at < text.length && text.charCodeAt(at) !== 0x0a)) throw eventError(text.slice(from), "has a bad compact write line");
  // The same fields in the same order as the JSON form, so both decode to equal objects.
  const ev: WriteEvent = { t, cpu, kind: "write", payload, addr, old, new: neu, func: { index, name }, by: how[0], insn: how[1] };
  if (target !== undefined) ev.target = target;
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
