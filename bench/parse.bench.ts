// Payload model and parse worker: parse + analyze in process, and the same through the worker
// service over a MessageChannel (transfer in, structured clone + transfer back), on the
// prelink-shaped inputs (bench/inputs.ts) and the 2,000-function payload.
import { readFileSync } from "node:fs";
import * as Comlink from "comlink";
import { parseElf } from "../src/elf/index.ts";
import { analyzePayload } from "../src/livepatch/index.ts";
import type { ParseWorkerApi } from "../src/protocol/parse.ts";
import { createParseService } from "../src/protocol/parseService.ts";
import { receiveParsed } from "../src/protocol/receive.ts";
import { LARGE_PAYLOAD, prelinkInputs } from "./inputs.ts";
import type { BenchRow } from "./run.ts";

export const title = "Payload model and parse worker service";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => unknown, runs: number): Promise<number> {
  await fn(); // warm-up: JIT and page cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const inputs = await prelinkInputs();
  const payload = readFileSync(LARGE_PAYLOAD);
  const elf = parseElf(new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
  const analyzeOnly = await time(() => analyzePayload(elf), 9);
  const model = analyzePayload(elf);
  rows.push({ name: "analyze large-2000funcs.livepatch", value: analyzeOnly, unit: "ms", note: `${model?.funcs.length ?? 0} funcs, ${model?.diagnostics.length ?? 0} diagnostics` });

  // Through the service over a real MessageChannel: a fresh copy is transferred in each time.
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(createParseService(), port2);
  const remote = Comlink.wrap<ParseWorkerApi>(port1);
  let id = 0;
  const roundTrip = async (bytes: Buffer) => {
    const copy = new Uint8Array(bytes).buffer;
    const head = await remote.parse(++id, Comlink.transfer(copy, [copy]), "bench");
    if (!head.ok) throw new Error(head.error.message);
    const r = await receiveParsed(remote, id, head.value);
    if (!r.ok) throw new Error(r.error.message);
  };
  for (const input of inputs) {
    const bytes = readFileSync(input.path);
    const mb = bytes.length / 1e6;
    const inProcess = await time(() => analyzePayload(parseElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length))), 5);
    rows.push({ name: `parse+analyze in process, ${input.label}`, value: inProcess, unit: "ms", note: `${mb.toFixed(1)} MB, ${(mb / inProcess).toFixed(2)} GB/s, median of 5` });
    rows.push({ name: `worker service round trip, ${input.label}`, value: await time(() => roundTrip(bytes), 5), unit: "ms", note: "MessageChannel, transfer in and out, parts pulled and the result rebuilt, incl. one copy to make the input" });
  }
  rows.push({ name: "worker service round trip large-2000funcs.livepatch", value: await time(() => roundTrip(payload), 9), unit: "ms" });
  port1.close();
  port2.close();
  return rows;
}
