// How the shell reaches the simulator: a toggle for the top bar, and an outlet that shows the
// (lazy-loaded) simulator page in the workspace instead of its usual content while it is open.
import { lazy, Suspense, type ReactNode } from "react";
import { useLens } from "../../state/store.ts";
import { Guard } from "../../components/Guard.tsx";

const SimulatorPage = lazy(() => import("./SimulatorPage.tsx"));

export function SimulatorToggle() {
  const open = useLens((s) => s.sim.open);
  const setOpen = useLens((s) => s.sim.setOpen);
  return (
    <button type="button" className="small" aria-pressed={open} onClick={() => setOpen(!open)} title="Watch a simulated Xen apply payloads">
      Simulator
    </button>
  );
}

export function SimulatorOutlet({ children }: { children: ReactNode }) {
  const open = useLens((s) => s.sim.open);
  // Under presenter mode nothing of the page shows: it is not drawn again for every step.
  const presenting = useLens((s) => s.scenario.mode === "present" && s.scenario.active !== null);
  if (!open) return <>{children}</>;
  if (presenting) return null;
  return (
    <Suspense fallback={<p className="hint" style={{ padding: 16 }}>Loading the simulator…</p>}>
      <Guard what="simulator">
        <SimulatorPage />
      </Guard>
    </Suspense>
  );
}
