// Thin comlink adapter: the logic lives in src/protocol/auditService.ts.
import * as Comlink from "comlink";
import { createAuditService } from "../src/protocol/auditService.ts";

Comlink.expose(createAuditService());
