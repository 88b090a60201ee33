// The page: a rail of loaded files on the left, the inspector for the selected file on the right.
// Simulator views will join the inspector's tabs; this file only arranges the pieces.
import { useEffect, useState } from "react";
import { hypervisor } from "./services/hypervisorClient.ts";
import { parseClient } from "./services/parseClient.ts";
import { useLens } from "./state/store.ts";
import { selectCurrentFile } from "./state/selectors.ts";
import { startHashSync } from "./state/urlHash.ts";
import { armSimulatorTrap } from "./state/simulatorActions.ts";
import { FileRail } from "./features/shell/FileRail.tsx";
import { Notices } from "./features/shell/Notices.tsx";
import { nextTheme, useTheme } from "./features/shell/useTheme.ts";
import { useFileIntake } from "./features/shell/useFileIntake.ts";
import { Inspector } from "./features/inspector/Inspector.tsx";
import { Welcome } from "./features/shell/Welcome.tsx";
import { SimulatorOutlet, SimulatorToggle } from "./features/simulator/SimulatorSwitch.tsx";
import { AuditPanel } from "./features/audit/AuditPanel.tsx";
import { ScenarioHost } from "./features/scenarios/ScenarioHost.tsx";

// Test hooks for end-to-end tests: kill the parse worker the way a crash would; make the
// simulator's next call trap in its wasm.
(globalThis as { __livepatchLens?: unknown }).__livepatchLens = { crashParseWorker: () => parseClient.crash(), trapSimulator: armSimulatorTrap };

export function App() {
  const [simulator, setSimulator] = useState("starting…");
  const current = useLens(selectCurrentFile);
  const theme = useLens((s) => s.theme);
  const setTheme = useLens((s) => s.setTheme);
  const largeText = useLens((s) => s.largeText);
  const toggleLargeText = useLens((s) => s.toggleLargeText);
  const { dragging } = useFileIntake();
  useTheme();

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
      <header className="topbar">
        <h1>Livepatch Lens</h1>
        <span className="privacy">Files never leave your browser.</span>
        <span className="spacer" />
        <SimulatorToggle />
        <AuditPanel />
        <button type="button" className="small ghost" aria-pressed={largeText} onClick={toggleLargeText} title="Larger text, for a projector">
          Larger text
        </button>
        <button type="button" className="small ghost" onClick={() => setTheme(nextTheme(theme))} aria-label={`Theme: ${theme}. Switch theme`}>
          Theme: {theme}
        </button>
      </header>
      <div className="body">
        <FileRail />
        <main className="workspace">
          <SimulatorOutlet>{current ? <Inspector key={current.id} file={current} /> : <Welcome />}</SimulatorOutlet>
        </main>
      </div>
      <Notices />
      <ScenarioHost />
      <footer>Simulated hypervisor: {simulator}</footer>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop payloads or a xen-syms to inspect them
        </div>
      )}
    </div>
  );
}
