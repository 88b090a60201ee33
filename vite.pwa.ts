// The installable, offline app: a Workbox service worker precaches every built asset, the bundled
// samples, scenarios and the wasm engines, so after one visit the page works with no network (an
// air-gapped reviewer's machine). The page registers the worker itself once it is quiet
// (src/services/offlineInstall.ts says why), so no registration script is injected.
import { VitePWA } from "vite-plugin-pwa";

export function offlineApp() {
  return VitePWA({
    registerType: "autoUpdate",
    injectRegister: false,
    includeAssets: ["icons/*.png"],
    manifest: {
      name: "Livepatch Lens",
      short_name: "Livepatch Lens",
      description: "See inside Xen livepatch payloads, and watch a simulated Xen apply them. Files never leave your browser.",
      start_url: "./",
      scope: "./",
      display: "standalone",
      background_color: "#fbfbf9",
      theme_color: "#0b5cad",
      icons: [
        { src: "icons/icon-192.png", sizes: "192x192", type: "image/png" },
        { src: "icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      ],
    },
    workbox: {
      // Samples have no extension (xen-syms) or livepatch ones: everything but source maps.
      globPatterns: ["**/*"],
      globIgnores: ["**/*.map"],
      // The largest asset is a few MB of wasm glue; a sample image is under 1 MB.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      navigateFallback: "index.html",
      cleanupOutdatedCaches: true,
      // The first visit is served by the worker at once, so going offline right after it works.
      clientsClaim: true,
      skipWaiting: true,
    },
  });
}
