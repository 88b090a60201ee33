// The engines as a page worker loads them: both wasm files are fetched from this origin (the CSP
// allows nothing else); capstone is imported only when ARM code is first decoded.
import icedWasmUrl from "iced-x86/iced_x86_bg.wasm?url";
import capstoneWasmUrl from "@alexaltea/capstone-js/dist/capstone.wasm?url";
import type { EngineLoaders } from "./index.ts";
import type { CapstoneModule } from "./arm.ts";
import { provideIcedWasm } from "./icedNodeShim.ts";

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
  return new Uint8Array(await r.arrayBuffer());
}

export const browserEngines: EngineLoaders = {
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
};
