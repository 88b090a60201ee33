// The audit's hypervisor in Node: the same wasm and adapter the page's audit worker uses.
import { loadHypervisorNode } from "../../workers/hypervisor/host/node.ts";
import { auditHostOver } from "../../workers/hypervisor/host/auditHost.ts";
import type { AuditHost } from "../audit/index.ts";

export async function nodeAuditHost(cpus = 4): Promise<AuditHost> {
  return auditHostOver(await loadHypervisorNode(), cpus);
}
