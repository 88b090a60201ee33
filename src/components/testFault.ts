// E2E builds only: a test names a guarded part of the page and it throws when it renders, until
// its error boundary has shown (React retries a failed render once, so a one-shot fault would
// never reach the boundary). Referenced only behind `import.meta.env.MODE === "e2e"`, so a
// production build drops it.
const armed = new Set<string>();

export function armTestFault(what: string): void {
  armed.add(what);
}

export function testFault(what: string): void {
  if (armed.has(what)) throw new Error(`test fault injected into the ${what}`);
}

export function testFaultShown(what: string): void {
  armed.delete(what);
}
