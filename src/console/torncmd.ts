// `torn PAYLOAD BYTES [--cpu N] [--rendezvous]`: what an NMI handler that calls the function being
// patched sees when the NMI lands after BYTES of the bytes APPLY writes there. A what-if on the
// simulated CPU that leaves no trace. Without --rendezvous the bytes are stored with plain writes
// while every CPU runs on (what Xen does not do), so the handler runs them half-written; with it,
// Xen's way: the handler is swallowed by the livepatch NMI callback and the CPU runs the function
// only after the release, whole.
import type { ConsoleTarget, ConsoleTornResult, Output } from "./target.ts";
import { parseInteger } from "./simcmds.ts";

export const TORN_USAGE = "torn PAYLOAD BYTES [--cpu N] [--rendezvous]";

const spaced = (hex: string) => hex.replace(/(..)(?!$)/g, "$1 ");

type Run = Extract<ConsoleTornResult, { run: unknown }>["run"];

/** The functions the run entered, in order, each once (returns into a caller are left out), without payload names. */
function path(r: Run): string {
  const fn = (p: Run["path"][number]) => (p.symbol ?? p.addr).split(/[+ ]/)[0];
  const seen = new Set<string>();
  return r.path
    .filter((p) => !seen.has(fn(p)) && seen.add(fn(p)))
    .map((p) => (p.symbol ?? p.addr).replace(/ \[.*\]$/, ""))
    .join(" -> ");
}

function outcome(r: Run): string {
  const head = r.outcome === "returned" ? `returned ${r.value}` : r.outcome === "crashed" ? `Xen crashes: ${r.detail?.split("\n").join(" / ")}` : `outcome unknown: ${r.detail}`;
  return `  ${head} (${r.instructions} instructions)\n`;
}

export function runTorn(hv: ConsoleTarget, out: Output, args: string[]): number {
  const usage = () => {
    out.err(`usage: ${TORN_USAGE}\n`);
    return 1;
  };
  const rest = [...args];
  const rendezvous = rest.includes("--rendezvous");
  if (rendezvous) rest.splice(rest.indexOf("--rendezvous"), 1);
  let cpu = 1n;
  const at = rest.indexOf("--cpu");
  if (at >= 0) {
    const v = parseInteger(rest[at + 1]);
    if (v === null || v < 0n || v > 63n) return usage();
    cpu = v;
    rest.splice(at, 2);
  }
  const written = parseInteger(rest[1]);
  if (rest.length !== 2 || written === null || written < 0n || written > 64n) return usage();
  if (!hv.torn) {
    out.err("torn: this simulator does not run Xen's code\n");
    return 1;
  }
  const r = hv.torn(rest[0], Number(written), Number(cpu), rendezvous);
  if ("error" in r) {
    out.err(`torn: ${r.error}\n`);
    return 1;
  }
  const n = r.bytes.length / 2;
  // Lines of at most ~72 characters: the presenter's output box is that wide at slide size.
  const head = `NMI on CPU${r.cpu} after ${r.written} of ${n} bytes`;
  if (r.mode === "plain") {
    out.out(`what-if, plain stores, no rendezvous: ${head}\n`);
    out.out(`  was ${spaced(r.before)}, torn ${spaced(r.seen)}, whole ${spaced(r.bytes)}\n`);
  } else {
    out.out(`what-if, Xen's rendezvous: ${head}\n`);
    out.out(`  torn ${spaced(r.seen)}: NMI swallowed, ${r.func} not entered\n`);
    out.out(`  released: ${spaced(r.after ?? r.bytes)}\n`);
  }
  out.out(`  ran ${path(r.run)}\n`);
  out.out(outcome(r.run));
  return 0;
}
