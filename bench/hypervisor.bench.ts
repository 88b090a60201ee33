// Simulator figures: wasm size, boot from xen-syms (sample and 20 MB), UPLOAD/APPLY/REVERT of the
// generated 2,000-function payload, GET/LIST hypercalls per second (each logged as events), and
// `xl info` (Xen's version functions run on the interpreter) before and after hello world's APPLY.
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseElf } from "../src/elf/index.ts";
import { createHypervisor } from "../workers/hypervisor/host/api.ts";
import { WASM_PATH, compileHypervisorModule } from "../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../workers/hypervisor/host/image.ts";
import { ACTION } from "../workers/hypervisor/host/types.ts";
import { buildLargeImage, buildLargePayload } from "../fixtures/gen-large.ts";
import type { BenchRow } from "./run.ts";

export const title = "Simulated hypervisor";

const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

function fileOr(pathName: string, build: () => Uint8Array): Uint8Array {
  return existsSync(pathName) ? new Uint8Array(readFileSync(pathName)) : build();
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push({ name: "wasm size", value: statSync(WASM_PATH).size / 1024, unit: "KiB" });
  const module = await compileHypervisorModule();
  const hv = await createHypervisor(module);

  const sample = new Uint8Array(readFileSync(path("public/samples/x86_64/xen-syms")));
  const [, bootMs] = timed(() => bootFromImage(hv, parseElf(sample), { cpus: 8 }));
  rows.push({ name: "boot sample xen-syms (parse + symbols + memory)", value: bootMs, unit: "ms" });

  const payload = fileOr(path("fixtures/out/large-2000funcs.livepatch"), () => new Uint8Array(buildLargePayload(sample)));
  const [up, upMs] = timed(() => hv.upload("large", payload));
  if (up !== 0) throw new Error(`large payload upload failed: ${up}`);
  rows.push({ name: "UPLOAD 2,000-function payload", value: upMs, unit: "ms", note: `${(payload.length / 1024).toFixed(0)} KiB, first call` });
  // Warm figure: unload and upload again, median of 5 (the first call pays for JIT). The same
  // build-id cannot be loaded twice, so the payload is unloaded first; the last upload stays.
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (hv.action("large", ACTION.UNLOAD, 0, 0) !== 0) throw new Error("unload refused");
    const [rc, ms] = timed(() => hv.upload("large", payload));
    if (rc !== 0) throw new Error(`warm upload failed: ${rc}`);
    warm.push(ms);
  }
  warm.sort((a, b) => a - b);
  rows.push({ name: "UPLOAD 2,000-function payload (warm)", value: warm[2], unit: "ms", note: "median of 5" });
  const [, applyMs] = timed(() => {
    if (hv.action("large", ACTION.APPLY, 0, 0) !== 0) throw new Error("apply refused");
    hv.advance(60_000_000);
  });
  if (hv.get("large").state !== 2) throw new Error(`apply did not complete: ${JSON.stringify(hv.get("large"))}`);
  rows.push({ name: "APPLY 2,000 functions (hypercall + rendezvous)", value: applyMs, unit: "ms" });
  const [, revertMs] = timed(() => {
    hv.action("large", ACTION.REVERT, 0, 0);
    hv.advance(60_000_000);
  });
  if (hv.get("large").state !== 1) throw new Error("revert did not complete");
  rows.push({ name: "REVERT 2,000 functions", value: revertMs, unit: "ms" });
  const [events, eventsMs] = timed(() => hv.events().length);
  rows.push({ name: "drain + parse event log", value: eventsMs, unit: "ms", note: `${events} events` });

  const n = 50_000;
  const [, getMs] = timed(() => {
    for (let i = 0; i < n; i++) hv.get("large");
  });
  rows.push({ name: "GET hypercalls", value: n / (getMs / 1000), unit: "calls/s", note: "2 events each, drained and parsed" });
  const lists = 20_000;
  const [, listMs] = timed(() => {
    for (let i = 0; i < lists; i++) {
      const probe = hv.listOp(0, 0, 0, 0);
      hv.listOp(0, probe.nr, probe.nameTotal, probe.metaTotal);
    }
  });
  rows.push({ name: "LIST probe + fetch (what `list` does)", value: lists / (listMs / 1000), unit: "listings/s", note: "1 payload loaded" });

  rows.push(...xlInfoRows(hv, sample, "sample xen-syms"));
  // Xen's own build (docs/xen-test-payloads.md), when there: its version functions and, with
  // hello world applied, the get_unsafe() fault and fixup on every xen_extra_version() call.
  const xen = process.env.XEN_TEST_PAYLOADS;
  if (xen && existsSync(`${xen}/x86_64/xen-syms`)) {
    const real = new Uint8Array(readFileSync(`${xen}/x86_64/xen-syms`));
    rows.push(...xlInfoRows(hv, real, "Xen's x86_64 xen-syms", new Uint8Array(readFileSync(`${xen}/x86_64/xen_hello_world.livepatch`))));
  }

  const big = fileOr(path("fixtures/out/xen-syms-large"), () => new Uint8Array(buildLargeImage()));
  const [summary, bigMs] = timed(() => bootFromImage(hv, parseElf(big), { cpus: 8 }));
  rows.push({ name: "boot 20 MB xen-syms", value: bigMs, unit: "ms", note: `${summary.symbols} symbols, ${(summary.mappedBytes / 1048576).toFixed(1)} MiB mapped` });
  return rows;
}

/** `xl info` per second on `image`, before and after hello world's APPLY (the quiet form the page uses). */
function xlInfoRows(hv: Awaited<ReturnType<typeof createHypervisor>>, image: Uint8Array, label: string, hello?: Uint8Array): BenchRow[] {
  bootFromImage(hv, parseElf(image), { cpus: 4 });
  const n = 2_000;
  const rate = () => {
    hv.xlInfo({ quiet: true });
    const [, ms] = timed(() => {
      for (let i = 0; i < n; i++) hv.xlInfo({ quiet: true });
    });
    return n / (ms / 1000);
  };
  const answered = () => {
    const f = hv.xlInfo({ quiet: true }).fields;
    return `${f.filter((x) => x.value !== null).length} of ${f.length} fields answered by the image's code`;
  };
  const rows: BenchRow[] = [{ name: `xl info, ${label}`, value: rate(), unit: "calls/s", note: answered() }];
  const payload = hello ?? new Uint8Array(readFileSync(path("public/samples/x86_64/xen_hello_world.livepatch")));
  if (hv.upload("xen_hello_world", payload) !== 0 || hv.action("xen_hello_world", ACTION.APPLY, 0, 0) !== 0) throw new Error(`hello world on ${label} refused`);
  hv.advance(60_000_000);
  const extra = hv.xlInfo({ quiet: true }).fields.find((f) => f.key === "xen_extra")?.value;
  if (extra !== "Hello World") throw new Error(`xl info on ${label} after APPLY says xen_extra ${extra}`);
  rows.push({ name: `xl info, ${label}, hello world applied`, value: rate(), unit: "calls/s", note: `xen_extra: Hello World; ${answered()}` });
  return rows;
}
