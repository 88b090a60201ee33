// Our own C (fixtures/compiled/funcs.c) compiled by gcc -O2 for x86-64 (Xen-like flags: endbr64,
// retpolines, return thunks; and a plain -O1 build) and for AArch64, booted like a xen-syms and
// run in the interpreter. Expected values: the same C built and run natively (native.json, from
// fixtures/compiled/build.sh), and for the functions called with arguments, the C semantics
// computed here.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf, type ElfFile } from "../../../../src/elf/index.ts";
import type { CpuArch } from "../../host/cpu.ts";
import { newBox, bootElf, symbolAddress, returned, PERM, type Box } from "./harness.ts";

const dir = new URL("./fixtures/compiled/", import.meta.url);
const native = JSON.parse(readFileSync(new URL("native.json", dir), "utf8")) as Record<string, string>;
const BUILDS: [string, CpuArch][] = [
  ["funcs-x86_64-xen.elf", "x86_64"],
  ["funcs-x86_64-o1.elf", "x86_64"],
  ["funcs-aarch64.elf", "aarch64"],
];
const SCRATCH = 0x10000000n;
const STACK = 0x20000000n;
const STACK_SIZE = 0x10000n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

function boot(file: string): ElfFile {
  const elf = parseElf(new Uint8Array(readFileSync(new URL(file, dir))));
  bootElf(box, elf);
  box.w.mapMemory(SCRATCH, new Uint8Array(0x4000), PERM.RW);
  box.w.mapMemory(STACK, new Uint8Array(Number(STACK_SIZE)), PERM.RW);
  return elf;
}

function call(elf: ElfFile, arch: CpuArch, name: string, args: bigint[] = []): bigint {
  return returned(box.cpu.call(arch, symbolAddress(elf, name), args.map(u64), { base: STACK, size: STACK_SIZE }));
}

function cString(text: string, at = SCRATCH): bigint {
  box.w.mapMemory(at, new Uint8Array([...Buffer.from(text), 0]), PERM.RW);
  return at;
}

/** The reference CRC-32 (IEEE, reflected) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function fib(n: number): bigint {
  let a = 0n;
  let b = 1n;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** C's truncating division and remainder on int64. */
const cdiv = (a: bigint, b: bigint) => s64(a / b);
const cmod = (a: bigint, b: bigint) => s64(a % b);

for (const [file, arch] of BUILDS) {
  describe(`${file} (${arch})`, () => {
    it.each(["test_strings", "test_switch", "test_division", "test_structs", "test_recursion", "test_bits"])("%s matches the native build", (name) => {
      const elf = boot(file);
      expect(`0x${call(elf, arch, name).toString(16)}`).toBe(native[name]);
      const c = box.cpu.counters();
      expect(c.faults).toBe(0);
      expect(c.instructions).toBeGreaterThan(10);
    });

    it("string functions on strings in simulated memory", () => {
      const elf = boot(file);
      expect(call(elf, arch, "lp_strlen", [cString("Hello World")])).toBe(11n);
      expect(call(elf, arch, "lp_strlen", [cString("")])).toBe(0n);
      const a = cString("xen_extra", SCRATCH);
      const b = cString("xen_extrb", SCRATCH + 0x100n);
      expect(s64(BigInt.asIntN(32, call(elf, arch, "lp_strcmp", [a, b])))).toBe(-1n);
      expect(call(elf, arch, "lp_strchr", [a, BigInt("_".charCodeAt(0))])).toBe(a + 3n);
      expect(call(elf, arch, "lp_strchr", [a, BigInt("q".charCodeAt(0))])).toBe(0n);
      expect(call(elf, arch, "lp_strlcpy", [SCRATCH + 0x200n, a, 4n])).toBe(9n);
      expect(Buffer.from(box.w.readMemory(SCRATCH + 0x200n, 4)!).toString("latin1")).toBe("xen\0");
      expect(s64(call(elf, arch, "lp_atoi", [cString(" -4096")]))).toBe(-4096n);
    });

    it("a switch on every case and the default", () => {
      const elf = boot(file);
      const a = -77n;
      const b = 5n;
      const want = [a + b, a - b, a * b, cdiv(a, b), cmod(a, b), a & b, a | b, a ^ b, s64(u64(a) << b), a >> b, a < b ? a : b, a > b ? a : b];
      for (let op = 0; op < 12; op++) expect(s64(call(elf, arch, "classify", [BigInt(op), a, b])), `case ${op}`).toBe(want[op]);
      expect(s64(call(elf, arch, "classify", [12n, a, b]))).toBe(-1n);
      expect(s64(call(elf, arch, "classify", [u64(-1n), a, b]))).toBe(-1n);
    });

    it("divisions", () => {
      const elf = boot(file);
      for (const [x, y] of [
        [-1000000007n, 13n],
        [7n, -2n],
        [-9223372036854775807n, 3n],
        [5n, 0n],
      ]) {
        expect(s64(call(elf, arch, "lp_sdiv", [x, y])), `${x}/${y}`).toBe(y === 0n ? 0n : cdiv(x, y));
        expect(s64(call(elf, arch, "lp_smod", [x, y])), `${x}%${y}`).toBe(y === 0n ? 0n : cmod(x, y));
      }
      expect(call(elf, arch, "lp_udiv", [u64(-1n), 10n])).toBe(u64(-1n) / 10n);
      expect(BigInt.asIntN(32, call(elf, arch, "lp_sdiv32", [u64(-2147483647n), 10n]))).toBe(-214748364n);
      expect(BigInt.asUintN(32, call(elf, arch, "lp_udiv32", [4000000000n, 7n]))).toBe(571428571n);
      for (const x of [0n, 1n, 6n, 7n, 999n, 1000n, 4294967295n]) {
        expect(BigInt.asUintN(32, call(elf, arch, "div_consts", [x])), `div_consts(${x})`).toBe((x / 7n + (x % 10n) + x / 1000n + x / 3n) & 0xffffffffn);
      }
      for (const x of [0n, -1n, 1234567n, -9223372036854775807n]) {
        expect(s64(call(elf, arch, "sdiv_consts", [u64(x)])), `sdiv_consts(${x})`).toBe(s64(cdiv(x, 3n) - cmod(x, 5n) + cdiv(x, 100n)));
      }
      expect(call(elf, arch, "udiv_consts64", [u64(-1n)])).toBe(u64(u64(-1n) / 10n + (u64(-1n) % 1000003n)));
    });

    it("recursion, bit functions, an indirect call", () => {
      const elf = boot(file);
      expect(call(elf, arch, "fib", [25n])).toBe(fib(25));
      expect(box.cpu.counters().calls).toBeGreaterThan(100000);
      expect(call(elf, arch, "gcd", [1071n, 462n])).toBe(21n);
      const text = Buffer.from("The quick brown fox jumps over the lazy dog");
      box.w.mapMemory(SCRATCH, new Uint8Array(text), PERM.RW);
      expect(BigInt.asUintN(32, call(elf, arch, "crc32_bitwise", [SCRATCH, BigInt(text.length)]))).toBe(BigInt(crc32(text)));
      expect(crc32(text)).toBe(0x414fa339);
      expect(call(elf, arch, "splitmix", [0n])).toBe(0xe220a8397b1dcdafn);
      expect(s64(call(elf, arch, "apply_op", [0n, 10n, 20n]))).toBe(50n);
      expect(s64(call(elf, arch, "apply_op", [1n, 10n, 20n]))).toBe(-50n);
    });

    it("insertion sort of an array in simulated memory", () => {
      const elf = boot(file);
      const values = [5, -1, 99, 0, -300, 7, 7, 2];
      const bytes = Buffer.alloc(values.length * 4);
      values.forEach((v, i) => bytes.writeInt32LE(v, i * 4));
      box.w.mapMemory(SCRATCH, new Uint8Array(bytes), PERM.RW);
      call(elf, arch, "insertion_sort", [SCRATCH, BigInt(values.length)]);
      const out = Buffer.from(box.w.readMemory(SCRATCH, bytes.length)!);
      expect(values.map((_, i) => out.readInt32LE(i * 4))).toEqual([...values].sort((x, y) => x - y));
    });

    it("a call to a host service stops with its arguments and goes on with its result", () => {
      const elf = boot(file);
      const v = Buffer.alloc(24);
      [5n, -2n, 40n].forEach((x, i) => v.writeBigInt64LE(x, i * 8));
      box.w.mapMemory(SCRATCH, new Uint8Array(v), PERM.RW);
      box.cpu.addService(symbolAddress(elf, "host_log"), 1);
      const stop = box.cpu.call(arch, symbolAddress(elf, "logged_sum"), [SCRATCH, 3n], { base: STACK, size: STACK_SIZE });
      if (stop.kind !== "service") throw new Error(`expected a service stop, got ${stop.kind}`);
      const msg = Buffer.from(box.w.readMemory(stop.args[0], 4)!).toString("latin1");
      expect(msg).toBe("sum\0");
      expect(stop.args[1]).toBe(43n);
      // host_log in native_main.c: strlen(msg) * 1000 + value
      const result = returned(box.cpu.serviceReturn(3n * 1000n + stop.args[1]));
      expect(`0x${result.toString(16)}`).toBe(native.logged_sum);
    });
  });
}
