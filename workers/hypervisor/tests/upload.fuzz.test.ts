// Property: mutated sample payloads never trap the simulator, UPLOAD answers 0 or one of Xen's
// negative errno values (or the host goes down with a panic naming its rule, where Xen itself
// crashes), a refused upload leaves the payload list and memory as they were, and an accepted one
// unloads cleanly. Every run starts from the same booted host (a snapshot per architecture).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseElf } from "../../../src/elf/index.ts";
import { createHypervisor, type HypervisorHost, type HypervisorSnapshot } from "../host/api.ts";
import { fuzzRuns, fuzzTimeout, fuzzTimer } from "../../../src/test-support/fuzz.ts";
import { boot, snapshotModule } from "./harness.ts";
import { payloadBytes, type SampleArch } from "./support/payloads.ts";

const RUNS = fuzzRuns(300);
const XEN_ERRNOS = new Set([0, -1, -2, -7, -11, -12, -14, -16, -17, -22, -28, -34, -38, -61, -75, -95, -105]);

const BASES: [SampleArch, string][] = [
  ["x86_64", "xen_hello_world"],
  ["x86_64", "xen_alternatives"],
  ["x86_64", "xen_replace_world"],
  ["aarch64", "xen_hello_world"],
  ["aarch64", "xen_nop"],
  ["arm32", "xen_hello_world"],
];

/** Byte ranges worth aiming at: the ELF header, the section table and every section's data. */
function hotRanges(bytes: Uint8Array): [number, number][] {
  const elf = parseElf(bytes);
  const out: [number, number][] = [[0, elf.header.elfClass === 64 ? 64 : 52]];
  for (const s of elf.sections) {
    out.push([s.header.offset, s.header.size]);
    if (s.dataSize > 0) out.push([s.dataOffset, s.dataSize]);
  }
  return out;
}

const mutation = fc.record({
  base: fc.integer({ min: 0, max: BASES.length - 1 }),
  edits: fc.array(
    fc.record({
      range: fc.nat(),
      at: fc.nat(),
      width: fc.constantFrom(1, 2, 4, 8),
      // Two 32-bit halves: as random as fc.bigInt over 64 bits, at a fraction of its cost.
      value: fc.oneof(
        fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })).map(([hi, lo]) => (BigInt(hi) << 32n) | BigInt(lo)),
        fc.constantFrom(0n, 1n, 0xffn, 0xffffn, 0xffffffffn, 1n << 63n, 4096n),
      ),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  truncate: fc.option(fc.nat(), { freq: 8 }),
});

interface World {
  hv: HypervisorHost;
  /** Booted, with the resident payload loaded: where every run starts. */
  start: HypervisorSnapshot;
  listBefore: string;
  imageProbe: string;
  probeAddr: bigint;
  nextBase: bigint;
}

async function world(arch: SampleArch): Promise<World> {
  const hv = await createHypervisor(await snapshotModule());
  boot(hv, arch, 1);
  // One payload already loaded, so symbol lookups and duplicate checks see a payload too.
  expect(hv.upload("resident", payloadBytes(arch, arch === "arm32" ? "xen_nop" : "xen_dup_a"))).toBe(0);
  const d = hv.payload("resident") as unknown as { regions: { text: { addr: string } }; pages: number };
  const probeAddr = hv.symbol("xen_extra_version")!.addr;
  return {
    hv,
    start: hv.snapshot(),
    listBefore: JSON.stringify(hv.list()),
    imageProbe: hex(hv.readMemory(probeAddr, 64)!),
    probeAddr,
    nextBase: BigInt(d.regions.text.addr) + BigInt(d.pages) * 4096n + 4096n,
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

/** A plain assertion: `expect` costs tens of microseconds a call. */
function ensure(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

describe("UPLOAD of mutated payloads", () => {
  it(
    `never traps, answers Xen's errno values, and leaves nothing behind on failure (${RUNS} runs)`,
    async () => {
      const worlds = new Map<SampleArch, World>();
      for (const arch of new Set(BASES.map(([a]) => a))) worlds.set(arch, await world(arch));
      const samples = BASES.map(([arch, name]) => {
        const bytes = payloadBytes(arch, name);
        return { arch, bytes, ranges: hotRanges(bytes) };
      });
      let accepted = 0;
      let refused = 0;
      const timer = fuzzTimer("upload", RUNS);
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const s = samples[m.base];
          const w = worlds.get(s.arch)!;
          // Each run from the same host, so a failure replays (and shrinks) on its own.
          await w.hv.restore(w.start);
          let bytes = s.bytes.slice();
          const dv = new DataView(bytes.buffer);
          for (const e of m.edits) {
            const [lo, len] = s.ranges[e.range % s.ranges.length];
            const at = lo + (len > 0 ? e.at % len : 0);
            for (let k = 0; k < e.width && at + k < bytes.length; k++) dv.setUint8(at + k, Number((e.value >> BigInt(8 * k)) & 0xffn));
          }
          if (m.truncate !== null) bytes = bytes.slice(0, m.truncate % (bytes.length + 1));
          const seen = w.hv.events().length;
          const rc = w.hv.upload("fuzzed", bytes);
          ensure(XEN_ERRNOS.has(rc), () => `UPLOAD answered ${rc}`);
          if (w.hv.halted()) {
            // Where Xen itself crashes, the host goes down with a panic that names its rule.
            const panic = w.hv.events().slice(seen).find((e) => e.kind === "panic");
            ensure(panic?.kind === "panic" && w.hv.ruleIds().includes(panic.rule ?? ""), () => `halted without a panic naming a rule: ${JSON.stringify(panic)}`);
            return;
          }
          ensure(hex(w.hv.peekMemory(w.probeAddr, 64)!) === w.imageProbe, () => "Xen's text changed");
          if (rc !== 0) {
            refused++;
            ensure(JSON.stringify(w.hv.list()) === w.listBefore, () => `a refused upload changed the list: ${JSON.stringify(w.hv.list())}`);
            ensure(w.hv.readMemory(w.nextBase, 1) === null, () => "a refused upload left memory mapped");
            ensure(w.hv.payload("fuzzed") === null, () => "a refused upload left its payload");
            return;
          }
          accepted++;
          // UNLOAD of the CHECKED payload gives its pages back (unless an unload hook brings the host down).
          if (w.hv.action("fuzzed", 1) === 0 && !w.hv.halted()) {
            ensure(w.hv.payload("fuzzed") === null, () => "UNLOAD left the payload");
            ensure(w.hv.readMemory(w.nextBase, 1) === null, () => "UNLOAD left memory mapped");
          }
        }),
        { numRuns: RUNS },
      );
      timer.report();
      // The mutations must reach both outcomes, or the property says little.
      if (RUNS >= 100) {
        expect(accepted).toBeGreaterThan(0);
        expect(refused).toBeGreaterThan(0);
      }
    },
    fuzzTimeout(120_000),
  );
});
