// Untrusted JSON → Scenario. Every problem is reported with the field it is in
// (`steps[3].knob.stall.ms: must be a number from 0 to 10000`), all of them at once (up to a cap),
// so a hand-written file can be fixed in one go.
import { tokenize } from "../console/index.ts";
import {
  baseName,
  FUNC_FIELDS,
  HOOK_KINDS,
  LIMITS,
  SAMPLE_PATH,
  SCENARIO_FORMAT,
  SCENARIO_ID,
  SCENARIO_VERSION,
  ScenarioError,
  type FuncField,
  type Highlight,
  type HookKind,
  type Knob,
  type DraftStep,
  type Scenario,
  type ScenarioDraft,
  type ScenarioIssue,
  type Step,
  type StepExpect,
} from "./schema.ts";
import { SAMPLE_IMAGES, sampleInfo } from "./samples.ts";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Issues {
  readonly list: ScenarioIssue[] = [];
  add(path: string, message: string): void {
    if (this.list.length < LIMITS.errors) this.list.push({ path, message });
  }
  get full(): boolean {
    return this.list.length >= LIMITS.errors;
  }
}

/**
 * C0 and C1 controls, DEL and the bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069): a title holding U+202E reads reversed, a BEL or ESC draws as a box. Prose (an
 * explanation, the summary) may break lines and hold tabs.
 */
function controlIn(v: string, prose: boolean): number | null {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && !(prose && (c === 0x09 || c === 0x0a))) || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return c;
  }
  return null;
}

function str(v: unknown, path: string, max: number, issues: Issues, opts: { optional?: boolean; empty?: boolean; prose?: boolean } = {}): string | undefined {
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== "string") return issues.add(path, v === undefined ? "is missing" : "must be a string"), undefined;
  if (!opts.empty && v.trim() === "") return issues.add(path, "must not be empty"), undefined;
  if (v.length > max) return issues.add(path, `is ${v.length} characters long; at most ${max}`), undefined;
  const control = controlIn(v, opts.prose === true);
  if (control !== null) return issues.add(path, `holds U+${control.toString(16).toUpperCase().padStart(4, "0")}, a control character; only printable text is allowed`), undefined;
  return v;
}

function int(v: unknown, path: string, min: number, max: number, issues: Issues): number | undefined {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    issues.add(path, v === undefined ? "is missing" : `must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

function num(v: unknown, path: string, min: number, max: number, issues: Issues): number | undefined {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    issues.add(path, v === undefined ? "is missing" : `must be a number from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

function noExtraKeys(o: Obj, allowed: readonly string[], path: string, issues: Issues): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) issues.add(path ? `${path}.${k}` : k, "is not a known field");
}

const PAYLOAD_NAME = /^[^\s]{1,127}$/;

function knob(v: unknown, path: string, issues: Issues): Knob | undefined {
  if (!isObj(v)) return issues.add(path, "must be an object such as {\"cpus\": 4}"), undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return issues.add(path, "must name exactly one of cpus, stall, hook, timeout"), undefined;
  const [key] = keys;
  const body = v[key];
  const at = `${path}.${key}`;
  switch (key) {
    case "cpus": {
      const n = int(body, at, 1, 64, issues);
      return n === undefined ? undefined : { cpus: n };
    }
    case "stall": {
      if (!isObj(body)) return issues.add(at, "must be {\"cpu\": N, \"ms\": M}"), undefined;
      noExtraKeys(body, ["cpu", "ms"], at, issues);
      const cpu = int(body.cpu, `${at}.cpu`, 0, 63, issues);
      const ms = num(body.ms, `${at}.ms`, 0, 10_000, issues);
      return cpu === undefined || ms === undefined ? undefined : { stall: { cpu, ms } };
    }
    case "hook": {
      if (!isObj(body)) return issues.add(at, "must be {\"payload\": NAME, \"kind\": KIND, \"rc\": N}"), undefined;
      noExtraKeys(body, ["payload", "kind", "rc"], at, issues);
      const payload = str(body.payload, `${at}.payload`, 127, issues);
      if (payload !== undefined && !PAYLOAD_NAME.test(payload)) issues.add(`${at}.payload`, "must be a payload name without spaces");
      const kind = body.kind;
      if (!HOOK_KINDS.includes(kind as HookKind)) issues.add(`${at}.kind`, `must be one of ${HOOK_KINDS.join(", ")}`);
      const rc = int(body.rc, `${at}.rc`, -(2 ** 31), 2 ** 31 - 1, issues);
      if (payload === undefined || !HOOK_KINDS.includes(kind as HookKind) || rc === undefined) return undefined;
      return { hook: { payload, kind: kind as HookKind, rc } };
    }
    case "timeout": {
      if (!isObj(body)) return issues.add(at, "must be {\"ms\": M}"), undefined;
      noExtraKeys(body, ["ms"], at, issues);
      // ACTION's timeout is a uint32 of nanoseconds: at most about 4294 ms; 0 means Xen's 30 ms.
      const ms = num(body.ms, `${at}.ms`, 0, 4294, issues);
      return ms === undefined ? undefined : { timeout: { ms } };
    }
    default:
      issues.add(at, "is not a knob (cpus, stall, hook, timeout)");
      return undefined;
  }
}

function highlight(v: unknown, path: string, issues: Issues): Highlight | undefined {
  if (!isObj(v)) return issues.add(path, "must be an object with a kind"), undefined;
  switch (v.kind) {
    case "field": {
      noExtraKeys(v, ["kind", "payload", "func", "field"], path, issues);
      const payload = str(v.payload, `${path}.payload`, 127, issues);
      const func = int(v.func, `${path}.func`, 0, 100_000, issues);
      if (!FUNC_FIELDS.includes(v.field as FuncField)) issues.add(`${path}.field`, `must be one of ${FUNC_FIELDS.join(", ")}`);
      if (payload === undefined || func === undefined || !FUNC_FIELDS.includes(v.field as FuncField)) return undefined;
      return { kind: "field", payload, func, field: v.field as FuncField };
    }
    case "symbol": {
      noExtraKeys(v, ["kind", "name"], path, issues);
      const name = str(v.name, `${path}.name`, 256, issues);
      return name === undefined ? undefined : { kind: "symbol", name };
    }
    case "addr": {
      noExtraKeys(v, ["kind", "addr"], path, issues);
      const addr = str(v.addr, `${path}.addr`, 18, issues);
      if (addr !== undefined && !/^0x[0-9a-fA-F]{1,16}$/.test(addr)) return issues.add(`${path}.addr`, "must be a 0x-prefixed hex address of up to 64 bits"), undefined;
      return addr === undefined ? undefined : { kind: "addr", addr: addr.toLowerCase() };
    }
    case "cpu": {
      noExtraKeys(v, ["kind", "cpu"], path, issues);
      const cpu = int(v.cpu, `${path}.cpu`, 0, 63, issues);
      return cpu === undefined ? undefined : { kind: "cpu", cpu };
    }
    case "payload": {
      noExtraKeys(v, ["kind", "name"], path, issues);
      const name = str(v.name, `${path}.name`, 127, issues);
      return name === undefined ? undefined : { kind: "payload", name };
    }
    default:
      issues.add(`${path}.kind`, "must be one of field, symbol, addr, cpu, payload");
      return undefined;
  }
}

const STATES = ["APPLIED", "CHECKED", "none"] as const;

function expectation(v: unknown, path: string, issues: Issues): StepExpect | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) return issues.add(path, "must be an object"), undefined;
  noExtraKeys(v, ["status", "output", "states", "rc"], path, issues);
  const out: StepExpect = {};
  if (v.status !== undefined) out.status = int(v.status, `${path}.status`, 0, 255, issues);
  if (v.output !== undefined) {
    if (!Array.isArray(v.output) || v.output.length > 16) issues.add(`${path}.output`, "must be a list of at most 16 strings");
    else out.output = v.output.flatMap((s, i) => str(s, `${path}.output[${i}]`, 500, issues, { prose: true }) ?? []);
  }
  if (v.states !== undefined) {
    if (!isObj(v.states)) issues.add(`${path}.states`, "must map payload names to APPLIED, CHECKED or none");
    else {
      out.states = {};
      for (const [name, s] of Object.entries(v.states).slice(0, 32)) {
        if (!STATES.includes(s as (typeof STATES)[number])) issues.add(`${path}.states.${name}`, "must be APPLIED, CHECKED or none");
        else out.states[name] = s as (typeof STATES)[number];
      }
    }
  }
  if (v.rc !== undefined) {
    if (!isObj(v.rc)) issues.add(`${path}.rc`, "must map payload names to status rc values");
    else {
      out.rc = {};
      for (const [name, rc] of Object.entries(v.rc).slice(0, 32)) {
        const n = int(rc, `${path}.rc.${name}`, -4095, 0, issues);
        if (n !== undefined) out.rc[name] = n;
      }
    }
  }
  return out;
}

/** The FILE words of upload/load in a command line (after an optional `xen-livepatch` and `--force`). */
export function filesNamedBy(words: string[]): string[] {
  let w = words;
  if (w[0] === "xen-livepatch") w = w.slice(1);
  if (w[0] === "--force") w = w.slice(1);
  if (w[0] === "upload" && w.length >= 3) return [w[2]];
  if (w[0] === "load" && w.length >= 2) return [w[1]];
  return [];
}

function step(v: unknown, path: string, files: Set<string> | null, issues: Issues): Step | undefined {
  if (!isObj(v)) return issues.add(path, "must be an object with a command or a knob"), undefined;
  noExtraKeys(v, ["title", "command", "knob", "explain", "highlight", "expect"], path, issues);
  const title = str(v.title, `${path}.title`, LIMITS.title, issues, { optional: true });
  const explain = str(v.explain, `${path}.explain`, LIMITS.explain, issues, { prose: true });
  let hl: Highlight[] = [];
  if (v.highlight !== undefined) {
    if (!Array.isArray(v.highlight) || v.highlight.length > LIMITS.highlights) issues.add(`${path}.highlight`, `must be a list of at most ${LIMITS.highlights} items`);
    else hl = v.highlight.flatMap((h, i) => highlight(h, `${path}.highlight[${i}]`, issues) ?? []);
  }
  const exp = expectation(v.expect, `${path}.expect`, issues);
  const base = { ...(title !== undefined ? { title } : {}), explain: explain ?? "", highlight: hl, ...(exp ? { expect: exp } : {}) };
  if ((v.command === undefined) === (v.knob === undefined)) {
    issues.add(path, "needs exactly one of command or knob");
    return undefined;
  }
  if (v.command !== undefined) {
    const command = str(v.command, `${path}.command`, LIMITS.command, issues);
    if (command === undefined) return undefined;
    if (/[\r\n]/.test(command)) return issues.add(`${path}.command`, "must be a single line"), undefined;
    const words = tokenize(command);
    if (words === null) return issues.add(`${path}.command`, "has an unterminated quote"), undefined;
    if (words.length === 0) return issues.add(`${path}.command`, "must not be empty"), undefined;
    for (const f of filesNamedBy(words)) {
      if (files && !files.has(f)) issues.add(`${path}.command`, `names the file '${f}', which is not among the scenario's payloads`);
    }
    return explain === undefined ? undefined : { ...base, command };
  }
  const k = knob(v.knob, `${path}.knob`, issues);
  return k === undefined || explain === undefined ? undefined : { ...base, knob: k };
}

function samplePath(v: unknown, path: string, issues: Issues): string | undefined {
  const s = str(v, path, 200, issues);
  if (s === undefined) return undefined;
  if (!SAMPLE_PATH.test(s) || s.split("/").some((p) => p === "." || p === "..")) {
    issues.add(path, "must be a sample path such as x86_64/xen_hello_world.livepatch");
    return undefined;
  }
  return s;
}

/** Checks a parsed JSON value; throws ScenarioError listing every problem found. */
export function validateScenario(raw: unknown): Scenario {
  const issues = new Issues();
  if (!isObj(raw)) throw new ScenarioError([{ path: "", message: "a scenario file is a JSON object" }]);
  if (raw.format !== SCENARIO_FORMAT) issues.add("format", `must be "${SCENARIO_FORMAT}"`);
  if (raw.version !== SCENARIO_VERSION) {
    const v = raw.version;
    issues.add("version", typeof v === "number" ? `is ${v}; this page reads version ${SCENARIO_VERSION}` : `must be ${SCENARIO_VERSION}`);
    // Another version's fields may mean other things: stop before misreading them.
    throw new ScenarioError(issues.list);
  }
  noExtraKeys(raw, ["format", "version", "id", "title", "summary", "image", "payloads", "cpus", "steps"], "", issues);
  const id = str(raw.id, "id", 64, issues);
  if (id !== undefined && !SCENARIO_ID.test(id)) issues.add("id", "must be lower-case letters, digits and dashes (at most 64)");
  const title = str(raw.title, "title", LIMITS.title, issues);
  const summary = str(raw.summary, "summary", LIMITS.summary, issues, { optional: true, empty: true, prose: true }) ?? "";
  const image = samplePath(raw.image, "image", issues);
  const imageInfo = image === undefined ? undefined : sampleInfo(image);
  if (image !== undefined && imageInfo?.kind !== "image") issues.add("image", `${image} is not a sample image; the images are ${SAMPLE_IMAGES.join(", ")}`);
  // Each payload with its index in the file, so messages name the entry the user wrote.
  const listed: { at: number; path: string }[] = [];
  if (!Array.isArray(raw.payloads) || raw.payloads.length > LIMITS.payloads) issues.add("payloads", `must be a list of at most ${LIMITS.payloads} sample paths`);
  else
    raw.payloads.forEach((p: unknown, at) => {
      const path = samplePath(p, `payloads[${at}]`, issues);
      if (path !== undefined) listed.push({ at, path });
    });
  const payloads = listed.map((p) => p.path);
  const names = payloads.map(baseName);
  names.forEach((n, i) => {
    const first = names.indexOf(n);
    if (first !== i) issues.add(`payloads[${listed[i].at}]`, `has the same file name as payloads[${listed[first].at}] (${n})`);
  });
  for (const { at, path } of listed) {
    const info = sampleInfo(path);
    if (!info) issues.add(`payloads[${at}]`, `${path} is not one of the bundled samples`);
    else if (info.kind !== "payload") issues.add(`payloads[${at}]`, `${path} is an image, not a payload`);
    // A payload for another architecture would only meet Xen's "Unsupported ELF Machine type".
    else if (imageInfo?.kind === "image" && info.arch !== imageInfo.arch) issues.add(`payloads[${at}]`, `${path} is not for ${image}: it is an ${info.arch} payload, the image is ${imageInfo.arch}`);
  }
  const cpus = raw.cpus === undefined ? 4 : int(raw.cpus, "cpus", 1, 64, issues);
  let steps: Step[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0 || raw.steps.length > LIMITS.steps) {
    issues.add("steps", `must be a list of 1 to ${LIMITS.steps} steps`);
  } else {
    const files = Array.isArray(raw.payloads) ? new Set(names) : null;
    for (let i = 0; i < raw.steps.length && !issues.full; i++) {
      const s = step(raw.steps[i], `steps[${i}]`, files, issues);
      if (s) steps.push(s);
    }
    if (steps.length !== raw.steps.length) steps = [];
  }
  if (issues.list.length) throw new ScenarioError(issues.list);
  return { format: SCENARIO_FORMAT, version: SCENARIO_VERSION, id: id!, title: title!, summary, image: image!, payloads, cpus: cpus!, steps };
}

/**
 * Checks the scenario editor's draft as read back from this browser's storage, which it does not
 * trust (another version of the page, or anyone with access to the storage, may have written it):
 * the same field rules as a file (types, lengths, sample paths; a step kept from a loaded file is
 * checked as a file's step), but not the rules a draft may break while it is being written (an
 * empty title, command or explanation, no steps, a payload not for the image, a command naming a
 * file not ticked): Run it holds the draft to all of those, through validateScenario(). Returns
 * the draft rebuilt from what passed; throws ScenarioError listing every problem found.
 */
export function validateDraft(raw: unknown): ScenarioDraft {
  const issues = new Issues();
  if (!isObj(raw)) throw new ScenarioError([{ path: "", message: "a draft is a JSON object" }]);
  noExtraKeys(raw, ["title", "summary", "image", "payloads", "cpus", "steps"], "", issues);
  const title = str(raw.title, "title", LIMITS.title, issues, { empty: true });
  const summary = str(raw.summary, "summary", LIMITS.summary, issues, { empty: true, prose: true });
  const image = samplePath(raw.image, "image", issues);
  let payloads: string[] = [];
  if (!Array.isArray(raw.payloads) || raw.payloads.length > LIMITS.payloads) issues.add("payloads", `must be a list of at most ${LIMITS.payloads} sample paths`);
  else payloads = raw.payloads.flatMap((p: unknown, i) => samplePath(p, `payloads[${i}]`, issues) ?? []);
  // The CPUs field holds what is typed (0 while it is cleared); Run it asks for 1 to 64.
  const cpus = num(raw.cpus, "cpus", 0, 10_000, issues);
  const steps: DraftStep[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length > LIMITS.steps) issues.add("steps", `must be a list of at most ${LIMITS.steps} steps`);
  else
    for (let i = 0; i < raw.steps.length && !issues.full; i++) {
      const v: unknown = raw.steps[i];
      const path = `steps[${i}]`;
      if (!isObj(v)) {
        issues.add(path, "must be an object with a title, command and explanation");
        continue;
      }
      noExtraKeys(v, ["title", "command", "explain", "original"], path, issues);
      const t = str(v.title, `${path}.title`, LIMITS.title, issues, { empty: true });
      const command = str(v.command, `${path}.command`, LIMITS.command, issues, { empty: true });
      const explain = str(v.explain, `${path}.explain`, LIMITS.explain, issues, { empty: true, prose: true });
      const original = v.original === null ? null : (step(v.original, `${path}.original`, null, issues) ?? null);
      if (t !== undefined && command !== undefined && explain !== undefined) steps.push({ title: t, command, explain, original });
    }
  if (issues.list.length) throw new ScenarioError(issues.list);
  return { title: title!, summary: summary!, image: image!, payloads, cpus: cpus!, steps };
}

/** File text → Scenario; JSON syntax errors are reported like any other problem. */
export function parseScenario(text: string): Scenario {
  if (text.length > LIMITS.fileBytes) throw new ScenarioError([{ path: "", message: `the file is ${text.length} bytes; a scenario is at most ${LIMITS.fileBytes}` }]);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError([{ path: "", message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  return validateScenario(raw);
}

/** The file a user saves: stable key order, two-space indent, trailing newline. */
export function serializeScenario(s: Scenario): string {
  const steps = s.steps.map((st) => ({
    ...(st.title !== undefined ? { title: st.title } : {}),
    ...(st.command !== undefined ? { command: st.command } : { knob: st.knob }),
    explain: st.explain,
    ...(st.highlight.length ? { highlight: st.highlight } : {}),
    ...(st.expect ? { expect: st.expect } : {}),
  }));
  const out = { format: s.format, version: s.version, id: s.id, title: s.title, summary: s.summary, image: s.image, payloads: s.payloads, cpus: s.cpus, steps };
  return `${JSON.stringify(out, null, 2)}\n`;
}
