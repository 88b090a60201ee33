import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createHypervisor, type HypervisorApi } from "./api.ts";
import { bootFromImage, type ImageSummary } from "./image.ts";
import { parseElf } from "../../../src/elf/index.ts";
import { exportMutableGlobals } from "./snapshot.ts";

export const WASM_PATH = fileURLToPath(new URL("../build/hypervisor.wasm", import.meta.url));

export async function compileHypervisorModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(WASM_PATH));
}

/** The module with its mutable globals exported, so its hypervisors can snapshot and restore (tests). */
export async function compileSnapshotModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(exportMutableGlobals(new Uint8Array(await readFile(WASM_PATH))));
}

export async function loadHypervisorNode(): Promise<HypervisorApi> {
  return createHypervisor(await compileHypervisorModule());
}

/** A hypervisor booted from the xen-syms at `path` (Node only). */
export async function bootNodeImage(path: string, cpus = 4): Promise<{ hv: HypervisorApi; summary: ImageSummary }> {
  const [hv, bytes] = await Promise.all([loadHypervisorNode(), readFile(path)]);
  const elf = parseElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const summary = bootFromImage(hv, elf, { cpus });
  return { hv, summary };
}
