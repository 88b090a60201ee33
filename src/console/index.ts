// Public surface of the console interpreter (pure: no Node, DOM or worker APIs).
export { createConsole, tokenize, type Console, type ConsoleOptions } from "./console.ts";
export type { CommandResult, ConsoleTarget, OutputChunk } from "./target.ts";
export { TOOL_USAGE, formatListRow, exitStatus, stateName } from "./tool.ts";
export { SIM_USAGE, hexDump } from "./simcmds.ts";
export { strerror } from "./errno.ts";
export { rawActionText, type RawAction } from "./rawAction.ts";
export { listPayloads, reportListFailure, LIST_RERUNS, type Listing } from "./listing.ts";
