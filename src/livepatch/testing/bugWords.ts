// Test input: x86 bug-frame words assembled as xen/arch/x86/include/asm/bug.h's BUG_FRAME
// assembles them, independently of any decoder.

/** The location and pointer words of a frame, as unsigned 32-bit values. */
export function assembleBugWords(locDisp: number, ptrDisp: number, line: number): [number, number] {
  return [(locDisp + ((line >> 7) << 24)) >>> 0, (ptrDisp + ((line & 0x7f) << 24)) >>> 0];
}

/** Displacements of either sign, up to the 24-bit limits, to pair with every line number. */
const BUG_DISPLACEMENTS: readonly (readonly [number, number])[] = [[0, 0], [0x34, 4], [-1, -0x28], [-0x800000, 0x7fffff], [0x123456, -0x654321]];

export interface AssembledFrame {
  loc: number;
  ptr: number;
  line: number;
  /** The two words as unsigned 32-bit values. */
  w0: number;
  w1: number;
}

/**
 * Every line number Xen can pack (0-16383) with each of BUG_DISPLACEMENTS; the frames `check`
 * gets wrong (it returns a description, or null when right), for a test to expect none.
 */
export function wrongFrames(check: (f: AssembledFrame) => string | null): string[] {
  const wrong: string[] = [];
  for (const [loc, ptr] of BUG_DISPLACEMENTS)
    for (let line = 0; line < 1 << 14; line++) {
      const [w0, w1] = assembleBugWords(loc, ptr, line);
      const bad = check({ loc, ptr, line, w0, w1 });
      if (bad !== null) wrong.push(`${loc},${ptr},${line}: ${bad}`);
    }
  return wrong;
}
