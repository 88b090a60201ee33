// The instruction encodings APPLY writes, exported so tests can hold them to worked examples: the
// same functions planPatch() writes with; nothing else in the project computes these bytes.
import { x86Jmp, x86Nops, arm64Branch, arm32Branch } from "./patch";

export function encodeX86Jmp(from: u64, to: u64): Uint8Array {
  return x86Jmp(from, to);
}

/** Bounded: a NOP-out longer than Xen's 31-byte buffer is refused at upload, never encoded. */
export function encodeX86Nops(len: i32): Uint8Array {
  return len < 0 || len > 31 ? new Uint8Array(0) : x86Nops(len);
}

export function encodeArm64Branch(pc: u64, target: u64): u32 {
  return arm64Branch(pc, target);
}

export function encodeArm32Branch(pc: u64, target: u64): u32 {
  return arm32Branch(pc, target);
}
