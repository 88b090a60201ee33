// Random sequences of hypercalls, stalls, NMIs and advances on the x86-64 sample image. After
// every step: no trap; Xen's text differs from the image only inside ranges an applied function
// wrote; with nothing applied it is byte-identical; payloads only move CHECKED<->APPLIED (and
// appear/disappear only as CHECKED); the applied set behaves as a stack; the topmost trampoline
// on each patched address is the one in memory.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseElf, sectionByName, sectionData } from "../../../src/elf/index.ts";
import { HypervisorTrapError, type HypervisorApi } from "../host/api.ts";
import { APPLIED, CHECKED, addr, boot, freshHypervisor, jmp, sample } from "./harness.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// A few payloads often, so applies and reverts actually meet; the rest now and then.
const CORE = ["xen_hello_world", "xen_bye_world", "xen_replace_world", "xen_nop", "xen_endbr"];
const OTHERS = [
  "xen_expectations",
  "xen_expectations_fail",
  "xen_prepost_hooks",
  "xen_action_hooks",
  "xen_action_hooks_nofunc",
  "xen_data_bss",
  "xen_alternatives",
  "xen_dup_a",
  "xen_dup_b",
];
const HOOKS = ["preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;
const MARKS = ["consistent", "none", "all", "first"] as const;

const image = parseElf(sample("x86_64/xen-syms"));
const text = sectionByName(image, ".text")!;
const TEXT_ADDR = text.addr;
const TEXT = sectionData(image, text.index).slice();

type Op =
  | { op: "upload"; name: string }
  | { op: "action"; name: string; cmd: 1 | 2 | 3 | 4; timeout: number; flags: number }
  | { op: "tool"; name: string; cmd: 1 | 2 | 3 | 4; flags: number }
  | { op: "advance"; ns: number }
  | { op: "stall"; cpu: number; ns: number }
  | { op: "nmi"; cpu: number }
  | { op: "cpus"; n: number }
  | { op: "hook"; name: string; kind: (typeof HOOKS)[number]; rc: number }
  | { op: "marks"; name: string; kind: "apply" | "revert"; how: (typeof MARKS)[number] };

const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CORE) }, { weight: 1, arbitrary: fc.constantFrom(...OTHERS) });
const cmd = fc.oneof(
  { weight: 3, arbitrary: fc.constant(3 as const) },
  { weight: 3, arbitrary: fc.constant(2 as const) },
  { weight: 1, arbitrary: fc.constant(4 as const) },
  { weight: 1, arbitrary: fc.constant(1 as const) },
);
// fast-check leans towards small integers; name the durations that matter (idle delays of
// 0.02-2 ms, the 30 ms deadline, the tool's 60 ms) so rendezvous both finish and time out.
const duration = fc.oneof(
  fc.constantFrom(0, 20_000, 1_000_000, 2_000_000, 29_999_000, 30_000_000, 45_000_000, 60_000_000),
  fc.integer({ min: 0, max: 80_000_000 }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("upload" as const), name }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant("action" as const),
      name,
      cmd,
      timeout: fc.constantFrom(0, 0, 30_000_000, 1000, 500_000),
      flags: fc.constantFrom(0, 1),
    }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("advance" as const), ns: duration }) },
  // As xen-livepatch does it: the hypercall, then 60 ms.
  { weight: 8, arbitrary: fc.record({ op: fc.constant("tool" as const), name, cmd, flags: fc.constantFrom(0, 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("stall" as const), cpu: fc.integer({ min: 0, max: 5 }), ns: duration }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("nmi" as const), cpu: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cpus" as const), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("hook" as const), name, kind: fc.constantFrom(...HOOKS), rc: fc.constantFrom(0, -1, -22) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("marks" as const), name, kind: fc.constantFrom("apply" as const, "revert" as const), how: fc.constantFrom(...MARKS) }),
  },
);

function step(hv: HypervisorApi, o: Op): void {
  switch (o.op) {
    case "upload":
      hv.upload(o.name, sample(`x86_64/${o.name}.livepatch`));
      break;
    case "action":
      hv.action(o.name, o.cmd, o.timeout, o.flags);
      break;
    case "advance":
      hv.advance(o.ns);
      break;
    case "tool":
      hv.action(o.name, o.cmd, 30_000_000, o.flags);
      hv.advance(60_000_000);
      break;
    case "stall":
      hv.setCpuDelay(o.cpu, o.ns);
      break;
    case "nmi":
      hv.injectNmi(o.cpu);
      break;
    case "cpus":
      hv.setCpus(o.n);
      break;
    case "hook":
      hv.setHookResult(o.name, o.kind, o.rc);
      break;
    case "marks":
      hv.setHookMarks(o.name, o.kind, o.how);
      break;
  }
}

interface Fn {
  oldAddr: string;
  newAddr: string;
  applied: boolean;
  patchOffset: number;
  saved: string;
}

function check(hv: HypervisorApi, stack: string[], before: Map<string, number>): void {
  const list = hv.list();
  const now = new Map(list.map((e) => [e.name, e.state]));
  // Legal transitions only.
  for (const [n, s] of before) {
    const t = now.get(n);
    if (t === undefined) expect(s, `${n} vanished while APPLIED`).toBe(CHECKED);
  }
  for (const [n, t] of now) {
    expect([CHECKED, APPLIED]).toContain(t);
    if (!before.has(n)) expect(t, `${n} appeared APPLIED`).toBe(CHECKED);
  }
  // Stack discipline: the surviving applied payloads are a prefix of the old stack.
  const applied = new Set(list.filter((e) => e.state === APPLIED).map((e) => e.name));
  let keep = 0;
  while (keep < stack.length && applied.has(stack[keep])) keep++;
  for (let i = keep; i < stack.length; i++) expect(applied.has(stack[i]), `${stack[i]} reverted out of order`).toBe(false);
  stack.length = keep;
  for (const e of list) if (e.state === APPLIED && !stack.includes(e.name)) stack.push(e.name);

  // Memory: outside applied write ranges the text is the image's; with nothing applied, all of it.
  const mem = hv.readMemory(TEXT_ADDR, TEXT.length)!;
  const allowed = new Uint8Array(TEXT.length);
  const topAt = new Map<bigint, { expect: string; at: bigint }>();
  for (const n of stack) {
    const p = hv.payload(n)!;
    const hooked = (p.hooks as { kind: string; present: boolean }[]).some((h) => h.present && (h.kind === "apply" || h.kind === "revert"));
    for (const f of p.funcs as Fn[]) {
      if (!f.applied) continue;
      const at = addr(f.oldAddr) + BigInt(f.patchOffset);
      const len = f.saved.length / 2;
      for (let k = 0; k < len; k++) {
        const i = Number(at - TEXT_ADDR) + k;
        if (i >= 0 && i < allowed.length) allowed[i] = 1;
      }
      if (!hooked && addr(f.newAddr) !== 0n && len === 5) topAt.set(at, { expect: jmp(at, addr(f.newAddr)), at });
    }
  }
  for (let i = 0; i < TEXT.length; i++) {
    if (!allowed[i] && mem[i] !== TEXT[i]) throw new Error(`text byte at +0x${i.toString(16)} changed outside any applied range`);
  }
  if (stack.length === 0 && !hv.halted()) expect(Buffer.from(mem).equals(Buffer.from(TEXT))).toBe(true);
  for (const { expect: want, at } of topAt.values()) expect(Buffer.from(hv.readMemory(at, 5)!).toString("hex")).toBe(want);
}

describe("simulator invariants under random scenarios", () => {
  it("hold for every step", async () => {
    const hv = await freshHypervisor();
    let reverts = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40, size: "max" }), async (ops) => {
        await hv.ready();
        boot(hv, "x86_64", 4);
        const stack: string[] = [];
        for (const o of ops) {
          const before = new Map(hv.list().map((e) => [e.name, e.state]));
          try {
            step(hv, o);
          } catch (e) {
            if (e instanceof HypervisorTrapError) throw new Error(`trap on ${JSON.stringify(o)}: ${e.detail}`);
            throw e;
          }
          check(hv, stack, before);
        }
        hv.advance(200_000_000);
        check(hv, stack, new Map(hv.list().map((e) => [e.name, e.state])));
        reverts += hv.events().filter((e) => e.kind === "write" && e.note?.endsWith("original bytes restored")).length;
      }),
      { numRuns: RUNS },
    );
    // The generator must reach real reverts often enough for the byte checks to mean something.
    expect(reverts).toBeGreaterThan(RUNS / 20);
    // Generous: the machine running the suite may be shared; this bounds a hang, not speed.
  }, 600_000);
});
