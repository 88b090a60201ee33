// The offline install waits for a quiet page: hand-stepped fake timers, a hand-flipped busy flag.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { whenQuiet, type Busy } from "./offlineInstall.ts";

function flag(initial: boolean) {
  let value = initial;
  const listeners = new Set<() => void>();
  const busy: Busy = {
    now: () => value,
    watch: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    busy,
    set(v: boolean) {
      value = v;
      for (const l of [...listeners]) l();
    },
    poke() {
      for (const l of [...listeners]) l();
    },
    listeners,
  };
}

describe("whenQuiet", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once the page has been quiet for the settle time, and only once", () => {
    const f = flag(false);
    const then = vi.fn();
    whenQuiet(f.busy, 3000, then);
    vi.advanceTimersByTime(2999);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(then).toHaveBeenCalledTimes(1);
    expect(f.listeners.size).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("waits while a file is being parsed and counts the settle time from its end", () => {
    const f = flag(false);
    const then = vi.fn();
    whenQuiet(f.busy, 3000, then);
    vi.advanceTimersByTime(1000);
    f.set(true);
    vi.advanceTimersByTime(60_000);
    expect(then).not.toHaveBeenCalled();
    f.set(false);
    vi.advanceTimersByTime(2999);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("starts busy: nothing until the work ends", () => {
    const f = flag(true);
    const then = vi.fn();
    whenQuiet(f.busy, 3000, then);
    vi.advanceTimersByTime(10_000);
    expect(then).not.toHaveBeenCalled();
    f.set(false);
    vi.advanceTimersByTime(3000);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("changes that leave the page quiet do not push the install back", () => {
    const f = flag(false);
    const then = vi.fn();
    whenQuiet(f.busy, 3000, then);
    for (let i = 0; i < 29; i++) {
      vi.advanceTimersByTime(100);
      f.poke();
    }
    vi.advanceTimersByTime(100);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("a cancel stops it and lets go of the watch", () => {
    const f = flag(false);
    const then = vi.fn();
    const cancel = whenQuiet(f.busy, 3000, then);
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(then).not.toHaveBeenCalled();
    expect(f.listeners.size).toBe(0);
  });
});
