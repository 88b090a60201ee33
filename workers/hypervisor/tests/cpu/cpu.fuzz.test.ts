// Random bytes run as code, on every architecture: the interpreter never traps the wasm and every
// run ends in a result (return or halt), a fault, an unsupported instruction, a service stop or
// the step budget, with the instruction count inside the budget. Half the inputs are random
// bytes, half are random sequences of real encodings (the test snippets) with random bytes
// mixed in, so that decoding gets past the first instruction. Registers start as random values,
// addresses inside the mapped data or boundary values. FUZZ_RUNS sets the runs per architecture.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { fuzzRuns, fuzzTimer } from "../../../../src/test-support/fuzz.ts";
import fc from "fast-check";
import { newBox, runCode, DATA, type Box } from "./harness.ts";
import type { CpuArch } from "../../host/cpu.ts";

const RUNS = fuzzRuns(300);
const BUDGET = 5000n;
const table = JSON.parse(readFileSync(new URL("./fixtures/encodings.json", import.meta.url), "utf8")) as Record<string, string>;
const pool = (prefix: string) =>
  Object.entries(table)
    .filter(([k]) => k.startsWith(prefix))
    .map(([, v]) => new Uint8Array(Buffer.from(v, "hex")));
const POOLS: Record<CpuArch, Uint8Array[]> = { x86_64: pool("x86:"), aarch64: pool("a64:"), arm32: pool("a32:") };
const ENDINGS = new Set(["returned", "halt", "fault", "unsupported", "service", "budget"]);

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

function code(arch: CpuArch) {
  const random = fc.uint8Array({ minLength: 1, maxLength: 512 });
  const mixed = fc.array(fc.oneof(fc.constantFrom(...POOLS[arch]), fc.uint8Array({ maxLength: 8 })), { minLength: 1, maxLength: 40 }).map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out.length > 0 ? out : new Uint8Array([0]);
  });
  return fc.oneof(random, mixed);
}

// boundary values reach the edges of division, shifts and sign extension
const EDGES = [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffn, 0x8000n, 0x80n];
const arg = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 0x1ff8n }).map((o) => DATA + o), fc.constantFrom(...EDGES));

describe("random code never traps the wasm", () => {
  for (const arch of ["x86_64", "aarch64", "arm32"] as CpuArch[]) {
    it(`${arch}: every run ends in a defined way`, () => {
      const timer = fuzzTimer(`interpreter ${arch}`, RUNS);
      fc.assert(
        fc.property(code(arch), fc.array(arg, { minLength: 8, maxLength: 8 }), (bytes, args) => {
          const stop = runCode(box, arch, bytes, { args, budget: BUDGET });
          expect(ENDINGS.has(stop.kind), stop.kind).toBe(true);
          expect(box.cpu.counters().instructions).toBeLessThanOrEqual(Number(BUDGET));
          if (stop.kind === "unsupported") expect(stop.bytes.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );
      timer.report();
    });
  }
});
