// What every fuzz property (`*.fuzz.test.ts`) shares: its run count, its time limit and its one
// report line. `npm run fuzz` sets FUZZ_RUNS (100,000 unless given); a plain `vitest run` uses each
// property's quick count.

/** FUZZ_RUNS when set, else `quick`, the count a unit-test run uses. */
export function fuzzRuns(quick: number): number {
  const raw = process.env.FUZZ_RUNS;
  if (raw === undefined || raw === "") return quick;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a positive whole number, not "${raw}"`);
  return n;
}

/**
 * The property's test timeout: `quickMs` bounds a hang at the quick count; with FUZZ_RUNS set there
 * is none, since the time grows with the count and the machine's load.
 */
export function fuzzTimeout(quickMs: number): number {
  return process.env.FUZZ_RUNS ? 0 : quickMs;
}

/** Starts timing one property; `report()` prints "fuzz NAME: RUNS runs in S s (R runs/s, C s CPU)". */
export function fuzzTimer(name: string, runs: number): { report(): string } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    report() {
      const seconds = (performance.now() - wall) / 1000;
      const used = process.cpuUsage(cpu);
      const line = `fuzz ${name}: ${runs} runs in ${seconds.toFixed(1)} s (${(runs / seconds).toFixed(0)} runs/s, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU)`;
      console.log(line);
      return line;
    },
  };
}
