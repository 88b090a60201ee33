// The receiving side of a parse: pull the result's parts one message at a time, then rebuild the
// `ParsedFile` in time slices. Shared by the page's parse client, the tests and the benchmarks.
import type { ParsedFile, ParseId, ParseWorkerApi } from "./parse.ts";
import { err, ok, type Result } from "./result.ts";
import { decodeParsed, runSliced, type ParsedWire, type WirePart } from "./wire.ts";

export interface ReceiveOptions {
  /** Lets the thread breathe between slices (the page: a macrotask). Default: a resolved promise. */
  pause?: () => Promise<void>;
  /** Work per slice, in ms. */
  budgetMs?: number;
  /** Checked between parts and slices; true abandons the result (`CANCELLED`). */
  stop?: () => boolean;
}

export async function receiveParsed(remote: Pick<ParseWorkerApi, "part">, id: ParseId, head: ParsedWire, options: ReceiveOptions = {}): Promise<Result<ParsedFile>> {
  const pause = options.pause ?? (() => Promise.resolve());
  const stop = options.stop ?? (() => false);
  const cancelled = () => err("CANCELLED", `${head.fileName}: parse cancelled`);
  if (stop()) return cancelled();
  const parts: WirePart[] = [];
  for (let k = 0; k < head.parts; k++) {
    const r = await remote.part(id, k);
    if (!r.ok) return r;
    parts.push(r.value);
    if (stop()) return cancelled();
  }
  try {
    const parsed = await runSliced(decodeParsed(head, parts), pause, options.budgetMs, undefined, stop);
    return parsed ? ok(parsed) : cancelled();
  } catch (e) {
    return err("INTERNAL", `${head.fileName}: could not rebuild the parse result: ${e instanceof Error ? e.message : String(e)}`);
  }
}
