// The offline app's service worker precaches every asset, sample and engine (about 17 MB) and the
// browser compiles each script as it stores it: seconds of a core's work. Registered on page load,
// that install ran while a first visitor's first file was read and parsed, and on two cores it
// delayed the first view of the 62 MB prelink.o by about 300 ms (`npm run bench`, page rows, with
// and without service workers). So it starts once the page is quiet: loaded, no file being parsed,
// and nothing new for a few seconds.

export interface Busy {
  /** Whether work the install would slow down is under way now. */
  now(): boolean;
  /** Calls `listener` whenever that may have changed; returns the way to stop. */
  watch(listener: () => void): () => void;
}

/**
 * Calls `then` once, after `busy` has been false for `settleMs` without a break. Returns a cancel.
 * Only a change between busy and not busy restarts the wait, so a page in use (hovers, scrolling)
 * does not hold the install off for ever.
 */
export function whenQuiet(busy: Busy, settleMs: number, then: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wasBusy = busy.now();
  const arm = () => {
    timer = setTimeout(() => {
      if (busy.now()) return;
      stop();
      then();
    }, settleMs);
  };
  const unwatch = busy.watch(() => {
    const isBusy = busy.now();
    if (isBusy === wasBusy) return;
    wasBusy = isBusy;
    clearTimeout(timer);
    if (!isBusy) arm();
  });
  const stop = () => {
    clearTimeout(timer);
    unwatch();
  };
  if (!wasBusy) arm();
  return stop;
}

/** Registers the offline app's worker once the page has loaded and is quiet (see above). */
export function registerOfflineWhenQuiet(busy: Busy, settleMs = 3000): void {
  if (!("serviceWorker" in navigator)) return;
  const register = () => {
    // A failed registration only means no offline copy; the page itself is already running.
    navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => undefined);
  };
  const idle = () => (typeof requestIdleCallback === "function" ? requestIdleCallback(register, { timeout: 5000 }) : register());
  const start = () => whenQuiet(busy, settleMs, idle);
  if (document.readyState === "complete") start();
  else addEventListener("load", start, { once: true });
}
