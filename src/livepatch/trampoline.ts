// The bytes Xen writes over an old function: a branch to the new one, or NOPs (facts §7).
// Instructions are little-endian on every supported arch (AArch64 and ARM BE8 keep code LE).

export type LivepatchArch = "x86_64" | "aarch64" | "arm32";

export interface PatchInput {
  arch: LivepatchArch;
  oldAddr: bigint;
  /** 0 means NOP-out. */
  newAddr: bigint;
  newSize: number;
  /** The first bytes of the old function, when an image is available (ENDBR64 detection). */
  oldBytes?: Uint8Array;
}

export interface PatchPreview {
  kind: "trampoline" | "nop";
  /** Bytes skipped before the write (4 after an ENDBR64 on x86). */
  patchOffset: number;
  bytes: Uint8Array;
  /** How many original bytes Xen saves for revert (equals bytes.length unless the length wrapped). */
  savedLength: number;
  description: string;
}

export const X86_JMP_SIZE = 5;
export const ARM_INSN_SIZE = 4;
export const ENDBR64 = Uint8Array.of(0xf3, 0x0f, 0x1e, 0xfa);
/** What Xen turns an unused ENDBR64 into (`nopw (%rcx)`); still skipped by the patcher. */
export const ENDBR64_POISON = Uint8Array.of(0x66, 0x0f, 0x1f, 0x01);

// P6 "ideal" NOPs, index = length.
const P6_NOPS: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];
const X86_NOP_MAX = 9;

export const AARCH64_NOP = 0xd503201f;
export const ARM32_NOP = 0xe1a00000; // mov r0, r0
export const AARCH64_BRK_FAULT = 0xd4200040; // BRK #2

/** Branch reach, tested by Xen as −R ≤ old − new < R (facts §6.2). */
export const BRANCH_RANGE: Record<LivepatchArch, bigint> = {
  x86_64: 1n << 31n,
  aarch64: 128n << 20n,
  arm32: 32n << 20n,
};

export function startsWithEndbr(bytes: Uint8Array | undefined): "endbr64" | "poison" | null {
  if (!bytes || bytes.length < 4) return null;
  const same = (pat: Uint8Array) => pat.every((b, i) => bytes[i] === b);
  if (same(ENDBR64)) return "endbr64";
  if (same(ENDBR64_POISON)) return "poison";
  return null;
}

/** x86 NOP fill: chunks of at most 9 bytes, each one P6 NOP. */
export function x86Nops(len: number): Uint8Array {
  const out = new Uint8Array(len);
  let at = 0;
  while (at < len) {
    const n = Math.min(X86_NOP_MAX, len - at);
    out.set(P6_NOPS[n], at);
    at += n;
  }
  return out;
}

function words(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => {
    out[i * 4] = v & 0xff;
    out[i * 4 + 1] = (v >>> 8) & 0xff;
    out[i * 4 + 2] = (v >>> 16) & 0xff;
    out[i * 4 + 3] = (v >>> 24) & 0xff;
  });
  return out;
}

export function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function bytesHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Xen's NOP-out limit (LIVEPATCH_OPAQUE_SIZE): it refuses anything longer at upload. */
const NOP_MAX = 31;

export function computePatch(input: PatchInput): PatchPreview {
  const { arch, oldAddr, newAddr } = input;
  const newSize = input.newSize >>> 0;
  // A hostile new_size must not make the preview allocate gigabytes; Xen writes nothing then.
  if (newAddr === 0n && newSize > NOP_MAX)
    return { kind: "nop", patchOffset: 0, bytes: new Uint8Array(0), savedLength: 0, description: `NOP-out of ${newSize} bytes exceeds ${NOP_MAX}: Xen refuses the payload (−EOPNOTSUPP) and writes nothing` };
  if (arch === "x86_64") return x86Patch(oldAddr, newAddr, newSize, input.oldBytes);
  return armPatch(arch, oldAddr, newAddr, newSize);
}

function x86Patch(oldAddr: bigint, newAddr: bigint, newSize: number, oldBytes?: Uint8Array): PatchPreview {
  const endbr = startsWithEndbr(oldBytes);
  const patchOffset = endbr ? 4 : 0;
  const endbrNote = endbr
    ? `the old function starts with ${endbr === "endbr64" ? "ENDBR64" : "a poisoned ENDBR64"}, which stays; writing 4 bytes in`
    : oldBytes
      ? "no ENDBR64 at the old function"
      : "old bytes unknown, assuming no ENDBR64";
  if (newAddr === 0n) {
    if (newSize < patchOffset) {
      // Xen computes new_size − patch_offset unsigned, so this wraps (facts §18 #21).
      return {
        kind: "nop",
        patchOffset,
        bytes: new Uint8Array(0),
        savedLength: (newSize - patchOffset) >>> 0,
        description: `NOP-out of ${newSize} bytes after an ENDBR64: new_size − 4 wraps to ${(newSize - patchOffset) >>> 0}; Xen does not guard this`,
      };
    }
    const bytes = x86Nops(newSize - patchOffset);
    return {
      kind: "nop",
      patchOffset,
      bytes,
      savedLength: bytes.length,
      description: bytes.length === 0
        ? `NOP-out of 0 bytes: nothing is written (${endbrNote})`
        : `NOP-out: ${bytes.length} bytes of P6 NOPs at ${hex(oldAddr + BigInt(patchOffset))} (${endbrNote})`,
    };
  }
  const from = oldAddr + BigInt(patchOffset) + BigInt(X86_JMP_SIZE);
  const rel = newAddr - from;
  const rel32 = BigInt.asIntN(32, rel);
  const bytes = new Uint8Array(X86_JMP_SIZE);
  bytes[0] = 0xe9;
  const r = Number(BigInt.asUintN(32, rel32));
  bytes[1] = r & 0xff;
  bytes[2] = (r >>> 8) & 0xff;
  bytes[3] = (r >>> 16) & 0xff;
  bytes[4] = (r >>> 24) & 0xff;
  const fits = rel32 === rel;
  return {
    kind: "trampoline",
    patchOffset,
    bytes,
    savedLength: X86_JMP_SIZE,
    description:
      `jmp ${hex(newAddr)} (e9 rel32 = ${hex(rel)}) written at ${hex(oldAddr + BigInt(patchOffset))}: ${bytesHex(bytes)}; ${endbrNote}` +
      (fits ? "" : "; the displacement does not fit in 32 bits, so Xen refuses this at upload"),
  };
}

function armPatch(arch: "aarch64" | "arm32", oldAddr: bigint, newAddr: bigint, newSize: number): PatchPreview {
  if (newAddr === 0n) {
    const count = Math.floor(newSize / ARM_INSN_SIZE);
    const nop = arch === "aarch64" ? AARCH64_NOP : ARM32_NOP;
    const bytes = words(new Array<number>(count).fill(nop));
    const name = arch === "aarch64" ? "NOP (d503201f)" : "mov r0, r0 (e1a00000)";
    return {
      kind: "nop",
      patchOffset: 0,
      bytes,
      savedLength: bytes.length,
      description: count === 0 ? "NOP-out of 0 instructions: nothing is written" : `NOP-out: ${count} × ${name} at ${hex(oldAddr)}`,
    };
  }
  let insn: number;
  let note: string;
  if (arch === "aarch64") {
    const offset = newAddr - oldAddr;
    const range = BRANCH_RANGE.aarch64;
    if ((offset & 3n) !== 0n || offset < -range || offset >= range) {
      insn = AARCH64_BRK_FAULT;
      note = `offset ${hex(offset)} is misaligned or beyond ±128 MiB, so the generator yields BRK #2`;
    } else {
      insn = (0x14000000 | Number((offset >> 2n) & 0x03ffffffn)) >>> 0;
      note = `b ${hex(newAddr)} (offset ${hex(offset)})`;
    }
  } else {
    const offset = newAddr - (oldAddr + 8n);
    insn = (0xea000000 | Number((offset >> 2n) & 0x00ffffffn)) >>> 0;
    const range = BRANCH_RANGE.arm32;
    note = `b ${hex(newAddr)} (offset ${hex(offset)} from pc+8)` + (offset < -range || offset >= range ? "; beyond ±32 MiB, the branch would land elsewhere" : "");
  }
  const bytes = words([insn]);
  return {
    kind: "trampoline",
    patchOffset: 0,
    bytes,
    savedLength: ARM_INSN_SIZE,
    description: `${note} written at ${hex(oldAddr)}: ${bytesHex(bytes)} (${insn.toString(16).padStart(8, "0")})`,
  };
}
