// Scenario steps ↔ timeline cursor. Step k has happened when the session's first
// inputsThrough(k) records and all their events are behind the cursor.
import { recordEnds, type InputRecord, type SimInput } from "../simulator/types.ts";
import { inputsThrough } from "./inputs.ts";

export function cursorForStep(records: readonly InputRecord[], inputs: readonly (SimInput | null)[], step: number): number {
  const n = Math.min(inputsThrough(inputs, step), records.length);
  return n === 0 ? 0 : recordEnds(records)[n - 1];
}

/** The step whose run the cursor is in (or at the end of); 0 before the first input. */
export function stepAtCursor(records: readonly InputRecord[], inputs: readonly (SimInput | null)[], cursor: number): number {
  for (let k = 0; k <= inputs.length; k++) if (cursorForStep(records, inputs, k) >= cursor) return k;
  return inputs.length;
}
