import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { Guard } from "./components/Guard.tsx";
import { installTestHooks } from "./testHooks.ts";
import { registerOfflineWhenQuiet } from "./services/offlineInstall.ts";
import { useLens } from "./state/store.ts";
import "./styles.css";

if (import.meta.env.MODE === "e2e") installTestHooks();
// Only built pages have the offline worker (vite-plugin-pwa writes sw.js at build time).
if (import.meta.env.PROD) {
  const parsing = () => useLens.getState().files.list.some((f) => f.status === "parsing");
  registerOfflineWhenQuiet({ now: parsing, watch: (listener) => useLens.subscribe(listener) });
}

// `#embed&scenario=…` shows one scenario step's panels with no chrome (for an iframe).
const Embed = lazy(() => import("./features/presenter/Embed.tsx"));
const embed = /^#embed(&|$)/.test(location.hash);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Guard what="page">
      {embed ? (
        <Suspense fallback={null}>
          <Embed />
        </Suspense>
      ) : (
        <App />
      )}
    </Guard>
  </StrictMode>,
);
