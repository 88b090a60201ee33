// Bundled samples from public/samples/index.json, grouped by architecture.
import { useEffect, useState } from "react";
import { loadSampleCatalogue, type SampleEntry } from "../../services/samples.ts";
import { useLens } from "../../state/store.ts";

export function SampleMenu() {
  const [samples, setSamples] = useState<SampleEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadSampleCatalogue().then(setSamples, (e: Error) => setError(e.message));
  }, []);
  const groups = new Map<string, SampleEntry[]>();
  for (const s of samples ?? []) {
    const list = groups.get(s.arch) ?? [];
    list.push(s);
    groups.set(s.arch, list);
  }
  return (
    <nav aria-label="Samples" className="sample-menu">
      <h2>Samples</h2>
      {error && <p role="alert">Could not read the sample catalogue: {error}</p>}
      {samples === null && !error && <p className="hint">Loading samples…</p>}
      {[...groups].map(([arch, list]) => (
        <div key={arch} className="sample-group" role="group" aria-labelledby={`samples-${arch}`}>
          <h3 id={`samples-${arch}`}>{arch}</h3>
          <ul>
            {list.map((s) => (
              <li key={s.path}>
                <button
                  type="button"
                  title={`${s.summary}${s.expect ? `\nExpected: ${s.expect}` : ""}`}
                  onClick={() => void useLens.getState().files.loadSample(s.path)}
                >
                  <span className={`badge ${s.kind === "image" ? "image" : "payload"}`}>{s.kind === "image" ? "image" : "payload"}</span>
                  <span className="sample-title">{s.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
