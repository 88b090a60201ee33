// Image helpers and the worker-boundary contract (structured clone + transfer) on a synthetic
// linked image whose layout the test controls, and on the committed xen-syms sample when present.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildId, findSymbol, readVirtual, sectionByName, sectionData, symbolAt, symbolsByName } from "./image.ts";
import { parseElf } from "./parse.ts";
import { buildElf, note, strtab, symbols } from "./test-support/build-elf.ts";
import { transferablesOf } from "./transfer.ts";
import { samplePath } from "../test-support/samples.ts";

const BASE = 0xffff82d040200000n;

function image() {
  const names = strtab(["alpha", "beta", "gamma", "data_obj"]);
  const text = Uint8Array.from({ length: 64 }, (_, i) => i);
  const rodata = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const syms = symbols(true, true, [
    {},
    { name: names.offsets[0], info: 0x12, shndx: 1, value: BASE, size: 16n },
    { name: names.offsets[1], info: 0x12, shndx: 1, value: BASE + 16n, size: 32n },
    { name: names.offsets[2], info: 0x02, shndx: 1, value: BASE + 48n, size: 0n },
    { name: names.offsets[3], info: 0x11, shndx: 2, value: BASE + 64n, size: 16n },
    { name: names.offsets[0], info: 0x12, shndx: 1, value: BASE + 8n, size: 1n },
  ]);
  return buildElf({
    type: 2,
    sections: [
      { name: ".text", type: 1, flags: 6n, addr: BASE, data: text, align: 16n },
      { name: ".rodata", type: 1, flags: 2n, addr: BASE + 64n, data: rodata },
      { name: ".bss", type: 8, flags: 3n, addr: BASE + 80n, size: 64n },
      { name: ".note.gnu.build-id", type: 7, flags: 2n, data: note(true, "GNU", 3, [1, 2, 3, 4, 5]), align: 4n },
      { name: ".symtab", type: 2, data: syms, link: 6, info: 1, align: 8n, entsize: 24n },
      { name: ".strtab", type: 3, data: names.data },
      { name: ".text", type: 1, flags: 6n, data: new Uint8Array(4) },
    ],
  });
}

describe("image helpers", () => {
  const f = parseElf(image().bytes);

  it("finds symbols by name, first definition wins", () => {
    expect(findSymbol(f, "beta")?.value).toBe(BASE + 16n);
    expect(findSymbol(f, "alpha")?.index).toBe(1);
    expect(findSymbol(f, "nope")).toBeNull();
    expect([...symbolsByName(f).keys()].sort()).toEqual(["alpha", "beta", "data_obj", "gamma"]);
  });

  it("symbolAt: containing function, zero-sized exact match, none in gaps", () => {
    expect(symbolAt(f, BASE + 20n)?.name).toBe("beta");
    expect(symbolAt(f, BASE + 8n)?.value).toBe(BASE + 8n); // nested one-byte alias is the closest start
    expect(symbolAt(f, BASE + 9n)?.name).toBe("alpha");
    expect(symbolAt(f, BASE + 48n)?.name).toBe("gamma");
    expect(symbolAt(f, BASE + 49n)).toBeNull();
    expect(symbolAt(f, BASE - 1n)).toBeNull();
  });

  it("readVirtual reads through ALLOC sections, spans adjacent ones, refuses NOBITS and gaps", () => {
    expect([...readVirtual(f, BASE + 2n, 3)!]).toEqual([2, 3, 4]);
    expect([...readVirtual(f, BASE + 62n, 4)!]).toEqual([62, 63, 0xa0, 0xa1]);
    expect(readVirtual(f, BASE + 80n, 4)).toBeNull();
    expect(readVirtual(f, BASE + 76n, 8)).toBeNull();
    expect(readVirtual(f, 0x1000n, 1)).toBeNull();
  });

  it("buildId, sectionData, sectionByName", () => {
    expect([...buildId(f)!]).toEqual([1, 2, 3, 4, 5]);
    expect(sectionData(f, 3).length).toBe(0); // NOBITS: empty, not 64 zeros
    expect([...sectionData(f, 2)].slice(0, 2)).toEqual([0xa0, 0xa1]);
    expect(sectionByName(f, ".text")?.index).toBe(1);
    expect(sectionByName(f, ".nothing")).toBeNull();
  });

  it("the model survives structuredClone with its buffers transferred", () => {
    const buffers = transferablesOf(f);
    expect(buffers.length).toBeGreaterThan(5);
    const copy = structuredClone(parseElf(image().bytes), { transfer: transferablesOf(parseElf(image().bytes)) });
    expect(copy.sections.map((s) => s.name)).toEqual(f.sections.map((s) => s.name));
    expect([...copy.symbolTables[0].value]).toEqual([...f.symbolTables[0].value]);
    const moved = parseElf(image().bytes);
    const list = transferablesOf(moved);
    const clone = structuredClone(moved, { transfer: list });
    expect(moved.bytes.byteLength).toBe(0); // detached: it was moved, not copied
    expect(findSymbol(clone, "gamma")?.value).toBe(BASE + 48n);
  });
});

const xenSyms = samplePath("x86_64/xen-syms");

describe("x86-64 xen-syms sample", () => {
  it("every FUNC symbol is found at its own address and by name, and its bytes are readable", () => {
    const f = parseElf(new Uint8Array(readFileSync(xenSyms)));
    const t = f.symbolTables[0];
    let checked = 0;
    for (let i = 1; i < t.count; i++) {
      if ((t.info[i] & 0xf) !== 2 || t.size[i] === 0n) continue;
      const at = symbolAt(f, t.value[i] + t.size[i] - 1n);
      expect(at && at.value <= t.value[i] + t.size[i] - 1n && t.value[i] + t.size[i] - 1n < at.value + at.size).toBe(true);
      expect(readVirtual(f, t.value[i], Number(t.size[i]))?.length).toBe(Number(t.size[i]));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
  it("build-id matches readelf's", () => {
    let want: string;
    try {
      want = /Build ID: ([0-9a-f]+)/.exec(execFileSync("readelf", ["-n", xenSyms], { encoding: "utf8" }))![1];
    } catch {
      return;
    }
    const got = Array.from(buildId(parseElf(new Uint8Array(readFileSync(xenSyms))))!, (b) => b.toString(16).padStart(2, "0")).join("");
    expect(got).toBe(want);
  });
});
