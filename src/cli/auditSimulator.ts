// The audit's SimulatorPort over the Node host of the simulated hypervisor.
import { parseElf } from "../elf/index.ts";
import { loadHypervisorNode } from "../../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../../workers/hypervisor/host/image.ts";
import { ACTION } from "../../workers/hypervisor/host/types.ts";
import type { SimulatorPort } from "../audit/index.ts";

export async function nodeSimulator(cpus = 4): Promise<SimulatorPort> {
  const hv = await loadHypervisorNode();
  return {
    async boot(image) {
      bootFromImage(hv, parseElf(image), { cpus });
    },
    upload: async (name, payload) => hv.upload(name, payload),
    apply: async (name) => hv.action(name, ACTION.APPLY),
    advance: async (ns) => hv.advance(ns),
    get: async (name) => hv.get(name),
    consoleLines: async () => hv.consoleLines(),
    halted: async () => hv.halted(),
  };
}
