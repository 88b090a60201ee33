// Public surface of the audit: "would this Xen accept this plan, and what would it write?" Pure:
// what Xen decides comes from the simulated hypervisor, reached through the AuditHost interface.
export { runAudit, type RunOptions } from "./run.ts";
export { instructionBoundaries, describeBoundary, type Decode, type DecodedInsn, type BoundaryProblem, type PatchedRange } from "./checks/boundaries.ts";
export { overlapOf, writeOverlaps, type WriteOverlap } from "./checks/overlaps.ts";
export { unappliedRelocs, type UnappliedRelocs } from "./checks/relocSections.ts";
export { executionOrder, planProblem, PLAN_ROLES, ROLE_LABEL, type AuditPlan, type PlanFile, type PlanRole } from "./plan.ts";
export { standInArch, syntheticImage, type SyntheticImage, type SyntheticSymbol } from "./synthetic.ts";
export { NO_RETURN, toJson, toMarkdown, toText } from "./report.ts";
export { rollbackText } from "./rollback.ts";
export { RULES, RULE_IDS, CATALOGUE, type Rule, type RuleId } from "./rules.ts";
export { payloadName, rcText } from "./context.ts";
export type { AuditHost, HostCommand, HostStep, PlacedCode, Placement } from "./host.ts";
export { xenImage, type XenImage } from "./image.ts";
export type * from "./types.ts";
