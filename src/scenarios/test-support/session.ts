// A scenario's session as the page runs it (the console interpreter on the simulated hypervisor),
// booted from the scenario's image with its payloads, for tests that step through it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createHypervisorService } from "../../../workers/hypervisor/host/service.ts";
import { compileHypervisorModule } from "../../../workers/hypervisor/host/node.ts";
import { createSession, type SimBackend } from "../../simulator/session.ts";
import { baseName, type Scenario } from "../schema.ts";

export const PUBLIC = fileURLToPath(new URL("../../../public/", import.meta.url));
export const readPublic = (rel: string) => readFileSync(PUBLIC + rel, "utf8");
export const sampleBytes = (rel: string) => new Uint8Array(readFileSync(PUBLIC + "samples/" + rel));

let module: Promise<WebAssembly.Module> | null = null;

export async function scenarioSession(s: Scenario) {
  module ??= compileHypervisorModule();
  const backend = createHypervisorService(await module) as unknown as SimBackend;
  const session = createSession(backend);
  session.setFiles(s.payloads.map((p) => ({ name: baseName(p), bytes: sampleBytes(p) })));
  await session.boot({ name: baseName(s.image), bytes: sampleBytes(s.image) }, s.cpus);
  return { session, backend };
}
