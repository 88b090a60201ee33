// The scenario schema: what a valid file looks like, and the named-field errors for broken ones.
import { describe, expect, it } from "vitest";
import { ScenarioError, type Scenario } from "./schema.ts";
import { parseScenario, serializeScenario, validateDraft, validateScenario } from "./validate.ts";
import { inputsThrough, pathStatus, stepInputs } from "./inputs.ts";
import { formatScenarioHash, parseScenarioHash } from "./hash.ts";
import { parseCatalogueIndex } from "./catalogue.ts";
import { ARCHMIX_SCENARIO } from "../test-support/archmixScenario.ts";

const good = () => ({
  format: "livepatch-lens-scenario",
  version: 1,
  id: "mine",
  title: "Mine",
  summary: "s",
  image: "x86_64/xen-syms",
  payloads: ["x86_64/xen_hello_world.livepatch"],
  cpus: 2,
  steps: [
    { command: "upload xen_hello_world xen_hello_world.livepatch", explain: "up", highlight: [{ kind: "field", payload: "xen_hello_world", func: 0, field: "old_addr" }] },
    { knob: { stall: { cpu: 1, ms: 45.5 } }, explain: "slow" },
    { knob: { timeout: { ms: 100 } }, explain: "longer" },
    { command: "apply xen_hello_world", explain: "go", expect: { status: 0, states: { xen_hello_world: "APPLIED" }, rc: { xen_hello_world: 0 } } },
  ],
});

/** The problems `validate` (validateScenario by default) names in `raw`, as `path: message`. */
function issues(raw: unknown, validate: (raw: unknown) => unknown = validateScenario): string[] {
  try {
    validate(raw);
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("validateScenario", () => {
  it("accepts a well-formed file and fills defaults", () => {
    const s = validateScenario(good());
    expect(s.steps).toHaveLength(4);
    expect(s.steps[0].highlight[0]).toEqual({ kind: "field", payload: "xen_hello_world", func: 0, field: "old_addr" });
    expect(s.steps[1].highlight).toEqual([]);
    const { cpus: _c, ...noCpus } = good();
    expect(validateScenario(noCpus).cpus).toBe(4);
  });

  it("refuses another version before reading the rest", () => {
    expect(issues({ ...good(), version: 2, steps: "nonsense" })).toEqual(["version: is 2; this page reads version 1"]);
    expect(issues({ ...good(), version: "1" })).toEqual(["version: must be 1"]);
  });

  it("names every broken field at once", () => {
    const raw = good() as Record<string, unknown>;
    raw.id = "Has Spaces";
    raw.title = "";
    raw.image = "../etc/passwd";
    raw.colour = "red";
    raw.steps = [
      { command: "apply 'x", explain: "e" },
      { knob: { stall: { cpu: 99, ms: -1 } }, explain: "e" },
      { knob: { hook: { payload: "p", kind: "sideways", rc: 1.5 } }, explain: "e" },
      { command: "upload a other.livepatch", explain: "e" },
      { command: "list", knob: { cpus: 2 }, explain: "e" },
      { command: "list", highlight: [{ kind: "cpu", cpu: "two" }, { kind: "addr", addr: "12" }, { kind: "nope" }] },
      { knob: { cpus: 2, stall: {} }, explain: "e" },
    ];
    expect(issues(raw)).toEqual([
      "colour: is not a known field",
      "id: must be lower-case letters, digits and dashes (at most 64)",
      "title: must not be empty",
      "image: must be a sample path such as x86_64/xen_hello_world.livepatch",
      "steps[0].command: has an unterminated quote",
      "steps[1].knob.stall.cpu: must be a whole number from 0 to 63",
      "steps[1].knob.stall.ms: must be a number from 0 to 10000",
      "steps[2].knob.hook.kind: must be one of preapply, apply, postapply, prerevert, revert, postrevert",
      "steps[2].knob.hook.rc: must be a whole number from -2147483648 to 2147483647",
      "steps[3].command: names the file 'other.livepatch', which is not among the scenario's payloads",
      "steps[4]: needs exactly one of command or knob",
      "steps[5].explain: is missing",
      "steps[5].highlight[0].cpu: must be a whole number from 0 to 63",
      "steps[5].highlight[1].addr: must be a 0x-prefixed hex address of up to 64 bits",
      "steps[5].highlight[2].kind: must be one of field, symbol, addr, cpu, payload",
      "steps[6].knob: must name exactly one of cpus, stall, hook, timeout",
    ]);
  });

  it("checks payload paths, duplicate file names and step counts", () => {
    expect(issues({ ...good(), payloads: ["a/x.livepatch", "b/x.livepatch"] })).toContain("payloads[1]: has the same file name as payloads[0] (x.livepatch)");
    expect(issues({ ...good(), payloads: ["x86_64/./x"] })).toContain("payloads[0]: must be a sample path such as x86_64/xen_hello_world.livepatch");
    expect(issues({ ...good(), steps: [] })).toEqual(["steps: must be a list of 1 to 200 steps"]);
    expect(issues({ ...good(), steps: Array.from({ length: 201 }, () => ({ command: "list", explain: "e" })) })).toEqual(["steps: must be a list of 1 to 200 steps"]);
    expect(issues([])).toEqual([": a scenario file is a JSON object"]);
  });

  it("refuses a payload built for another architecture than the image, naming both", () => {
    expect(issues({ ...good(), image: "aarch64/xen-syms" })).toEqual([
      "payloads[0]: x86_64/xen_hello_world.livepatch is not for aarch64/xen-syms: it is an x86_64 payload, the image is aarch64",
    ]);
    const archmix = ARCHMIX_SCENARIO;
    expect(() => parseScenario(JSON.stringify(archmix))).toThrow(
      "payloads[0]: x86_64/xen_hello_world.livepatch is not for aarch64/xen-syms: it is an x86_64 payload, the image is aarch64\n" +
        "payloads[1]: x86_64/xen_bye_world.livepatch is not for aarch64/xen-syms: it is an x86_64 payload, the image is aarch64",
    );
    // The same files for their own image pass; so does arm64's own build of them.
    expect(issues({ ...archmix, image: "x86_64/xen-syms" })).toEqual([]);
    expect(issues({ ...archmix, payloads: ["aarch64/xen_hello_world.livepatch", "aarch64/xen_bye_world.livepatch"] })).toEqual([]);
    // arm32 is not arm64; a legacy payload in legacy/ is x86 by the catalogue, whatever its directory.
    expect(issues({ ...good(), image: "aarch64/xen-syms", payloads: ["arm32/xen_hello_world.livepatch"] })).toEqual([
      "payloads[0]: arm32/xen_hello_world.livepatch is not for aarch64/xen-syms: it is an arm32 payload, the image is aarch64",
    ]);
    expect(issues({ ...good(), payloads: ["x86_64/xen_hello_world.livepatch", "legacy/xen_hello_world_v1.livepatch"] })).toEqual([]);
    expect(issues({ ...good(), image: "arm32/xen-syms", payloads: ["arm32/xen_hello_world.livepatch", "legacy/xen_hello_world_v1.livepatch"] })).toEqual([
      "payloads[1]: legacy/xen_hello_world_v1.livepatch is not for arm32/xen-syms: it is an x86_64 payload, the image is arm32",
    ]);
  });

  it("says when a path is not a bundled sample, or not of the kind its field needs", () => {
    expect(issues({ ...good(), image: "x86_64/xen-syms-4.19" })).toEqual(["image: x86_64/xen-syms-4.19 is not a sample image; the images are x86_64/xen-syms, aarch64/xen-syms, arm32/xen-syms"]);
    expect(issues({ ...good(), image: "x86_64/xen_hello_world.livepatch" })).toEqual([
      "image: x86_64/xen_hello_world.livepatch is not a sample image; the images are x86_64/xen-syms, aarch64/xen-syms, arm32/xen-syms",
    ]);
    // Messages name the entry as the file numbers it, even after a malformed one.
    expect(issues({ ...good(), payloads: ["../x", "x86_64/xen_hello_world.livepatch", "x86_64/nosuch.livepatch", "aarch64/xen-syms", "aarch64/xen_hello_world.livepatch"] })).toEqual([
      "payloads[0]: must be a sample path such as x86_64/xen_hello_world.livepatch",
      "payloads[4]: has the same file name as payloads[1] (xen_hello_world.livepatch)",
      "payloads[2]: x86_64/nosuch.livepatch is not one of the bundled samples",
      "payloads[3]: aarch64/xen-syms is an image, not a payload",
      "payloads[4]: aarch64/xen_hello_world.livepatch is not for x86_64/xen-syms: it is an aarch64 payload, the image is x86_64",
    ]);
  });

  it("caps the number of errors reported for a hostile file", () => {
    const steps = Array.from({ length: 150 }, () => ({ knob: { cpus: 0 } }));
    expect(issues({ ...good(), steps })).toHaveLength(25);
  });

  it("reports JSON syntax errors and oversized files", () => {
    expect(() => parseScenario("{")).toThrow(/not JSON/);
    expect(() => parseScenario(" ".repeat(1_000_001))).toThrow(/at most 1000000/);
  });

  it("round-trips through the saved file", () => {
    const s = validateScenario(good());
    const text = serializeScenario(s);
    const back: Scenario = parseScenario(text);
    expect(back).toEqual(s);
    expect(serializeScenario(back)).toBe(text);
  });
});

describe("scenario steps as simulator inputs", () => {
  it("knobs become the console's commands; the timeout knob makes later actions raw hypercalls", () => {
    const s = validateScenario(good());
    expect(stepInputs(s)).toEqual([
      { kind: "console", line: "upload xen_hello_world xen_hello_world.livepatch", via: "console" },
      { kind: "console", line: "stall 1 45.5", via: "knob" },
      null,
      { kind: "action", name: "xen_hello_world", cmd: "APPLY", timeoutNs: 100_000_000 },
    ]);
    expect(inputsThrough(stepInputs(s), 0)).toBe(0);
    expect(inputsThrough(stepInputs(s), 3)).toBe(2);
    expect(inputsThrough(stepInputs(s), 4)).toBe(3);
  });

  it("tells when a session has left the scenario's path", () => {
    const a = { kind: "console", line: "upload a a.livepatch", via: "console" } as const;
    const b = { kind: "console", line: "apply a", via: "console" } as const;
    const c = { kind: "console", line: "revert a", via: "console" } as const;
    expect(pathStatus([a, b], [a, b])).toEqual({ shared: 2, off: false });
    expect(pathStatus([a, b], [a])).toEqual({ shared: 1, off: false });
    expect(pathStatus([a, b], [a, c])).toEqual({ shared: 1, off: true });
    expect(pathStatus([a, b], [a, b, c])).toEqual({ shared: 2, off: true });
    expect(pathStatus([a, b], [{ ...b, via: "button" }])).toEqual({ shared: 0, off: true });
  });
});

describe("scenario hash", () => {
  it("parses the page, presenter and embed forms", () => {
    expect(parseScenarioHash("#scenario=hello-world&step=3")).toEqual({ mode: "page", scenario: "hello-world", step: 3, panels: [] });
    expect(parseScenarioHash("#present&scenario=replace")).toEqual({ mode: "present", scenario: "replace", step: 0, panels: [] });
    expect(parseScenarioHash("#embed&scenario=replace&step=4&panels=diagram,memory,bogus,diagram")).toEqual({
      mode: "embed",
      scenario: "replace",
      step: 4,
      panels: ["diagram", "memory"],
    });
    expect(parseScenarioHash("#embed&scenario=replace")?.panels).toEqual(["diagram", "explain"]);
    expect(parseScenarioHash("#scenario=user:mine&step=x")?.step).toBe(0);
  });

  it("drops what it does not trust", () => {
    expect(parseScenarioHash("#samples=x86_64/xen-syms&view=overview")).toBeNull();
    expect(parseScenarioHash("#scenario=../../etc")).toBeNull();
    expect(parseScenarioHash("#scenario=%3Cscript%3E")).toBeNull();
  });

  it("formats what it parses", () => {
    for (const h of ["#scenario=hello-world&step=3", "#present&scenario=replace&step=0", "#embed&scenario=replace&step=4&panels=diagram,memory"]) {
      expect(formatScenarioHash(parseScenarioHash(h)!)).toBe(h);
    }
  });
});

describe("catalogue index", () => {
  it("accepts a list of ids and rejects anything else", () => {
    expect(parseCatalogueIndex('{"version":1,"scenarios":["a","b-2"]}').scenarios).toEqual(["a", "b-2"]);
    expect(() => parseCatalogueIndex('{"version":2,"scenarios":[]}')).toThrow(/version/);
    expect(() => parseCatalogueIndex('{"version":1,"scenarios":["../x"]}')).toThrow(/scenarios\[0\]/);
  });
});

describe("validateDraft (the editor's draft read back from storage)", () => {
  const draft = () => ({
    title: "",
    summary: "",
    image: "x86_64/xen-syms",
    payloads: ["x86_64/xen_hello_world.livepatch"],
    cpus: 0,
    steps: [
      { title: "", command: "", explain: "", original: null },
      { title: "Apply", command: "apply xen_hello_world", explain: "go", original: { command: "apply xen_hello_world", explain: "go", highlight: [], expect: { status: 0 } } },
    ],
  });
  const draftIssues = (raw: unknown) => issues(raw, validateDraft);

  it("keeps an unfinished draft that Run it would refuse (empty title, command and explanation; CPUs cleared)", () => {
    expect(issues({ ...good(), title: "" })).toContain("title: must not be empty");
    expect(validateDraft(draft())).toEqual(draft());
    expect(validateDraft({ ...draft(), steps: [] }).steps).toEqual([]);
  });

  it("rebuilds the draft from what passed: a kept step is the validator's step, not the stored object", () => {
    const d = draft();
    d.steps[1].original = { command: "apply xen_hello_world", explain: "go" } as never;
    expect(validateDraft(d).steps[1].original).toEqual({ command: "apply xen_hello_world", explain: "go", highlight: [] });
  });

  it("names every field it does not trust, by the file's rules", () => {
    expect(draftIssues(null)).toEqual([": a draft is a JSON object"]);
    expect(draftIssues([])).toEqual([": a draft is a JSON object"]);
    expect(draftIssues({ ...draft(), title: 5, cpus: "4", extra: 1 })).toEqual(["extra: is not a known field", "title: must be a string", "cpus: must be a number from 0 to 10000"]);
    expect(draftIssues({ ...draft(), image: "../../etc/passwd", payloads: "x86_64/xen_hello_world.livepatch" })).toEqual([
      "image: must be a sample path such as x86_64/xen_hello_world.livepatch",
      "payloads: must be a list of at most 32 sample paths",
    ]);
    expect(draftIssues({ ...draft(), title: "t".repeat(201) })).toEqual(["title: is 201 characters long; at most 200"]);
    expect(draftIssues({ ...draft(), steps: [{ title: "", command: 1, explain: "", original: null }, "x", { title: "", command: "", explain: "" }] })).toEqual([
      "steps[0].command: must be a string",
      "steps[1]: must be an object with a title, command and explanation",
      "steps[2].original: must be an object with a command or a knob",
    ]);
    expect(draftIssues({ ...draft(), steps: [{ title: "", command: "cpus 99", explain: "", original: { knob: { cpus: 99 }, explain: "x" } }] })).toEqual([
      "steps[0].original.knob.cpus: must be a whole number from 1 to 64",
    ]);
    expect(draftIssues({ ...draft(), steps: Array.from({ length: 201 }, () => draft().steps[0]) })).toEqual(["steps: must be a list of at most 200 steps"]);
  });
});

// A hostile file's title "Hello\u202eworld" showed reversed in the scenario picker ("Hellodlrow"),
// and a command's BEL and ESC showed as boxes on the step chips (the console spells them \x07\x1b).
// Unicode: U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE are bidi controls, U+0007
// BEL and U+001B ESC C0 controls, U+0085 NEXT LINE a C1 control.
describe("control characters", () => {
  it("are refused in the title, step titles and commands, with the code point named", () => {
    const raw = good();
    raw.title = "Hello\u202eworld";
    (raw.steps[0] as { title?: string }).title = "up\u2066";
    raw.steps[3].command = "apply xen_hello_world\u0007\u001b[31m";
    expect(issues(raw)).toEqual([
      "title: holds U+202E, a control character; only printable text is allowed",
      "steps[0].title: holds U+2066, a control character; only printable text is allowed",
      "steps[3].command: holds U+0007, a control character; only printable text is allowed",
    ]);
  });

  it("are refused in an explanation and the summary, but for line breaks and tabs", () => {
    const raw = good();
    raw.summary = "first line\nsecond\tcolumn";
    raw.steps[0].explain = "one\ntwo";
    expect(issues(raw)).toEqual([]);
    raw.steps[1].explain = "a\u0085b";
    expect(issues(raw)).toEqual(["steps[1].explain: holds U+0085, a control character; only printable text is allowed"]);
  });
});
