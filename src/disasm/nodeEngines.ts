// The engines as Node loads them (tests, the CLI): iced-x86's own Node build, capstone's wasm
// from its package.
import type { EngineLoaders } from "./index.ts";
import type { CapstoneModule } from "./arm.ts";

export const nodeEngines: EngineLoaders = {
  iced: () => import("iced-x86"),
  capstone: async () => {
    const m = (await import("@alexaltea/capstone-js")) as unknown as { default: () => Promise<CapstoneModule> };
    return m.default();
  },
};
