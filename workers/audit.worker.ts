// Thin comlink adapter: the logic lives in workers/audit/service.ts; the instruction decoder (for
// the boundary review) is fetched from this origin the first time an image needs it.
import * as Comlink from "comlink";
import wasmUrl from "./hypervisor/build/hypervisor.wasm?url";
import { createAuditService } from "./audit/service.ts";
import { createSyncDisassembler, decoderForMachine } from "../src/disasm/index.ts";
import { browserEngines } from "../src/disasm/browserEngines.ts";

const engines = createSyncDisassembler(browserEngines);
Comlink.expose(createAuditService(WebAssembly.compileStreaming(fetch(wasmUrl)), (machine) => decoderForMachine(engines, machine)));
