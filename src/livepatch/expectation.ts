// The 32-byte expectation block of a v2 `livepatch_func` (xen/include/public/sysctl.h: struct livepatch_expectation).
import { toHex } from "./bytes.ts";
import { OPAQUE_SIZE } from "./layouts.ts";

export interface Expectation {
  enabled: boolean;
  /** 0–31: how many bytes at old_addr must match. */
  len: number;
  /** Bits 6–7; Xen refuses a non-zero value at APPLY (−EINVAL). */
  rsv: number;
  /** All 31 data bytes as lowercase hex. */
  dataHex: string;
  /** The first `len` bytes, what Xen compares. */
  expected: Uint8Array;
}

/** `block` is the 32 bytes starting at the `expect` field. */
export function decodeExpectation(block: Uint8Array): Expectation {
  if (block.length !== 1 + OPAQUE_SIZE) throw new RangeError(`expectation block is ${block.length} bytes`);
  const head = block[0];
  const len = (head >> 1) & 0x1f;
  const data = block.subarray(1);
  return { enabled: (head & 1) === 1, len, rsv: head >> 6, dataHex: toHex(data), expected: data.slice(0, len) };
}
