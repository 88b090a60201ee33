import { useEffect, useState } from "react";
import { loadSampleCatalogue, type SampleEntry } from "./services/samples.ts";
import { hypervisor } from "./services/hypervisorClient.ts";

export function App() {
  const [samples, setSamples] = useState<SampleEntry[] | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [simulator, setSimulator] = useState("starting…");

  useEffect(() => {
    loadSampleCatalogue().then(setSamples, (e: Error) => setSampleError(e.message));
    hypervisor()
      .payloadVersion()
      .then(
        (v) => setSimulator(`ready (payload version ${v})`),
        (e: Error) => setSimulator(`failed: ${e.message}`),
      );
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <h1>Livepatch Lens</h1>
        <span className="privacy">Files never leave your browser.</span>
      </header>
      <main>
        <nav aria-label="Samples" className="sample-menu">
          <h2>Samples</h2>
          {sampleError && <p role="alert">Could not read the sample catalogue: {sampleError}</p>}
          {samples === null && !sampleError && <p>Loading samples…</p>}
          <ul>
            {samples?.map((s) => (
              <li key={s.path}>
                <button type="button" title={s.summary}>
                  {s.title} <small>{s.path}</small>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </main>
      <footer>Simulated hypervisor: {simulator}</footer>
    </div>
  );
}
