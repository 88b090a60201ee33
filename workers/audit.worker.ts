// Thin comlink adapter: the logic lives in workers/audit/service.ts.
import * as Comlink from "comlink";
import wasmUrl from "./hypervisor/build/hypervisor.wasm?url";
import { createAuditService } from "./audit/service.ts";

Comlink.expose(createAuditService(WebAssembly.compileStreaming(fetch(wasmUrl))));
