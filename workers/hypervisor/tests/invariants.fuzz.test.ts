// Random sequences of hypercalls, stalls, NMIs and advances on the x86-64 sample image, each run
// from the same booted host (a snapshot taken once). After every step: no trap, and the invariants
// in support/invariants.ts (payload states and the applied stack, LIST and payload_version, every
// change to Xen's text reported and taken back exactly, the text the image's outside applied
// functions). FUZZ_RUNS sets the number of sequences (default 200).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseElf, sectionByName, sectionData } from "../../../src/elf/index.ts";
import { createHypervisor, HypervisorTrapError, type HypervisorApi } from "../host/api.ts";
import { fuzzRuns, fuzzTimeout, fuzzTimer } from "../../../src/test-support/fuzz.ts";
import { boot, sample, snapshotModule } from "./harness.ts";
import { RunChecker } from "./support/invariants.ts";

const RUNS = fuzzRuns(200);
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
  | { op: "cycle"; name: string }
  | { op: "advance"; ns: number }
  | { op: "stall"; cpu: number; ns: number; phase: "idle" | "irq"; persistent: boolean }
  | { op: "unstall" }
  | { op: "nmi"; cpu: number; path: string[] }
  | { op: "raw"; name: string; cmd: 1 | 2 | 3 | 4; pad: number; opFlags: number; namePad: number }
  | { op: "get"; name: string; opFlags: number; namePad: number }
  | { op: "list"; idx: number; nr: number; nameCap: number; metaCap: number; pad: number; opFlags: number }
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
  // APPLY then REVERT of one payload (with NODEPS), the tool's way: keeps byte restores common.
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cycle" as const), name }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("stall" as const),
      cpu: fc.integer({ min: 0, max: 5 }),
      ns: duration,
      phase: fc.constantFrom("idle" as const, "idle" as const, "irq" as const),
      // Rarely persistent: a long persistent stall blocks every later rendezvous of the run.
      persistent: fc.constantFrom(false, false, false, false, false, true),
    }),
  },
  // Clears every CPU's stalls, so a persistent one does not last the rest of the run.
  { weight: 1, arbitrary: fc.record({ op: fc.constant("unstall" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("nmi" as const),
      cpu: fc.integer({ min: 0, max: 5 }),
      path: fc.subarray(["xen_extra_version", "xen_minor_version", "xen_changeset", "do_nmi", "nosuch"]),
    }),
  },
  // Hypercalls with odd struct words (pads, op flags, LIST sizes): one weight between them so
  // they do not crowd out the applies and reverts the byte checks need.
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({
        op: fc.constant("raw" as const),
        name,
        cmd,
        pad: fc.constantFrom(0, 0, 1, 0x80000000),
        opFlags: fc.constantFrom(0, 0, 1, 2, 3, 0xffffffff),
        namePad: fc.constantFrom(0, 0, 1),
      }),
      fc.record({ op: fc.constant("get" as const), name, opFlags: fc.constantFrom(0, 1, 2, 3), namePad: fc.constantFrom(0, 0, 1) }),
      fc.record({
        op: fc.constant("list" as const),
        idx: fc.constantFrom(0, 0, 1, 2, 7, 0xffffffff),
        nr: fc.constantFrom(0, 1, 2, 5, 1024, 1025, 0xffffffff),
        nameCap: fc.constantFrom(0, 5, 16, 40, 0xffffffff),
        metaCap: fc.constantFrom(0, 15, 16, 0xffffffff),
        pad: fc.constantFrom(0, 0, 0, 1),
        opFlags: fc.constantFrom(0, 0, 1, 2, 3),
      }),
    ),
  },
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
    case "cycle":
      for (const cmd of [3, 2] as const) {
        hv.action(o.name, cmd, 30_000_000, 1);
        hv.advance(60_000_000);
      }
      break;
    case "stall":
      if (o.phase === "idle" && !o.persistent) hv.setCpuDelay(o.cpu, o.ns);
      else hv.setCpuStall(o.cpu, o.ns, { phase: o.phase, persistent: o.persistent });
      break;
    case "unstall":
      for (let cpu = 0; cpu < 6; cpu++) hv.clearCpuStall(cpu);
      break;
    case "nmi":
      hv.injectNmi(o.cpu, { path: o.path });
      break;
    case "raw": {
      const rc = hv.action(o.name, o.cmd, 0, 0, { pad: o.pad, opFlags: o.opFlags, namePad: o.namePad });
      const flagsBad = (o.opFlags & ~1) !== 0 && (o.opFlags & 1) === 0;
      if (!hv.halted() && (flagsBad || o.pad !== 0 || o.namePad !== 0)) expect(rc).toBe(-22);
      break;
    }
    case "get": {
      const r = hv.get(o.name, { opFlags: o.opFlags, namePad: o.namePad });
      if (!hv.halted() && (o.opFlags === 2 || o.namePad !== 0)) expect(r.ret).toBe(-22);
      break;
    }
    case "list": {
      const r = hv.listOp(o.idx, o.nr, o.nameCap, o.metaCap, { pad: o.pad, opFlags: o.opFlags });
      const count = hv.list().length;
      if (hv.halted()) break;
      if (o.opFlags === 2 || (o.nr <= 1024 && o.pad !== 0)) expect(r.rc).toBe(-22);
      else if (o.nr > 1024) expect(r.rc).toBe(-7);
      else if (count > 0 && o.idx >= count) expect(r.rc).toBe(-22);
      else if (r.rc >= 0) {
        expect(r.entries).toHaveLength(o.nr === 0 ? 0 : r.rc);
        // Probe: nr is the count. Fetch: written + remaining + skipped is the count.
        if (o.nr === 0) expect(r.nr).toBe(count);
        else expect(r.rc + r.nr + Math.min(o.idx, count)).toBe(count);
      } else expect(r.rc).toBe(-105);
      break;
    }
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

describe("simulator invariants under random scenarios", () => {
  it(
    `hold for every step (${RUNS} runs)`,
    async () => {
      const hv = await createHypervisor(await snapshotModule());
      boot(hv, "x86_64", 4);
      const start = RunChecker.baseline(hv);
      const booted = hv.snapshot();
      const timer = fuzzTimer("simulator invariants", RUNS);
      let restores = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40, size: "max" }), async (ops) => {
          // Every run starts from the same freshly booted host.
          await hv.restore(booted);
          const run = new RunChecker(hv, TEXT_ADDR, TEXT, true, start);
          for (const o of ops) {
            try {
              step(hv, o);
            } catch (e) {
              if (e instanceof HypervisorTrapError) throw new Error(`trap on ${JSON.stringify(o)}: ${e.detail}`);
              throw e;
            }
            run.step();
          }
          hv.advance(200_000_000);
          run.step();
          run.end();
          restores += run.restores;
        }),
        { numRuns: RUNS },
      );
      timer.report();
      // The generator must reach real reverts often enough for the byte checks to mean something.
      expect(restores).toBeGreaterThan(RUNS / 20);
    },
    fuzzTimeout(120_000),
  );
});
