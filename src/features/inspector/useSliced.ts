// Work over a million rows (a filter, a scan of every relocation type) as a generator run in
// slices between macrotasks, so typing in a filter never blocks the page. Until the new answer is
// ready, the previous one stays (marked pending), or the fallback when there is none yet.
import { useEffect, useState } from "react";
import { runSliced } from "../../protocol/wire.ts";
import { nextTask } from "../../services/nextTask.ts";

export interface Sliced<T> {
  value: T;
  /** A newer answer is being computed; `value` is the previous one. */
  pending: boolean;
}

/**
 * `work` must be memoised on its inputs (a new function means new work); null means "nothing to
 * do" and yields `idle`.
 */
export function useSliced<T>(work: (() => Generator<void, T>) | null, idle: T): Sliced<T> {
  const [done, setDone] = useState<{ for: unknown; value: T } | null>(null);
  useEffect(() => {
    if (!work) return;
    let live = true;
    void runSliced(work(), nextTask, 8, undefined, () => !live).then((value) => {
      if (live && value !== null) setDone({ for: work, value });
    });
    return () => {
      live = false;
    };
  }, [work]);
  if (!work) return { value: idle, pending: false };
  if (done?.for === work) return { value: done.value, pending: false };
  return { value: done ? done.value : idle, pending: true };
}

/** Rows per step of a row scan: a few milliseconds on a slow machine. */
export const ROWS_PER_STEP = 50_000;
