// Scenario numbers typed in presenter mode. With more than nine scenarios, "1" may be the start of
// "12": a digit opens its scenario at once when no further digit could name another one, and
// otherwise waits for the next digit, for Enter, or for a pause (as slide software takes "12 Enter").

export interface Typed {
  /** Digits waiting for the next one ("" when none). */
  typed: string;
  /** The scenario (1-based) to open now, or null. */
  open: number | null;
}

/** After `digit`, with `typed` pending and `count` scenarios in the catalogue. */
export function typeDigit(typed: string, digit: string, count: number): Typed {
  const n = Number(typed + digit);
  // A leading 0, or a number no scenario has: drop what was typed.
  if (n === 0 || n > count) return { typed: "", open: null };
  if (n * 10 > count) return { typed: "", open: n };
  return { typed: typed + digit, open: null };
}

/** Enter, or the pause after a digit: the pending number, if any. */
export function commitTyped(typed: string): Typed {
  return { typed: "", open: typed ? Number(typed) : null };
}
