// A stand-in hypervisor for an audit without the target xen-syms. The simulator must still run
// every UPLOAD check, so it boots a Xen that carries what the payloads assume: the build-id their
// `.livepatch.xen_depends` names, and every Xen symbol they reference, as small functions at
// made-up addresses. Everything it invents is listed in `assumptions`, and the audit reports those
// families of checks as not really checked.
import { SHN_UNDEF, SHT_SYMTAB, stType, STT_SECTION, STT_FILE, type ElfFile } from "../elf/index.ts";
import { archOf, heldOldAddr, xenMachine, type LivepatchArch, type LivepatchModel } from "../livepatch/index.ts";
import { hexToBytes } from "../simulator/memory.ts";

export interface SyntheticSymbol {
  name: string;
  addr: bigint;
  size: number;
  /** 2 FUNC, 1 OBJECT (the simulator's numbering). */
  kind: 1 | 2;
}

export interface SyntheticImage {
  arch: LivepatchArch;
  buildId: Uint8Array;
  symbols: SyntheticSymbol[];
  /** One executable mapping holding every invented function, `_start` to `_end`. */
  text: { addr: bigint; bytes: Uint8Array };
  /** Absolute old addresses a payload names: mapped where it says, each its own function. */
  pinned: { addr: bigint; bytes: Uint8Array }[];
  assumptions: string[];
}

export interface SyntheticInput {
  elf: ElfFile;
  /** Null for a readable ELF that is not a livepatch payload: Xen is still asked to load it. */
  model: LivepatchModel | null;
}

/** Where the made-up Xen's text starts: the link address real builds use (XEN_VIRT_START + 2 MiB). */
const TEXT_BASE: Record<LivepatchArch, bigint> = {
  x86_64: 0xffff82d040200000n,
  aarch64: 0x00000a0000200000n,
  arm32: 0x00200000n,
};

/** A body that returns 0: what an invented function does if a hook calls it. */
const RETURN_ZERO: Record<LivepatchArch, number[]> = {
  x86_64: [0x31, 0xc0, 0xc3], // xor %eax,%eax; ret
  aarch64: [0x00, 0x00, 0x80, 0xd2, 0xc0, 0x03, 0x5f, 0xd6], // mov x0, #0; ret
  arm32: [0x00, 0x00, 0xa0, 0xe3, 0x1e, 0xff, 0x2f, 0xe1], // mov r0, #0; bx lr
};
/** Filler after the body: x86 int3, ARM udf/brk-like words that fault if reached. */
const FILL: Record<LivepatchArch, number[]> = {
  x86_64: [0xcc],
  aarch64: [0x00, 0x00, 0x20, 0xd4], // brk #0
  arm32: [0xf0, 0x00, 0xf0, 0xe7], // udf
};

const MIN_FUNC = 32;
const ALIGN = 32n;
/**
 * The most bytes the stand-in gives one invented function, and all of them together. To the
 * simulator old_size is only a number, and a hostile one (up to 4 GiB) must not make the stand-in
 * allocate and fill that much.
 */
const MAX_FUNC = 64 * 1024;
const MAX_TEXT = 16 * 1024 * 1024;

/** Names each payload defines in a loaded section: Xen must not have them, or they would clash. */
function definedNames(elf: ElfFile): Set<string> {
  const out = new Set<string>();
  const t = elf.symbolTables.find((s) => s.sectionType === SHT_SYMTAB);
  if (!t) return out;
  for (let i = 1; i < t.count; i++) if (t.shndx[i] !== SHN_UNDEF && t.name[i]) out.add(t.name[i]);
  return out;
}

function undefinedNames(elf: ElfFile): string[] {
  const t = elf.symbolTables.find((s) => s.sectionType === SHT_SYMTAB);
  const out: string[] = [];
  if (!t) return out;
  for (let i = 1; i < t.count; i++) {
    const type = stType(t.info[i]);
    if (t.shndx[i] === SHN_UNDEF && t.name[i] && type !== STT_SECTION && type !== STT_FILE) out.push(t.name[i]);
  }
  return out;
}

interface Wanted {
  size: number;
  /** Bytes an enabled expectation wants at the start (written so APPLY's check can pass). */
  expect: Uint8Array | null;
  func: boolean;
}

function body(arch: LivepatchArch, size: number, expect: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(size);
  const fill = FILL[arch];
  for (let i = 0; i < size; i++) out[i] = fill[i % fill.length];
  out.set(RETURN_ZERO[arch].slice(0, size));
  if (expect) out.set(expect.slice(0, size));
  return out;
}

/**
 * The machine of the stand-in Xen for files with these ELF machines (every file of the plan the
 * audit could read as ELF, in plan order): the first one Xen livepatches; null when none is (none is
 * a readable ELF at all: a lone empty file, a PNG), and then the stand-in is x86-64
 * (`standInArch()`). The page names a stand-in host by this rule too.
 */
function namedArch(machines: readonly number[]): LivepatchArch | null {
  // A payload's model.arch is this same archOf(e_machine): one reading for payloads and plain objects.
  return machines.map(archOf).find((a): a is LivepatchArch => a !== null) ?? null;
}

/** The machine a stand-in Xen is booted as for files with these ELF machines (see namedArch()). */
export function standInArch(machines: readonly number[]): LivepatchArch {
  return namedArch(machines) ?? "x86_64";
}

/**
 * The architecture comes from the payloads, else from any file's e_machine; when no file names one
 * Xen supports (none is a readable ELF at all: a lone empty file, a PNG), the stand-in is x86-64 and
 * the simulator's own checks refuse the files (an audit never accepts a plan it did not run).
 */
export function syntheticImage(inputs: readonly SyntheticInput[]): SyntheticImage {
  const assumptions: string[] = [];
  const machines = inputs.map((i) => xenMachine(i.elf));
  const named = namedArch(machines);
  const arch = standInArch(machines);
  if (!named) assumptions.push("no file is built for an architecture Xen livepatches (x86-64, AArch64, ARM): the stand-in Xen is x86-64");
  const xenDepends = inputs.map((i) => i.model?.xenDepends?.buildId).find((b): b is string => !!b);
  const buildId = xenDepends ? hexToBytes(xenDepends) : new Uint8Array(20);
  assumptions.push(xenDepends ? `Xen's build-id is ${xenDepends}, the one .livepatch.xen_depends names` : "Xen's build-id is unknown (no payload names one)");

  const provided = new Set<string>();
  for (const i of inputs) for (const n of definedNames(i.elf)) provided.add(n);

  const wanted = new Map<string, Wanted>();
  const pinned = new Map<bigint, { size: number; expect: Uint8Array | null; name: string | null }>();
  const want = (name: string, w: Partial<Wanted>) => {
    if (provided.has(name)) return;
    const prev = wanted.get(name) ?? { size: MIN_FUNC, expect: null, func: false };
    wanted.set(name, { size: Math.max(prev.size, w.size ?? 0), expect: w.expect ?? prev.expect, func: prev.func || !!w.func });
  };
  for (const { elf, model } of inputs) {
    for (const n of undefinedNames(elf)) want(n, {});
    for (const fn of model?.funcs ?? []) {
      const expect = fn.expect?.enabled && fn.expect.len > 0 ? fn.expect.expected.slice(0, fn.expect.len) : null;
      const size = Math.max(fn.oldSize, MIN_FUNC);
      const t = fn.oldAddr.target;
      const held = heldOldAddr(fn);
      if (t.kind === "symbol" && !t.defined) want(t.symbol, { size, expect, func: true });
      else if (held !== null) pinned.set(held, { size, expect, name: fn.name.text });
      else if (t.kind === "null" && fn.name.text) want(fn.name.text, { size, expect, func: true });
    }
  }

  let room = MAX_TEXT;
  const cut: string[] = [];
  const sized = (name: string, size: number): number => {
    const got = Math.max(MIN_FUNC, Math.min(size, MAX_FUNC, room));
    room = Math.max(0, room - got);
    if (got < size) cut.push(`${name} (${size} bytes, given ${got})`);
    return got;
  };

  const base = TEXT_BASE[arch];
  const symbols: SyntheticSymbol[] = [];
  const parts: { at: bigint; bytes: Uint8Array }[] = [];
  let at = base + 0x100n;
  for (const [name, w] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const size = sized(name, w.size);
    symbols.push({ name, addr: at, size, kind: 2 });
    parts.push({ at, bytes: body(arch, size, w.expect) });
    at = (at + BigInt(size) + ALIGN - 1n) & ~(ALIGN - 1n);
  }
  const end = at + 0x100n;
  const text = new Uint8Array(Number(end - base));
  const fill = FILL[arch];
  for (let i = 0; i < text.length; i++) text[i] = fill[i % fill.length];
  for (const p of parts) text.set(p.bytes, Number(p.at - base));
  // `_end` bounds Xen's image: payloads are placed after it, so it must lie past any pinned function.
  let imageEnd = end;
  for (const p of pinned.values()) p.size = sized(p.name ?? "an absolute old address", p.size);
  for (const [addr, p] of pinned) if (addr > base && addr - base < 1n << 30n && addr + BigInt(p.size) > imageEnd) imageEnd = addr + BigInt(p.size);
  symbols.push({ name: "_start", addr: base, size: 0, kind: 2 }, { name: "_end", addr: imageEnd, size: 0, kind: 1 });
  if (wanted.size) assumptions.push(`${wanted.size} Xen symbol(s) the payloads use are invented functions at made-up addresses from ${hexAddr(base)}: ${[...wanted.keys()].slice(0, 6).join(", ")}${wanted.size > 6 ? ", …" : ""}`);
  if ([...wanted.values()].some((w) => w.func)) assumptions.push("the old functions are assumed to be as large as old_size and not to start with ENDBR64; expectations are assumed met");

  const pinnedOut: { addr: bigint; bytes: Uint8Array }[] = [];
  for (const [addr, p] of pinned) {
    if (addr >= base && addr < end) continue;
    if (p.name && !provided.has(p.name) && !wanted.has(p.name)) symbols.push({ name: p.name, addr, size: p.size, kind: 2 });
    pinnedOut.push({ addr, bytes: body(arch, p.size, p.expect) });
  }
  if (cut.length) assumptions.push(`old_size is larger than the stand-in gives a function for ${cut.slice(0, 6).join(", ")}${cut.length > 6 ? ", …" : ""}`);
  if (pinnedOut.length) assumptions.push(`absolute old addresses are assumed to hold functions of old_size bytes: ${pinnedOut.map((p) => hexAddr(p.addr)).join(", ")}`);
  return { arch, buildId, symbols, text: { addr: base, bytes: text }, pinned: pinnedOut, assumptions };
}

const hexAddr = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
