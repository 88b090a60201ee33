// Property: mutated sample payloads never trap the simulator, UPLOAD answers 0 or one of Xen's
// negative errno values (or brings the host down where Xen itself crashes, naming why), and a
// refused upload leaves the payload list and memory as they were.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseElf } from "../../../src/elf/index.ts";
import type { HypervisorApi } from "../host/api.ts";
import { bootArch, payloadBytes, type SampleArch } from "./support/payloads.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
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
      value: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, 1n, 0xffn, 0xffffn, 0xffffffffn, 1n << 63n, 4096n)),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  truncate: fc.option(fc.nat(), { freq: 8 }),
});

interface World {
  hv: HypervisorApi;
  arch: SampleArch;
  listBefore: string;
  imageProbe: Uint8Array;
  probeAddr: bigint;
  nextBase: bigint;
}

async function freshWorld(arch: SampleArch): Promise<World> {
  const hv = await bootArch(arch, 1);
  // One payload already loaded, so symbol lookups and duplicate checks see a payload too.
  expect(hv.upload("resident", payloadBytes(arch, arch === "arm32" ? "xen_nop" : "xen_dup_a"))).toBe(0);
  const d = hv.payload("resident") as unknown as { regions: { text: { addr: string } }; pages: number };
  const probeAddr = hv.symbol("xen_extra_version")!.addr;
  return {
    hv,
    arch,
    listBefore: JSON.stringify(hv.list()),
    imageProbe: hv.readMemory(probeAddr, 64)!,
    probeAddr,
    nextBase: BigInt(d.regions.text.addr) + BigInt(d.pages) * 4096n + 4096n,
  };
}

describe("UPLOAD of mutated payloads", () => {
  it(`never traps, answers Xen's errno values, and leaves nothing behind on failure (${RUNS} runs)`, async () => {
    const worlds = new Map<SampleArch, World>();
    const samples = BASES.map(([arch, name]) => {
      const bytes = payloadBytes(arch, name);
      return { arch, bytes, ranges: hotRanges(bytes) };
    });
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const s = samples[m.base];
        let w = worlds.get(s.arch);
        if (!w) {
          w = await freshWorld(s.arch);
          worlds.set(s.arch, w);
        }
        let bytes = s.bytes.slice();
        const dv = new DataView(bytes.buffer);
        for (const e of m.edits) {
          const [lo, len] = s.ranges[e.range % s.ranges.length];
          const at = lo + (len > 0 ? e.at % len : 0);
          for (let k = 0; k < e.width && at + k < bytes.length; k++) dv.setUint8(at + k, Number((e.value >> BigInt(8 * k)) & 0xffn));
        }
        if (m.truncate !== null) bytes = bytes.slice(0, m.truncate % (bytes.length + 1));
        const rc = w.hv.upload("fuzzed", bytes);
        expect(XEN_ERRNOS.has(rc)).toBe(true);
        if (w.hv.halted()) {
          // Where Xen 4.23 itself crashes (a NULL section header, a bad pointer it reads), the
          // host goes down with Xen's panic, and the panic event names the rule.
          const panicEv = w.hv.events().filter((e) => e.kind === "panic").at(-1);
          expect(panicEv?.kind === "panic" && w.hv.ruleIds().includes(panicEv.rule ?? "")).toBe(true);
          worlds.delete(s.arch);
          return;
        }
        expect(Array.from(w.hv.readMemory(w.probeAddr, 64)!)).toEqual(Array.from(w.imageProbe));
        if (rc !== 0) {
          refused++;
          expect(JSON.stringify(w.hv.list())).toBe(w.listBefore);
          expect(w.hv.readMemory(w.nextBase, 1)).toBeNull();
          expect(w.hv.payload("fuzzed")).toBeNull();
          return;
        }
        accepted++;
        // Accepted: make room again (UNLOAD of a CHECKED payload) or start over.
        if (w.hv.action("fuzzed", 1) !== 0 || w.hv.payload("fuzzed") !== null) worlds.delete(s.arch);
        else expect(w.hv.readMemory(w.nextBase, 1)).toBeNull();
      }),
      { numRuns: RUNS },
    );
    // The mutations must reach both outcomes, or the property says little.
    if (RUNS >= 100) {
      expect(accepted).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    }
  }, 120_000);
});
