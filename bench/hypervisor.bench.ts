// Simulator figures: wasm size, boot from xen-syms (sample and 20 MB), UPLOAD/APPLY/REVERT of the
// generated 2,000-function payload (first call and warm, each split into wasm and host decoding),
// GET/LIST hypercalls per second (each logged as events), and `xl info` (Xen's version functions
// run on the interpreter) before and after hello world's APPLY.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseElf } from "../src/elf/index.ts";
import { createHypervisor } from "../workers/hypervisor/host/api.ts";
import { WASM_PATH, compileHypervisorModule } from "../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../workers/hypervisor/host/image.ts";
import { ACTION } from "../workers/hypervisor/host/types.ts";
import { buildLargeImage, buildLargePayload } from "../fixtures/gen-large.ts";
import type { BenchRow } from "./run.ts";
import { timeInside } from "./timeInside.ts";

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

/** One timed API call: its whole time, the part inside the wasm, the events it logged. */
interface Split {
  ms: number;
  wasm: number;
  events: number;
  /** Decoding the call's events into typed objects, when they are first read after it. */
  decode: number;
}

function split(c: Split): string {
  return `wasm ${c.wasm.toFixed(1)} ms + host ${(c.ms - c.wasm).toFixed(1)} ms; then ${c.events} events decoded when read, ${c.decode.toFixed(1)} ms`;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push({ name: "wasm size", value: statSync(WASM_PATH).size / 1024, unit: "KiB" });
  const module = await compileHypervisorModule();
  // Time spent inside the wasm's upload/action/advance, so the rows can say how much of each
  // call was the simulator and how much the host moving the events it logged out of the wasm.
  let inWasm = 0;
  const hv = await createHypervisor(module, { wrapExports: (w) => timeInside(w, ["upload", "action", "advance"], (ms) => (inWasm += ms)) });

  const sample = new Uint8Array(readFileSync(path("public/samples/x86_64/xen-syms")));
  const [, bootMs] = timed(() => bootFromImage(hv, parseElf(sample), { cpus: 8 }));
  rows.push({ name: "boot sample xen-syms (parse + symbols + memory)", value: bootMs, unit: "ms" });

  // Every UPLOAD/APPLY/REVERT row is the whole API call as the page's worker and the CLI make it:
  // the hypercall, the rendezvous (advance) and the host moving the logged events out of the wasm.
  // The events are decoded into typed objects when they are read: each row's note says how long
  // that took, read right after the call (the page's session does).
  const payload = fileOr(path("fixtures/out/large-2000funcs.livepatch"), () => new Uint8Array(buildLargePayload(sample)));
  /** Times `what`, then checks the payload ended in `state` (2 APPLIED, 1 CHECKED). */
  const measure = (what: () => void, state: number): Split => {
    const logged = hv.events().length;
    inWasm = 0;
    const [, ms] = timed(what);
    const [events, decode] = timed(() => hv.events().length);
    const split = { ms, wasm: inWasm, events: events - logged, decode };
    const got = hv.get("large");
    if (got.state !== state) throw new Error(`the payload is not in state ${state}: ${JSON.stringify(got)}`);
    return split;
  };
  const upload = () => {
    const rc = hv.upload("large", payload);
    if (rc !== 0) throw new Error(`large payload upload failed: ${rc}`);
  };
  const apply = () => {
    if (hv.action("large", ACTION.APPLY, 0, 0) !== 0) throw new Error("apply refused");
    hv.advance(60_000_000);
  };
  const revert = () => {
    if (hv.action("large", ACTION.REVERT, 0, 0) !== 0) throw new Error("revert refused");
    hv.advance(60_000_000);
  };
  const unload = () => {
    if (hv.action("large", ACTION.UNLOAD, 0, 0) !== 0) throw new Error("unload refused");
  };
  const size = `${(payload.length / 1024).toFixed(0)} KiB`;
  // First calls: what a fresh page or CLI process pays (V8 has not optimised the wasm or the decoder yet).
  const up1 = measure(upload, 1);
  rows.push({ name: "UPLOAD 2,000-function payload (first call)", value: up1.ms, unit: "ms", note: `${size}; ${split(up1)}` });
  const ap1 = measure(apply, 2);
  rows.push({ name: "APPLY 2,000 functions (first call)", value: ap1.ms, unit: "ms", note: `hypercall + rendezvous; ${split(ap1)}` });
  const rv1 = measure(revert, 1);
  rows.push({ name: "REVERT 2,000 functions (first call)", value: rv1.ms, unit: "ms", note: split(rv1) });
  rows.push(...freshProcessRows(payload));
  // Warm figures: unload, upload, apply, revert, five times, medians (a reverted payload with
  // writable data may not be applied again, so each cycle starts from a fresh upload).
  const cycles: { up: Split; ap: Split; rv: Split }[] = [];
  for (let i = 0; i < 5; i++) {
    unload();
    const up = measure(upload, 1);
    const ap = measure(apply, 2);
    cycles.push({ up, ap, rv: measure(revert, 1) });
  }
  const median = (pick: (c: (typeof cycles)[number]) => Split): Split => cycles.map(pick).sort((a, b) => a.ms - b.ms)[2];
  const upW = median((c) => c.up);
  const apW = median((c) => c.ap);
  const rvW = median((c) => c.rv);
  rows.push({ name: "UPLOAD 2,000-function payload (warm)", value: upW.ms, unit: "ms", note: `median of 5; ${split(upW)}` });
  rows.push({ name: "APPLY 2,000 functions (warm)", value: apW.ms, unit: "ms", note: `median of 5; ${split(apW)}` });
  rows.push({ name: "REVERT 2,000 functions (warm)", value: rvW.ms, unit: "ms", note: `median of 5; ${split(rvW)}` });

  // What the audit and the inspector read after an UPLOAD: the payload's details and the patch
  // preview (0.8 and 0.5 MB of JSON here). Built by appending to one string, with asc's
  // quadratic join at shrinkLevel 1, they took 1.2 and 0.6 s each.
  const details: number[] = [];
  const previews: number[] = [];
  for (let i = 0; i < 5; i++) {
    details.push(timed(() => hv.payload("large"))[1]);
    previews.push(timed(() => hv.previewPatch("large"))[1]);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[2];
  rows.push({ name: "payload details, 2,000 functions", value: med(details), unit: "ms", note: `median of 5; ${(JSON.stringify(hv.payload("large")).length / 1e6).toFixed(1)} MB of JSON` });
  rows.push({ name: "patch preview, 2,000 functions", value: med(previews), unit: "ms", note: "median of 5" });

  const n = 50_000;
  const [, getMs] = timed(() => {
    for (let i = 0; i < n; i++) hv.get("large");
    hv.events();
  });
  rows.push({ name: "GET hypercalls", value: n / (getMs / 1000), unit: "calls/s", note: "2 events each, moved out of the wasm after each call and all decoded once the loop ends" });
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

/**
 * First calls in fresh processes, median of 5 (one process's first call varies by several ms):
 * as the CLI and the page run the wasm (V8 compiles each function on first use with its baseline
 * compiler, Liftoff, and optimises hot ones later), and with V8 told to optimise the whole module
 * before it runs, which shows the simulator's own cost on a first call. Browsers take no such flag.
 */
function freshProcessRows(payload: Uint8Array): BenchRow[] {
  const file = join(tmpdir(), `livepatch-lens-bench-${process.pid}.livepatch`);
  writeFileSync(file, payload);
  const script = path("bench/firstCall.ts");
  const run = (flags: string[]) => {
    const runs = Array.from({ length: 5 }, () => {
      const r = spawnSync(process.execPath, [...flags, "--import", "tsx", script, file], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`bench/firstCall.ts failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { upload: number; apply: number; uploadWasm: number; applyWasm: number; applyDecode: number; applyEvents: number };
    });
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
    return {
      upload: median(runs.map((r) => r.upload)),
      apply: median(runs.map((r) => r.apply)),
      uploadWasm: median(runs.map((r) => r.uploadWasm)),
      applyWasm: median(runs.map((r) => r.applyWasm)),
      applyDecode: median(runs.map((r) => r.applyDecode)),
      applyEvents: runs[0].applyEvents,
      all: runs,
    };
  };
  const base = run([]);
  const opt = run(["--no-liftoff", "--no-wasm-lazy-compilation"]);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms`;
  return [
    { name: "UPLOAD 2,000 functions, first call in a fresh process", value: base.upload, unit: "ms", note: `median of 5 processes (${spread(base.all.map((r) => r.upload))}), in the wasm ${base.uploadWasm.toFixed(1)} ms; V8's default tiers, as the CLI and the page run it; goal < 20 ms` },
    { name: "APPLY 2,000 functions, first call in a fresh process", value: base.apply, unit: "ms", note: `median of 5 (${spread(base.all.map((r) => r.apply))}), in the wasm ${base.applyWasm.toFixed(1)} ms; goal < 10 ms` },
    { name: "APPLY's events decoded when first read, fresh process", value: base.applyDecode, unit: "ms", note: `median of 5 (${spread(base.all.map((r) => r.applyDecode))}): its ${base.applyEvents} events into typed objects, as the page's session reads them right after the call; APPLY + this is the whole wait` },
    { name: "UPLOAD 2,000 functions, first call, wasm optimised up front", value: opt.upload, unit: "ms", note: `median of 5 (${spread(opt.all.map((r) => r.upload))}), in the wasm ${opt.uploadWasm.toFixed(1)} ms; node --no-liftoff --no-wasm-lazy-compilation: the simulator's own cost without V8's warm-up` },
    { name: "APPLY 2,000 functions, first call, wasm optimised up front", value: opt.apply, unit: "ms", note: `median of 5 (${spread(opt.all.map((r) => r.apply))}), in the wasm ${opt.applyWasm.toFixed(1)} ms; then its events decoded in ${opt.applyDecode.toFixed(1)} ms` },
  ];
}
