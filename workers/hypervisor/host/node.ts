import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createHypervisor, type HypervisorApi } from "./api.ts";

export const WASM_PATH = fileURLToPath(new URL("../build/hypervisor.wasm", import.meta.url));

export async function compileHypervisorModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(WASM_PATH));
}

export async function loadHypervisorNode(): Promise<HypervisorApi> {
  return createHypervisor(await compileHypervisorModule());
}
