// Public surface of the audit: "would this Xen accept it, and what would it do?" Pure: imports
// only src/elf and src/livepatch; the simulator is reached through the SimulatorPort interface.
export { auditPayloads, type AuditImage, type AuditOptions } from "./audit.ts";
export { instructionBoundaries, describeBoundary, type Decode, type DecodedInsn, type BoundaryProblem, type PatchedRange } from "./checks/boundaries.ts";
export { crossCheck, compare } from "./simulate.ts";
export { toJson, toMarkdown, toText } from "./report.ts";
export { RULES, RULE_IDS, SIMULATOR_RULES, CATALOGUE, type Rule, type RuleId, type SimulatorRuleId } from "./rules.ts";
export { payloadName } from "./context.ts";
export { xenImage, type XenImage } from "./image.ts";
export type * from "./types.ts";
