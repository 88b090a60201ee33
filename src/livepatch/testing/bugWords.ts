// Test input: x86 bug-frame words assembled as xen/arch/x86/include/asm/bug.h's BUG_FRAME
// assembles them, independently of any decoder.

/** The location and pointer words of a frame, as unsigned 32-bit values. */
export function assembleBugWords(locDisp: number, ptrDisp: number, line: number): [number, number] {
  return [(locDisp + ((line >> 7) << 24)) >>> 0, (ptrDisp + ((line & 0x7f) << 24)) >>> 0];
}

/** Displacements of either sign, up to the 24-bit limits, to pair with every line number. */
export const BUG_DISPLACEMENTS: readonly (readonly [number, number])[] = [[0, 0], [0x34, 4], [-1, -0x28], [-0x800000, 0x7fffff], [0x123456, -0x654321]];
