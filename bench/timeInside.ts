// Times named wasm exports, so a benchmark can say how much of an API call ran in the simulator
// and how much in the host around it.

/** `w` with the named exports timed (the bindings object is frozen, so a wrapper inherits from it). */
export function timeInside<W extends object>(w: W, names: readonly string[], add: (ms: number) => void): W {
  const out = Object.create(w) as W;
  for (const name of names) {
    const fn = (w as Record<string, unknown>)[name];
    if (typeof fn !== "function") throw new Error(`the hypervisor has no export ${name}`);
    Object.defineProperty(out, name, {
      value: (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return (fn as (...a: unknown[]) => unknown).apply(w, args);
        } finally {
          add(performance.now() - t0);
        }
      },
    });
  }
  return out;
}

