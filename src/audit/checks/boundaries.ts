// Where the bytes Xen writes meet the old function's instructions. Xen patches bytes, not
// instructions: a NOP-out sized for a 1-byte `ret` ends inside the 5-byte `jmp` a return-thunk
// build ends with, and the rest of that jmp then runs as whatever it decodes to. The decoder is
// supplied by the host (iced-x86 / capstone), so this file stays pure and the audit, the Functions
// view and the disassembly agree on every instruction boundary; the bytes and where they go are
// the simulator's own preview of APPLY.
import type { LivepatchArch } from "../../livepatch/index.ts";
import type { RecordLabel } from "../labels.ts";
import type { PatchPreview } from "../../protocol/hypervisor.ts";
import { hexAddr } from "../context.ts";
import type { XenImage } from "../image.ts";
import { hexToBytes } from "../../simulator/memory.ts";

/** One decoded instruction, as the disassembly adapters return it. */
export interface DecodedInsn {
  address: bigint;
  size: number;
  /** Lowercase hex pairs separated by spaces. */
  bytes: string;
  text: string;
  /** Direct branch or call target. */
  target: bigint | null;
  invalid: boolean;
}

/** Synchronous decoder over one arch's engine (loaded by the host before the audit runs). */
export type Decode = (arch: LivepatchArch, bytes: Uint8Array, address: bigint) => DecodedInsn[];

export interface PatchedRange {
  kind: "trampoline" | "nop";
  /** First byte Xen writes (old_addr, or old_addr + 4 after ENDBR64). */
  start: bigint;
  /** The bytes written there. */
  bytes: Uint8Array;
}

export interface OldCode {
  /** Start of the old function (its symbol), and its size. */
  address: bigint;
  size: number;
  /** The function's bytes, possibly followed by what lies after it in memory. */
  bytes: Uint8Array;
}

export type BoundaryProblem =
  | {
      /** The written range ends inside `insn`; its tail stays, and runs after the NOPs. */
      kind: "nop-ends-inside";
      insn: DecodedInsn;
      liveStart: bigint;
      live: Uint8Array;
      /** What the CPU decodes at `liveStart` once the NOPs are in (the tail plus what follows). */
      executesAs: DecodedInsn | null;
    }
  | {
      /** The jump ends inside `insn`; the tail is dead code unless something branches into it. */
      kind: "jump-ends-inside";
      insn: DecodedInsn;
      liveStart: bigint;
      live: Uint8Array;
    }
  | {
      /** A branch after the NOPs lands inside them, not on one of the NOP instructions. */
      kind: "branch-into-patch";
      from: DecodedInsn;
      target: bigint;
      /** The written instruction the branch lands inside. */
      lands: DecodedInsn | null;
    };

/**
 * The old function's instruction boundaries against each patched range. Empty when everything
 * lines up, or when the old code does not decode cleanly up to the end of the range (then no
 * boundary can be trusted, and nothing is claimed).
 */
export function instructionBoundaries(arch: LivepatchArch, old: OldCode, ranges: readonly PatchedRange[], decode: Decode): BoundaryProblem[] {
  const insns = decode(arch, old.bytes.subarray(0, old.size), old.address);
  const out: BoundaryProblem[] = [];
  for (const r of ranges) {
    if (r.bytes.length === 0) continue;
    const end = r.start + BigInt(r.bytes.length);
    const upToEnd = insns.filter((i) => i.address < end);
    if (upToEnd.some((i) => i.invalid) || !insns.some((i) => i.address + BigInt(i.size) >= end)) continue;
    const cut = insns.find((i) => i.address < end && i.address + BigInt(i.size) > end);
    if (cut) {
      const liveLen = Number(cut.address + BigInt(cut.size) - end);
      const liveOff = Number(end - old.address);
      const live = old.bytes.slice(liveOff, liveOff + liveLen);
      if (r.kind === "nop") {
        const after = decode(arch, old.bytes.subarray(liveOff), end)[0] ?? null;
        out.push({ kind: "nop-ends-inside", insn: cut, liveStart: end, live, executesAs: after && !after.invalid ? after : null });
      } else out.push({ kind: "jump-ends-inside", insn: cut, liveStart: end, live });
    }
    // After a jump the rest of the old function is unreachable from its entry; after NOPs it runs on,
    // so its branches back into the NOPs matter.
    if (r.kind !== "nop") continue;
    const written = decode(arch, r.bytes, r.start);
    const starts = new Set(written.map((w) => w.address));
    for (const from of insns) {
      if (from.address < end) continue;
      const t = from.target;
      if (t === null || t <= r.start || t >= end || starts.has(t)) continue;
      const lands = written.find((w) => t > w.address && t < w.address + BigInt(w.size)) ?? null;
      out.push({ kind: "branch-into-patch", from, target: t, lands });
    }
  }
  return out;
}

const hexBytes = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const rel = (base: bigint, a: bigint) => `+0x${(a - base).toString(16)}`;

/** One line a reviewer reads, naming the instruction and the bytes that stay live. */
export function describeBoundary(p: BoundaryProblem, fnName: string, fnAddr: bigint, nameAt: (a: bigint) => string | null = () => null): string {
  const text = (i: DecodedInsn) => {
    const n = i.target !== null ? nameAt(i.target) : null;
    return n ? `${i.text} <${n}>` : i.text;
  };
  if (p.kind === "branch-into-patch")
    return `${fnName}${rel(fnAddr, p.from.address)} (${text(p.from)}) branches to ${fnName}${rel(fnAddr, p.target)}, inside the bytes Xen writes${p.lands ? ` (into ${p.lands.text}, ${p.lands.bytes})` : ""}: taking that branch runs the middle of an instruction`;
  const n = p.live.length;
  const cut = `${text(p.insn)} (${p.insn.bytes}) at ${fnName}${rel(fnAddr, p.insn.address)}`;
  const tail = `its last ${n === 1 ? "byte" : `${n} bytes`} (${hexBytes(p.live)}) at ${fnName}${rel(fnAddr, p.liveStart)}`;
  if (p.kind === "jump-ends-inside") return `the jump Xen writes ends inside ${cut}; ${tail} ${n === 1 ? "stays" : "stay"} as dead code, reached only by a branch into it`;
  const as = p.executesAs ? `: the CPU runs ${p.executesAs.text} (${p.executesAs.bytes}) there` : ", as the start of an instruction that whatever follows in memory completes";
  return `the NOPs end inside ${cut}; ${tail} ${n === 1 ? "stays" : "stay"} live and run${n === 1 ? "s" : ""} right after the NOPs${as}`;
}

// ---- the review of one placed payload ----

const MAX_OLD_FUNCTION = 64 * 1024;
// Bytes after the function, so what a live tail runs as can be decoded (an x86 instruction is ≤ 15).
const LOOKAHEAD = 15;

export interface BoundaryFinding {
  id: "func-patch-ends-inside-instruction" | "func-branch-into-patch" | "func-jump-ends-inside-instruction";
  index: number;
  /** The funcs field that decides the range: new_size sizes a NOP-out, old_addr places a jump. */
  field: "new_size" | "old_addr";
  message: string;
}

/**
 * Each write the simulator would make (its own preview: where and which bytes) against the old
 * function as built (the image, not as earlier payloads left it).
 */
/** `label`: what the findings call a record (recordLabels()). */
export function reviewBoundaries(arch: LivepatchArch, image: XenImage, patches: readonly PatchPreview[], decode: Decode, label: RecordLabel): BoundaryFinding[] {
  const out: BoundaryFinding[] = [];
  for (const pt of patches) {
    if (pt.viaHook || pt.bytes.length === 0) continue;
    const oldAddr = BigInt(pt.oldAddr);
    const sym = image.symbolAt(oldAddr);
    const whole = sym && sym.addr === oldAddr && sym.size > 0n;
    const address = whole ? sym.addr : oldAddr;
    const size = Math.min(whole ? Number(sym.size) : pt.bytes.length / 2 + pt.patchOffset, MAX_OLD_FUNCTION);
    let bytes: Uint8Array | null = null;
    for (let extra = LOOKAHEAD; extra >= 0 && !bytes; extra--) bytes = image.read(address, size + extra);
    if (!bytes) continue;
    const range: PatchedRange = { kind: pt.insn === "nop" ? "nop" : "trampoline", start: BigInt(pt.addr), bytes: hexToBytes(pt.bytes) };
    const name = whole ? sym.name : (pt.name || hexAddr(address));
    const nameAt = (a: bigint) => {
      const s = image.symbolAt(a);
      return s ? (s.addr === a ? s.name : `${s.name}+${hexAddr(a - s.addr)}`) : null;
    };
    for (const p of instructionBoundaries(arch, { address, size, bytes }, [range], decode)) {
      const id = p.kind === "nop-ends-inside" ? "func-patch-ends-inside-instruction" : p.kind === "branch-into-patch" ? "func-branch-into-patch" : "func-jump-ends-inside-instruction";
      out.push({ id, index: pt.index, field: pt.insn === "nop" ? "new_size" : "old_addr", message: `${label(pt.index, pt.name)}: ${describeBoundary(p, name, address, nameAt)}` });
    }
  }
  return out;
}
