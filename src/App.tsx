// The page: a rail of loaded files on the left, the inspector for the selected file on the right.
// Simulator views will join the inspector's tabs; this file only arranges the pieces.
import { lazy, Suspense, useEffect, useState } from "react";
import { hypervisorStatus, onHypervisorStatus, type HypervisorStatus } from "./services/hypervisorClient.ts";
import { useLens } from "./state/store.ts";
import { selectCurrentFile } from "./state/selectors.ts";
import { startHashSync } from "./state/urlHash.ts";
import { FileRail } from "./features/shell/FileRail.tsx";
import { Notices } from "./features/shell/Notices.tsx";
import { nextTheme, useTheme } from "./features/shell/useTheme.ts";
import { useFileIntake } from "./features/shell/useFileIntake.ts";
import { loadAuditPanel, loadAuditRunner, loadInspector } from "./features/shell/warmUp.ts";
import { Welcome } from "./features/shell/Welcome.tsx";
import { SimulatorOutlet, SimulatorToggle } from "./features/simulator/SimulatorSwitch.tsx";
import { ScenarioHost } from "./features/scenarios/ScenarioHost.tsx";
import { Guard } from "./components/Guard.tsx";
import { TruncationTips } from "./components/TruncationTips.tsx";

// The views, the audit and their engines load with the first file (or when one is on its way:
// features/shell/warmUp.ts), not with the first screen.
const Inspector = lazy(() => loadInspector().then((m) => ({ default: m.Inspector })));
const AuditPanel = lazy(() => loadAuditPanel().then((m) => ({ default: m.AuditPanel })));
const AuditRunner = lazy(() =>
  loadAuditRunner().then((m) => ({
    default: function AuditRunner() {
      m.useAuditRunner();
      return null;
    },
  })),
);

function statusText(s: HypervisorStatus): string {
  switch (s.state) {
    case "idle":
      return "starts when first used";
    case "starting":
      return "starting…";
    case "ready":
      return `ready (payload version ${s.payloadVersion})`;
    case "failed":
      return `failed: ${s.message}`;
  }
}

export function App() {
  const [simulator, setSimulator] = useState<HypervisorStatus>(hypervisorStatus);
  const current = useLens(selectCurrentFile);
  const anyFile = useLens((s) => s.files.list.length > 0);
  // Once started, the audit runner stays: it also clears the verdict when every file is gone.
  const [auditStarted, setAuditStarted] = useState(false);
  if (anyFile && !auditStarted) setAuditStarted(true);
  const theme = useLens((s) => s.ui.theme);
  const setTheme = useLens((s) => s.ui.setTheme);
  const largeText = useLens((s) => s.ui.largeText);
  const toggleLargeText = useLens((s) => s.ui.toggleLargeText);
  const { dragging } = useFileIntake();
  useTheme();

  useEffect(() => {
    let stop: (() => void) | undefined;
    let live = true;
    void startHashSync().then((unsubscribe) => (live ? (stop = unsubscribe) : unsubscribe()));
    setSimulator(hypervisorStatus());
    const unwatch = onHypervisorStatus(setSimulator);
    return () => {
      live = false;
      stop?.();
      unwatch();
    };
  }, []);

  return (
    <div className={`app ${largeText ? "large-text" : ""}`}>
      <a
        className="skip-link"
        href="#workspace"
        onClick={(e) => {
          // Not a hash change: the hash holds the page's state.
          e.preventDefault();
          document.getElementById("workspace")?.focus();
        }}
      >
        Skip to the workspace
      </a>
      <header className="topbar">
        <h1>Livepatch Lens</h1>
        <span className="privacy">Files never leave your browser.</span>
        <span className="spacer" />
        <SimulatorToggle />
        {anyFile && (
          <Guard what="audit">
            <Suspense fallback={null}>
              <AuditPanel />
            </Suspense>
          </Guard>
        )}
        {auditStarted && (
          <Suspense fallback={null}>
            <AuditRunner />
          </Suspense>
        )}
        <button type="button" className="small ghost" aria-pressed={largeText} onClick={toggleLargeText} title="Larger text, for a projector">
          Larger text
        </button>
        <button type="button" className="small ghost" onClick={() => setTheme(nextTheme(theme))} aria-label={`Theme: ${theme}. Switch theme`}>
          Theme: {theme}
        </button>
      </header>
      <div className="body">
        <Guard what="file list">
          <FileRail />
        </Guard>
        <main className="workspace" id="workspace" tabIndex={-1}>
          <SimulatorOutlet>
            <Guard what="inspector" resetKeys={[current?.id]}>
              {current ? (
                <Suspense fallback={<p className="hint" style={{ padding: 16 }}>Opening {current.name}…</p>}>
                  <Inspector key={current.id} file={current} />
                </Suspense>
              ) : (
                <Welcome />
              )}
            </Guard>
          </SimulatorOutlet>
        </main>
      </div>
      <Notices />
      <TruncationTips large={largeText} />
      <Guard what="presenter">
        <ScenarioHost />
      </Guard>
      <footer>Simulated hypervisor: {statusText(simulator)}</footer>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop payloads or a xen-syms to inspect them
        </div>
      )}
    </div>
  );
}
