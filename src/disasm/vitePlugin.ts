// Build-time helper for the disassembly worker: points iced-x86's Node-only imports (fs, path,
// util) at icedNodeShim.ts, and only for imports made from inside iced-x86 itself.
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const SHIM = fileURLToPath(new URL("./icedNodeShim.ts", import.meta.url));
const NODE_ONLY = new Set(["fs", "path", "util", "node:fs", "node:path", "node:util"]);

export function icedForBrowser(): Plugin {
  return {
    name: "livepatch-lens-iced-browser",
    enforce: "pre",
    resolveId(source, importer) {
      if (importer && /[\\/]node_modules[\\/]iced-x86[\\/]/.test(importer) && NODE_ONLY.has(source)) return SHIM;
      return null;
    },
  };
}
