// The page: a rail of loaded files on the left, the inspector for the selected file on the right.
// Simulator views will join the inspector's tabs; this file only arranges the pieces.
import { useEffect, useState } from "react";
import { hypervisor } from "./services/hypervisorClient.ts";
import { useLens } from "./state/store.ts";
import { selectCurrentFile } from "./state/selectors.ts";
import { startHashSync } from "./state/urlHash.ts";
import { FileRail } from "./features/shell/FileRail.tsx";
import { Notices } from "./features/shell/Notices.tsx";
import { nextTheme, useTheme } from "./features/shell/useTheme.ts";
import { useFileIntake } from "./features/shell/useFileIntake.ts";
import { Inspector } from "./features/inspector/Inspector.tsx";
import { Welcome } from "./features/shell/Welcome.tsx";
import { SimulatorOutlet, SimulatorToggle } from "./features/simulator/SimulatorSwitch.tsx";
import { AuditPanel } from "./features/audit/AuditPanel.tsx";
import { useAuditRunner } from "./features/audit/useAudit.ts";
import { ScenarioHost } from "./features/scenarios/ScenarioHost.tsx";
import { Guard } from "./components/Guard.tsx";

export function App() {
  const [simulator, setSimulator] = useState("starting…");
  const current = useLens(selectCurrentFile);
  const theme = useLens((s) => s.ui.theme);
  const setTheme = useLens((s) => s.ui.setTheme);
  const largeText = useLens((s) => s.ui.largeText);
  const toggleLargeText = useLens((s) => s.ui.toggleLargeText);
  const { dragging } = useFileIntake();
  useTheme();
  useAuditRunner();

  useEffect(() => {
    let stop: (() => void) | undefined;
    let live = true;
    void startHashSync().then((unsubscribe) => (live ? (stop = unsubscribe) : unsubscribe()));
    hypervisor()
      .payloadVersion()
      .then(
        (v) => setSimulator(`ready (payload version ${v})`),
        (e: Error) => setSimulator(`failed: ${e.message}`),
      );
    return () => {
      live = false;
      stop?.();
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
        <Guard what="audit">
          <AuditPanel />
        </Guard>
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
              {current ? <Inspector key={current.id} file={current} /> : <Welcome />}
            </Guard>
          </SimulatorOutlet>
        </main>
      </div>
      <Notices />
      <Guard what="presenter">
        <ScenarioHost />
      </Guard>
      <footer>Simulated hypervisor: {simulator}</footer>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop payloads or a xen-syms to inspect them
        </div>
      )}
    </div>
  );
}
