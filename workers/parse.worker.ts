// Thin comlink adapter: the logic lives in src/protocol/parseService.ts.
import * as Comlink from "comlink";
import { createParseService } from "../src/protocol/parseService.ts";

Comlink.expose(createParseService());
