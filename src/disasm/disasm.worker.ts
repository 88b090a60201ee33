// The disassembly worker: both engines compile their wasm synchronously or are large, so they
// live off the main thread. capstone (ARM) is imported only when ARM code is first shown.
import * as Comlink from "comlink";
import icedWasmUrl from "iced-x86/iced_x86_bg.wasm?url";
import capstoneWasmUrl from "@alexaltea/capstone-js/dist/capstone.wasm?url";
import { createDisassembler, type DisasmArch, type Insn } from "./index.ts";
import type { CapstoneModule } from "./arm.ts";
import { provideIcedWasm } from "./icedNodeShim.ts";

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
  return new Uint8Array(await r.arrayBuffer());
}

const disassemble = createDisassembler({
  async iced() {
    provideIcedWasm(await fetchBytes(icedWasmUrl));
    // The Node glue joins __dirname with the wasm's name; the shim ignores the path it makes.
    (globalThis as { __dirname?: string }).__dirname ??= "/";
    return import("iced-x86");
  },
  async capstone() {
    const wasmBinary = await fetchBytes(capstoneWasmUrl);
    const m = (await import("@alexaltea/capstone-js")) as unknown as {
      default: (opts: { wasmBinary: Uint8Array }) => Promise<CapstoneModule>;
    };
    return m.default({ wasmBinary });
  },
});

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
