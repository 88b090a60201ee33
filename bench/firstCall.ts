// One fresh process's first UPLOAD and first APPLY of the 2,000-function payload on the sample
// image, with the part of each spent inside the wasm, printed as JSON for hypervisor.bench.ts,
// which runs it in several processes and with different V8 flags: a first call runs the wasm in
// whatever tier V8 has compiled it to by then.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseElf } from "../src/elf/index.ts";
import { createHypervisor } from "../workers/hypervisor/host/api.ts";
import { compileHypervisorModule } from "../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../workers/hypervisor/host/image.ts";
import { ACTION } from "../workers/hypervisor/host/types.ts";
import { timeInside } from "./timeInside.ts";

const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

let inWasm = 0;
const hv = await createHypervisor(await compileHypervisorModule(), { wrapExports: (w) => timeInside(w, ["upload", "action", "advance"], (ms) => (inWasm += ms)) });
bootFromImage(hv, parseElf(new Uint8Array(readFileSync(path("public/samples/x86_64/xen-syms")))), { cpus: 8 });
const payload = new Uint8Array(readFileSync(process.argv[2]));
inWasm = 0;
let t0 = performance.now();
if (hv.upload("large", payload) !== 0) throw new Error("upload refused");
const upload = performance.now() - t0;
const uploadWasm = inWasm;
// The page's session reads each call's events right after it.
const before = hv.events().length;
inWasm = 0;
t0 = performance.now();
if (hv.action("large", ACTION.APPLY, 0, 0) !== 0) throw new Error("apply refused");
hv.advance(60_000_000);
const apply = performance.now() - t0;
const applyWasm = inWasm;
// The events are decoded into typed objects when first read.
t0 = performance.now();
const applyEvents = hv.events().length - before;
const applyDecode = performance.now() - t0;
if (hv.get("large").state !== 2) throw new Error("not applied");
console.log(JSON.stringify({ upload, apply, uploadWasm, applyWasm, applyDecode, applyEvents }));
