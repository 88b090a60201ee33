// What the views call an address in Xen, against objdump -d on the committed x86-64 xen-syms:
// `# ffff82d040211011 <_srodata+0x11>` after a RIP-relative operand, `<name+0x..>` after a branch.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { samplePath } from "../../test-support/samples.ts";
import { buildAddressIndexes, imageNameAt, imageSymbolEnd } from "../../elf/index.ts";

const path = samplePath("x86_64/xen-syms");
const elf = parseElf(new Uint8Array(readFileSync(path)));

function objdump(): string | null {
  try {
    return execFileSync("objdump", ["-d", "--no-show-raw-insn", path], { encoding: "utf8", maxBuffer: 256 << 20 });
  } catch {
    return null;
  }
}
const listing = objdump();

describe("imageSymbolEnd on xen-syms", () => {
  it("ends a function where its symbol's size does (nm -S: xen_extra_version 8 bytes at ffff82d040200110)", () => {
    expect(imageSymbolEnd(elf, 0xffff82d040200110n)).toBe(0xffff82d040200118n);
    expect(imageSymbolEnd(elf, 0xffff82d040200115n)).toBe(0xffff82d040200118n);
    // nm -S: xen_minor_version, 6 bytes at ffff82d040200130.
    expect(imageSymbolEnd(elf, 0xffff82d040200130n)).toBe(0xffff82d040200136n);
  });

  it("no end where no sized symbol holds the address (_srodata is NOTYPE, size 0)", () => {
    expect(imageSymbolEnd(elf, 0xffff82d040211000n)).toBeNull();
  });
});

describe("imageNameAt on xen-syms", () => {
  it("names the same with the indexes built beforehand (the simulator page builds them while idle)", () => {
    const built = parseElf(new Uint8Array(readFileSync(path)));
    buildAddressIndexes(built);
    // readelf -s: xen_extra_version FUNC, 8 bytes at ffff82d040200110; objdump: <_srodata+0x11>.
    expect(imageNameAt(built, 0xffff82d040200114n)).toBe("xen_extra_version+0x4");
    expect(imageSymbolEnd(built, 0xffff82d040200110n)).toBe(0xffff82d040200118n);
    expect(imageNameAt(built, 0xffff82d040211011n)).toBe("_srodata+0x11");
  });

  it("names a RIP-relative string by the symbol before it in .rodata, as objdump does", () => {
    // objdump -d: ffff82d040200110: lea 0x10efa(%rip),%rax  # ffff82d040211011 <_srodata+0x11>
    expect(imageNameAt(elf, 0xffff82d040211011n)).toBe("_srodata+0x11");
    // _srodata itself (readelf -s: NOTYPE, size 0, .rodata at ffff82d040211000).
    expect(imageNameAt(elf, 0xffff82d040211000n)).toBe("_srodata");
    // A function's own address and an address inside it (readelf -s: xen_extra_version FUNC at ffff82d040200110).
    expect(imageNameAt(elf, 0xffff82d040200110n)).toBe("xen_extra_version");
    // Outside every allocated section: no name.
    expect(imageNameAt(elf, 0x1000n)).toBeNull();
  });

  it.skipIf(listing === null)("agrees with every <name> objdump -d prints after an operand's address (objdump on PATH)", () => {
    const seen = new Map<bigint, string>();
    for (const m of listing!.matchAll(/(?:# |\s)([0-9a-f]{16}) <([^>]+)>/g)) seen.set(BigInt(`0x${m[1]}`), m[2]);
    expect(seen.size).toBeGreaterThan(50);
    const wrong = [...seen].filter(([a, name]) => imageNameAt(elf, a) !== name).map(([a, name]) => `${a.toString(16)}: objdump ${name}, ours ${imageNameAt(elf, a)}`);
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
