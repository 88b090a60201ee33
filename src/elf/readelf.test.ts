// Differential tests: formatReadelf must equal GNU readelf 2.40 byte for byte: on the committed
// samples' goldens; on synthetic files that walk every relocation type, section type, flag and
// symbol attribute (live readelf 2.40 when installed, else the goldens 2.40 wrote for them); and,
// with readelf 2.40, live on system objects nobody here wrote.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseElf } from "./parse.ts";
import { formatReadelf, printable } from "./readelf.ts";
import { buildElf, note, relocations, strtab, symbols } from "./test-support/build-elf.ts";
import { GOLDENS_DIR, goldenPath, listSamples, readSample } from "../test-support/samples.ts";

/** Compare and, on mismatch, show the first differing line (full diffs of 1 MB texts are unreadable). */
function expectSameText(got: string, want: string): void {
  if (got === want) return;
  const a = want.split("\n");
  const b = got.split("\n");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  expect({ line: i + 1, got: b[i] }).toEqual({ line: i + 1, got: a[i] });
  expect(got).toBe(want);
}

describe("goldens in fixtures/goldens", () => {
  // Every committed sample has a golden; a sample without one fails here rather than going unchecked.
  for (const rel of listSamples((r) => !r.endsWith(".md") && !r.endsWith(".json"))) {
    it(`matches the golden for ${rel}`, () => {
      const file = parseElf(readSample(rel));
      expectSameText(formatReadelf(file, rel), readFileSync(goldenPath(rel), "latin1"));
    });
  }
});

const readelfVersion = ((): string | null => {
  try {
    return execFileSync("readelf", ["--version"], { encoding: "utf8" }).split("\n")[0];
  } catch {
    return null;
  }
})();
const haveReadelf = readelfVersion !== null && /\b2\.40\b/.test(readelfVersion);
const SYNTHETIC = join(GOLDENS_DIR, "synthetic");

function readelf(path: string): string {
  return execFileSync("readelf", ["-hSsrnW", path], { env: { LC_ALL: "C" }, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 28 }).toString("latin1");
}

function compareLive(path: string): void {
  const file = parseElf(new Uint8Array(readFileSync(path)));
  expectSameText(formatReadelf(file, path), readelf(path));
}

/**
 * A synthetic file against readelf 2.40: live when that version is installed (and then its output
 * must also equal the committed golden, so the goldens stay true), else against the golden alone.
 * `WRITE_SYNTHETIC_GOLDENS=1` with readelf 2.40 (re)writes the goldens from readelf's own output.
 */
function compareSynthetic(name: string, bytes: Uint8Array): void {
  const path = join(work, name);
  writeFileSync(path, bytes);
  const golden = join(SYNTHETIC, `${name}.readelf`);
  if (haveReadelf && process.env.WRITE_SYNTHETIC_GOLDENS === "1") {
    mkdirSync(SYNTHETIC, { recursive: true });
    writeFileSync(golden, readelf(path), "latin1");
  }
  const want = haveReadelf ? readelf(path) : readFileSync(goldenPath(`synthetic/${name}`), "latin1");
  if (haveReadelf) expectSameText(readFileSync(golden, "latin1"), want);
  expectSameText(formatReadelf(parseElf(bytes), path), want);
}

const work = mkdtempSync(join(tmpdir(), "elf-readelf-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Objects nobody here wrote, compared live. They differ per machine, so no golden can stand in: with
// another readelf (or none) these cases are reported as skipped, by name and reason.
const liveReason = haveReadelf ? "" : ` (skipped: needs GNU readelf 2.40, found ${readelfVersion ?? "none"})`;
describe(`system objects against live readelf${liveReason}`, () => {
  const crtDirs = ["/usr/lib/x86_64-linux-gnu", "/usr/aarch64-linux-gnu/lib", "/usr/arm-linux-gnueabihf/lib"];
  for (const dir of crtDirs) {
    const crts = existsSync(dir) ? readdirSync(dir).filter((n) => /^[A-Za-z]*crt[^.]*\.o$/.test(n)) : [];
    it.skipIf(!haveReadelf || crts.length === 0)(`crt objects in ${dir}${crts.length ? "" : " (skipped: none installed)"}`, () => {
      for (const n of crts) compareLive(join(dir, n));
    });
  }

  const archives = ["/usr/lib/x86_64-linux-gnu/libc.a", "/usr/aarch64-linux-gnu/lib/libc.a", "/usr/arm-linux-gnueabihf/lib/libc.a"];
  for (const archive of archives) {
    it.skipIf(!haveReadelf || !existsSync(archive))(`30 members of ${archive}${existsSync(archive) ? "" : " (skipped: not installed)"}`, () => {
      const members = [...new Set(execFileSync("ar", ["t", archive], { encoding: "utf8" }).split("\n").filter((m) => m.endsWith(".o")))].sort();
      const step = Math.max(1, Math.floor(members.length / 30));
      const chosen = members.filter((_, i) => i % step === 0).slice(0, 30);
      const dir = mkdtempSync(join(work, "ar-"));
      execFileSync("ar", ["x", archive, ...chosen], { cwd: dir });
      for (const m of chosen) compareLive(join(dir, m));
    });
  }
});

describe("synthetic files against readelf 2.40 (live, or its committed goldens)", () => {
  const machines: [string, number, boolean, number][] = [
    ["x86-64", 62, true, 256],
    ["i386", 3, false, 256],
    ["ARM", 40, false, 256],
    ["AArch64", 183, true, 1100],
  ];
  for (const [label, machine, is64, types] of machines) {
    for (const le of [true, false]) {
      it(`every ${label} relocation type 0..${types - 1} (${le ? "LSB" : "MSB"}, REL and RELA)`, () => {
        const names = strtab(["sym", "\u0001ctl"]);
        const syms = symbols(is64, le, [{}, { info: 3, shndx: 1 }, { name: names.offsets[0], info: 0x12, shndx: 1, value: 0x40n, size: 4n }, { name: names.offsets[1], info: 0x10 }]);
        const list = Array.from({ length: types }, (_, t) => ({ type: t, sym: t % 4, offset: BigInt(t * 4), addend: BigInt((t % 3) - 1) * BigInt(t) }));
        const built = buildElf({
          is64,
          littleEndian: le,
          machine,
          sections: [
            { name: ".text", type: 1, flags: 6n, data: new Uint8Array(16), align: 16n },
            { name: ".rela.text", type: 4, flags: 0x40n, data: relocations(is64, le, true, list), link: 4, info: 1, align: 8n, entsize: is64 ? 24n : 12n },
            { name: ".rel.text", type: 9, flags: 0x40n, data: relocations(is64, le, false, list), link: 4, info: 1, align: 8n, entsize: is64 ? 16n : 8n },
            { name: ".symtab", type: 2, data: syms, link: 5, info: 2, align: 8n, entsize: is64 ? 24n : 16n },
            { name: ".strtab", type: 3, data: names.data },
          ],
        });
        compareSynthetic(`reloc-${machine}-${le ? "lsb" : "msb"}.o`, built.bytes);
      });
    }
  }

  for (const [label, machine, is64] of machines) {
    for (const osabi of [0, 3, 6, 9]) {
      it(`section types, flag letters and symbol attributes for ${label}, OS/ABI ${osabi}`, () => {
        const types = [...Array(21).keys(), 0x60000000, 0x60000005, 0x6fff4700, 0x6ffffff0, 0x6ffffff5, 0x6ffffff6, 0x6ffffff7, 0x6ffffffc, 0x6ffffffd, 0x6ffffffe, 0x6fffffff, 0x70000000, 0x70000001, 0x70000002, 0x70000003, 0x70000004, 0x70000005, 0x70000006, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff];
        const flagValues = [0n, 1n, 2n, 4n, 8n, 0x10n, 0x20n, 0x40n, 0x80n, 0x100n, 0x200n, 0x400n, 0x800n, 0x1000n, 0x200000n, 0x1000000n, 0x1200000n, 0x10000000n, 0x20000000n, 0x80000000n, 0xf0000000n, 0x100000000n, 0xffffffffffffffffn];
        const sections = [
          ...types.filter((t) => ![2, 4, 7, 9, 11, 17, 18].includes(t)).map((t) => ({ name: `t${t.toString(16)}`, type: t })),
          ...flagValues.map((f) => ({ name: `f${f.toString(16)}`, type: 1, flags: is64 ? f : BigInt.asUintN(32, f) })),
        ];
        const symIndex = sections.length + 1;
        const names = strtab(["a_rather_long_symbol_name_that_readelf_prints_in_full_under_W", "x"]);
        const symList = [{}];
        for (let type = 0; type < 16; type++) for (const bind of [0, 1, 2, 10, 11, 13, 15]) symList.push({ name: names.offsets[1], info: (bind << 4) | type, other: (type * 7 + bind) & 0xff, shndx: [0, 1, 0xfff1, 0xfff2, 0xff02, 0xff00, 0xff20, 0xff50, 5000][type % 9], value: BigInt(type) << 40n, size: BigInt(bind) * 33333n } as never);
        symList.push({ name: names.offsets[0], info: 0x12, shndx: 1 } as never);
        sections.push({ name: ".symtab", type: 2, data: symbols(is64, true, symList), link: symIndex + 1, info: 1, align: 8n, entsize: is64 ? 24n : 16n } as never);
        sections.push({ name: ".strtab", type: 3, data: names.data } as never);
        sections.push({ name: ".note.test", type: 7, flags: 2n, data: Uint8Array.from([...note(true, "GNU", 3, [1, 2, 3, 4]), ...note(true, "GNU", 1, [0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]), ...note(true, "Go", 4, [9, 9]), ...note(true, "GNU", 99, []), ...note(true, "Xen", 5, [0x34, 0x2e, 0x31, 0]), ...note(true, "Xen", 0x1234, [1]), ...note(true, "FooOS", 1, [7]), ...note(true, "", 2, [])]), align: 4n } as never);
        const built = buildElf({ is64, machine, osabi, flags: machine === 40 ? 0x5000400 : 0, sections });
        compareSynthetic(`kinds-${machine}-${osabi}.o`, built.bytes);
      });
    }
  }
});

describe("printable()", () => {
  // readelf 2.40 -sW on symbols named with these bytes (objcopy --redefine-sym): C0 as ^X ("c^[[31md"
  // for ESC), DEL as ^ and 0x7f + 0x40; a C1 control (UTF-8 C2 9B, C2 85) raw under LC_ALL=C, and
  // "\u009b", "\u0085" under -U escape, which is the spelling taken; other UTF-8 ("é") stays.
  it("spells C0 and DEL as readelf does, C1 as readelf -U escape does, and leaves other text", () => {
    expect(printable("c\x1b[31md")).toBe("c^[[31md");
    expect(printable("e\x7ff")).toBe("e^\u00bff");
    expect(printable("a\u009b31mb")).toBe("a\\u009b31mb");
    expect(printable("h\u00e9i\u0085j")).toBe("h\u00e9i\\u0085j");
    expect(printable("plain_name")).toBe("plain_name");
  });
});
