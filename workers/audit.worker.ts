// Thin comlink adapter: the logic lives in src/protocol/auditService.ts; the instruction decoder
// (for the boundary review) is fetched from this origin the first time an image needs it.
import * as Comlink from "comlink";
import { createAuditService } from "../src/protocol/auditService.ts";
import { createSyncDisassembler, decoderForMachine } from "../src/disasm/index.ts";
import { browserEngines } from "../src/disasm/browserEngines.ts";

const engines = createSyncDisassembler(browserEngines);
Comlink.expose(createAuditService((machine) => decoderForMachine(engines, machine)));
