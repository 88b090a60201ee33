// Xen's own code, run in the interpreter from a real xen-syms booted as the host boots it (every
// ALLOC section mapped). Optional: needs XEN_TEST_PAYLOADS (layout $XEN_TEST_PAYLOADS/x86_64/
// xen-syms, arm64/xen-syms); without it this suite says so and does not run; with it, a missing
// x86_64/xen-syms fails. The arm64 image is run when it has been built.
//
// Expected values come from the functions' own machine code, decoded by another decoder
// (iced-x86 for x86; the two A64 forms these functions use, decoded here from the Arm ARM), never
// from the interpreter. The survey calls every function without arguments and reports what stops
// it (unsupported instructions by mnemonic): informative, asserting only that nothing traps.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf, readVirtual, symbolsByName, STT_FUNC, type ElfFile } from "../../../../src/elf/index.ts";
import type { CpuArch, CpuStop } from "../../host/cpu.ts";
import { newBox, bootElf, symbolAddress, returned, PERM, type Box } from "./harness.ts";

const root = process.env.XEN_TEST_PAYLOADS;
if (!root) console.log("cpu/xen.test.ts: XEN_TEST_PAYLOADS is not set, so Xen's own code is not run");

const VERSION_FUNCS = [
  "xen_major_version",
  "xen_minor_version",
  "xen_extra_version",
  "xen_changeset",
  "xen_compile_date",
  "xen_compile_time",
  "xen_compile_by",
  "xen_compile_domain",
  "xen_compiler",
  "xen_banner",
  "xen_deny",
];
const STRING_FUNCS = new Set(VERSION_FUNCS.filter((f) => !/_(major|minor)_version$/.test(f)));
const STACK: Record<CpuArch, bigint> = { x86_64: 0xffff830000000000n, aarch64: 0x0000100000000000n, arm32: 0x40000000n };
const STACK_SIZE = 0x8000n;

let box: Box;
beforeAll(async () => {
  box = await newBox();
});

function boot(arch: CpuArch, elf: ElfFile): void {
  bootElf(box, elf);
  box.w.mapMemory(STACK[arch], new Uint8Array(Number(STACK_SIZE)), PERM.RW);
}

function cString(at: bigint): string {
  const bytes = box.w.readMemory(at, 256);
  if (!bytes) throw new Error(`0x${at.toString(16)} is not mapped`);
  const end = bytes.indexOf(0);
  if (end < 0) throw new Error(`no NUL within 256 bytes at 0x${at.toString(16)}`);
  return Buffer.from(bytes.subarray(0, end)).toString("latin1");
}

type Iced = typeof import("iced-x86");

/** What `name` returns, read off its x86 code by iced-x86: `mov eax, imm` or `lea rax, [rip+d]`, then a return. */
function x86Static(iced: Iced, elf: ElfFile, addr: bigint): bigint {
  const bytes = readVirtual(elf, addr, 32);
  if (!bytes) throw new Error("function bytes not in the image");
  const dec = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
  dec.ip = addr;
  const first = dec.decode();
  const second = dec.decode();
  try {
    const returns = second.mnemonic === iced.Mnemonic.Ret || second.mnemonic === iced.Mnemonic.Jmp;
    if (!returns) throw new Error("not a two-instruction function");
    if (first.mnemonic === iced.Mnemonic.Lea && first.memoryBase === iced.Register.RIP) return BigInt.asUintN(64, first.memoryDisplacement);
    if (first.mnemonic === iced.Mnemonic.Mov && first.opKind(1) === iced.OpKind.Immediate32) return first.immediate(1);
    throw new Error("unexpected first instruction");
  } finally {
    first.free();
    second.free();
    dec.free();
  }
}

/** The same for A64: `adrp x0, page; add x0, x0, #lo12` or `mov w0, #imm` (movz), then `ret`. */
function a64Static(elf: ElfFile, addr: bigint): bigint {
  const bytes = readVirtual(elf, addr, 16);
  if (!bytes) throw new Error("function bytes not in the image");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  let w = v.getUint32(0, true);
  const is = (mask: number, value: number) => (w & mask) >>> 0 === value;
  if (is(0xffffffff, 0xd503233f) || is(0xffffff3f, 0xd503241f)) w = v.getUint32((i = 4), true); // paciasp / bti
  if (is(0x9f00001f, 0x90000000)) {
    const imm = BigInt.asIntN(21, BigInt(((w >>> 5) & 0x7ffff) * 4 + ((w >>> 29) & 3)));
    const page = (addr + BigInt(i)) & ~0xfffn;
    const add = v.getUint32(i + 4, true);
    if ((add & 0xffc003ff) >>> 0 !== 0x91000000) throw new Error("adrp not followed by add x0, x0");
    return page + (imm << 12n) + BigInt((add >>> 10) & 0xfff);
  }
  if (is(0xff80001f, 0x52800000)) return BigInt(((w >>> 5) & 0xffff) << (((w >>> 21) & 3) * 16));
  throw new Error(`unexpected first instruction ${w.toString(16)}`);
}

function survey(arch: CpuArch, elf: ElfFile): { stops: Record<string, number>; unsupported: Map<string, number>; functions: number } {
  const stops: Record<string, number> = {};
  const unsupported = new Map<string, number>();
  let functions = 0;
  for (const [name, s] of symbolsByName(elf)) {
    if ((s.info & 0xf) !== STT_FUNC || s.size === 0n || name.includes("#")) continue;
    functions++;
    const stop: CpuStop = box.cpu.call(arch, s.value, [], { base: STACK[arch], size: STACK_SIZE }, 2000n);
    stops[stop.kind] = (stops[stop.kind] ?? 0) + 1;
    if (stop.kind === "unsupported") {
      const key = stop.mnemonic ?? `(${Buffer.from(stop.bytes.subarray(0, 4)).toString("hex")}...)`;
      unsupported.set(key, (unsupported.get(key) ?? 0) + 1);
    }
  }
  return { stops, unsupported, functions };
}

function report(arch: string, r: ReturnType<typeof survey>): void {
  const top = [...r.unsupported.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`${arch} survey of ${r.functions} functions called without arguments (2,000 steps each): ${JSON.stringify(r.stops)}`);
  console.log(`${arch} unsupported instructions met first, by count: ${top.map(([k, n]) => `${k} ${n}`).join(", ")}`);
}

describe.runIf(root)("Xen's own code: x86_64/xen-syms", () => {
  let elf: ElfFile;
  let iced: Iced;
  beforeAll(async () => {
    elf = parseElf(new Uint8Array(readFileSync(join(root!, "x86_64", "xen-syms"))));
    iced = await import("iced-x86");
  });

  it.each(VERSION_FUNCS)("%s returns what its code says", (name) => {
    boot("x86_64", elf);
    const addr = symbolAddress(elf, name);
    const got = returned(box.cpu.call("x86_64", addr, [], { base: STACK.x86_64, size: STACK_SIZE }));
    expect(got.toString(16)).toBe(x86Static(iced, elf, addr).toString(16));
    if (STRING_FUNCS.has(name)) expect(cString(got)).toMatch(/^[\x20-\x7e\n]*$/);
    expect(box.cpu.counters()).toMatchObject({ instructions: 3, faults: 0 });
  });

  it("the version strings read as Xen's: a date, a time, an extra version", () => {
    boot("x86_64", elf);
    const run = (name: string) => returned(box.cpu.call("x86_64", symbolAddress(elf, name), [], { base: STACK.x86_64, size: STACK_SIZE }));
    expect(cString(run("xen_compile_date"))).toMatch(/\d\d:\d\d:\d\d .*\d{4}/);
    expect(cString(run("xen_compile_time"))).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(cString(run("xen_extra_version"))).toMatch(/^[-.+\w]*$/);
    expect(Number(run("xen_major_version"))).toBeGreaterThanOrEqual(4);
  });

  it("survey: every function without arguments ends in a defined stop", () => {
    boot("x86_64", elf);
    const r = survey("x86_64", elf);
    report("x86_64", r);
    expect(r.functions).toBeGreaterThan(1000);
  });
});

const arm64 = root ? join(root, "arm64", "xen-syms") : "";
if (root && !existsSync(arm64)) console.log(`cpu/xen.test.ts: ${arm64} is not built yet, so the arm64 part does not run`);

describe.runIf(root && existsSync(arm64))("Xen's own code: arm64/xen-syms", () => {
  let elf: ElfFile;
  beforeAll(() => {
    elf = parseElf(new Uint8Array(readFileSync(arm64)));
  });

  it.each(VERSION_FUNCS)("%s returns what its code says", (name) => {
    boot("aarch64", elf);
    const addr = symbolAddress(elf, name);
    const got = returned(box.cpu.call("aarch64", addr, [], { base: STACK.aarch64, size: STACK_SIZE }));
    expect(got.toString(16)).toBe(a64Static(elf, addr).toString(16));
    if (STRING_FUNCS.has(name)) expect(cString(got)).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it("survey: every function without arguments ends in a defined stop", () => {
    boot("aarch64", elf);
    const r = survey("aarch64", elf);
    report("aarch64", r);
    expect(r.functions).toBeGreaterThan(1000);
  });
});
