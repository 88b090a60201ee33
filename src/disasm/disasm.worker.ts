// The disassembly worker: both engines compile their wasm synchronously or are large, so they
// live off the main thread.
import * as Comlink from "comlink";
import { createDisassembler, type DisasmArch, type Insn } from "./index.ts";
import { browserEngines } from "./browserEngines.ts";

const disassemble = createDisassembler(browserEngines);

export type DisasmResult = { ok: true; value: Insn[] } | { ok: false; error: string };

const api = {
  async disassemble(arch: DisasmArch, bytes: Uint8Array, address: bigint): Promise<DisasmResult> {
    try {
      return { ok: true, value: await disassemble(arch, bytes, address) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  },
};

export type DisasmWorkerApi = typeof api;
Comlink.expose(api);
