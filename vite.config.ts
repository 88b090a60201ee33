import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { icedForBrowser } from "./src/disasm/vitePlugin.ts";
import { offlineApp } from "./vite.pwa.ts";
import { sampleCatalogue } from "./vite.samples.ts";

// The built page may talk to nobody but its own origin: files never leave the browser.
// Added at build time only, because the dev server injects inline scripts for hot reload.
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self' blob: data:; " +
  "object-src 'none'; base-uri 'self'; form-action 'none'";

function contentSecurityPolicy(): Plugin {
  return {
    name: "livepatch-lens-csp",
    apply: "build",
    transformIndexHtml: () => [
      { tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: CSP }, injectTo: "head-prepend" },
    ],
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), contentSecurityPolicy(), offlineApp(), sampleCatalogue()],
  worker: { format: "es", plugins: () => [icedForBrowser()] },
  optimizeDeps: {
    // Workers are not reached from index.html, and the disassemblers are imported only when the
    // Functions view first needs them: without these the dev server discovers them on that first
    // visit, re-bundles and reloads the page.
    entries: ["index.html", "workers/*.worker.ts", "src/**/*.worker.ts"],
    include: ["iced-x86", "@alexaltea/capstone-js"],
    // The dev server pre-bundles iced-x86 (CommonJS) before any Vite plugin sees it, so the same
    // shim has to be given to the dependency optimizer too.
    rolldownOptions: { plugins: [icedForBrowser()] },
  },
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
  server: { port: 5173 },
  // `npm start` serves the build with the policy as a header too (the meta tag cannot carry
  // every directive, and a header also covers what is not HTML).
  preview: { port: 4173, strictPort: true, headers: { "Content-Security-Policy": CSP } },
});
