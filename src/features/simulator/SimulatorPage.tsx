// The simulator page: the state diagram of the selected payload with its actions and the applied
// stack, the CPUs at the rendezvous, the bytes at each patched address, the console, and the
// timeline whose cursor every view follows. Lazy-loaded: none of this is on the first screen.
import { useEffect, useMemo, useRef } from "react";
import { useShallow } from "zustand/react/shallow";
import { useLens } from "../../state/store.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useDerivedViews } from "./useDerivedViews.ts";
import { StateDiagram } from "./state-diagram/StateDiagram.tsx";
import { CpuLanes } from "./cpus/CpuLanes.tsx";
import { MemoryKey, MemoryView } from "./memory/MemoryView.tsx";
import { RunningXen, RunningXenSummary } from "./running/RunningXen.tsx";
import { runningXen } from "../../simulator/runningXen.ts";
import { ConsolePanel } from "./console/ConsolePanel.tsx";
import { Timeline } from "./timeline/Timeline.tsx";
import { usePlayback } from "./timeline/usePlayback.ts";
import { PayloadActions } from "./actions/PayloadActions.tsx";
import { Knobs } from "./knobs/Knobs.tsx";
import { rcLabel } from "../../simulator/describe.ts";
import { failureText } from "../../simulator/derive.ts";
import { ScenarioPanel } from "../scenarios/ScenarioPanel.tsx";
import { useStepHighlights } from "../scenarios/useHighlights.ts";
import { Guard } from "../../components/Guard.tsx";
import { buildAddressIndexes } from "../../elf/index.ts";
import { useBootedImage } from "./useBootedImage.ts";
import "./simulator.css";

function typingIn(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  if (!t) return false;
  return t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable;
}

/** A focused box that scrolls sideways (the console's wide lines): its Left/Right arrows scroll it. */
function scrollsSideways(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement) || el.scrollWidth <= el.clientWidth) return false;
  const x = getComputedStyle(el).overflowX;
  return x === "auto" || x === "scroll";
}

const stem = (file: string) => (file.includes(".") ? file.slice(0, file.lastIndexOf(".")) : file);

export default function SimulatorPage() {
  usePlayback();
  const { bootFrom, dismissMessage, runConsole, runInput, selectPayload, setCursor, setOpen, step, togglePlay, setSpeed, setTimeoutMs } = useLens.getState().sim;
  const sim = useLens(
    useShallow(({ sim: s }) => ({
      status: s.status,
      message: s.message,
      image: s.image,
      bootCpus: s.bootCpus,
      records: s.records,
      items: s.items,
      windows: s.windows,
      payloads: s.payloads,
      cursor: s.cursor,
      playing: s.playing,
      speed: s.speed,
      selected: s.selected,
      timeoutMs: s.timeoutMs,
      history: s.history,
      bootXl: s.bootXl,
    })),
  );
  const marks = useStepHighlights();
  const runningRef = useRef<HTMLElement>(null);
  const running = useMemo(() => runningXen(sim.bootXl, sim.records, sim.cursor), [sim.bootXl, sim.records, sim.cursor]);
  const files = useLens(selectFiles);
  const images = files.filter((f) => f.status === "ready" && f.parsed?.role === "image");
  const payloadFiles = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of files) if (f.status === "ready" && f.parsed?.role === "payload") m.set(stem(f.name), f.name);
    return m;
  }, [files]);

  // The image's address indexes (which function holds an address, which label comes before it),
  // built while the page is idle after the boot: the memory card names every window and jump by
  // them, and built there, on the first APPLY's first windows, they held up its playback.
  const bootedImage = useBootedImage();
  useEffect(() => {
    if (!bootedImage || typeof requestIdleCallback !== "function") return;
    const id = requestIdleCallback(() => buildAddressIndexes(bootedImage), { timeout: 5000 });
    return () => cancelIdleCallback(id);
  }, [bootedImage]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.key === "ArrowLeft" || e.key === "ArrowRight") && scrollsSideways(e.target)) return;
      if (e.key === "ArrowLeft") {
        e.preventDefault();
        step(-1);
      } else if (e.key === "ArrowRight") {
        e.preventDefault();
        step(1);
      } else if (e.key === " " && (e.target as HTMLElement | null)?.tagName !== "BUTTON") {
        e.preventDefault();
        togglePlay();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step, togglePlay]);

  const { snap, rv, windows, memory, entries } = useDerivedViews(sim);

  const names = useMemo(() => {
    const set = new Set<string>([...payloadFiles.keys(), ...snap.states.keys()]);
    return [...set];
  }, [payloadFiles, snap.states]);
  const selected = sim.selected && names.includes(sim.selected) ? sim.selected : (snap.lastPayload ?? names[0] ?? null);
  const state = selected ? (snap.states.get(selected) ?? "none") : "none";
  const action = selected ? (snap.actions.get(selected) ?? null) : null;
  const inFlight = [...snap.actions.values()].some((a) => a.phase === "pending" || a.phase === "rendezvous" || a.phase === "patching");
  const busy = sim.status === "busy" || sim.status === "booting";
  const statusText = !action
    ? ""
    : `${action.action}${action.by ? ` (by REPLACE ${action.by})` : ""}: ${
        action.phase === "failed"
          ? `failed, ${failureText(action)}; ${selected} stays ${state}`
          : action.phase === "ok"
            ? `done, ${rcLabel(action.rcKind ?? "hypercall", 0)}; ${selected} is ${state === "none" ? "not loaded" : state}`
            : `in progress, ${action.rc === null ? "checks running" : rcLabel(action.rcKind ?? "status", action.rc)}`
      }`;

  return (
    <div className="simulator" data-status={sim.status}>
      <header className="sim-head">
        <h2>Simulator</h2>
        <label className="sim-image">
          <span>boots</span>
          <select
            aria-label="Hypervisor image"
            value={sim.image?.fileId ?? ""}
            onChange={(e) => void bootFrom(e.target.value)}
            disabled={!images.length}
          >
            {!sim.image && <option value="">{sim.status === "booting" ? "booting…" : "no image"}</option>}
            {images.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        {sim.image && <span className="badge image">{sim.image.arch}</span>}
        <button type="button" className="small" onClick={() => sim.image && void bootFrom(sim.image.fileId)} disabled={!sim.image} title="Boot again; the timeline starts over">
          Reboot
        </button>
        <span className="sim-status" role="status">
          {sim.status === "booting" ? "booting…" : sim.status === "busy" ? "running…" : sim.status === "error" ? "not running" : `t = ${(snap.now / 1e6).toFixed(3)} ms`}
          {snap.halted && <b className="bad"> · host halted (panic)</b>}
        </span>
        <span className="spacer" />
        <button type="button" className="small ghost" onClick={() => setOpen(false)}>
          Back to the inspector
        </button>
      </header>
      {sim.message && (
        <div className={`sim-message ${sim.message.level}`} role={sim.message.level === "error" ? "alert" : "status"}>
          <span>{sim.message.text}</span>
          <button type="button" className="small ghost" onClick={dismissMessage} aria-label="Dismiss message">
            ×
          </button>
        </div>
      )}
      <Guard what="scenario panel">
        <ScenarioPanel />
      </Guard>
      <section className="sim-card sim-diagram" aria-label="State diagram">
        <div className="sim-card-head">
          <div className="payload-pick" role="radiogroup" aria-label="Payload">
            {names.length === 0 && <span className="hint">Load a payload (sample menu, left) to drive it here.</span>}
            {names.map((n) => (
              <button key={n} type="button" role="radio" aria-checked={n === selected} className={`chip ${marks.payloads.has(n) ? "scn-hot" : ""}`} onClick={() => selectPayload(n)}>
                {n}
                <span className={`chip-state s-${snap.states.get(n) ?? "none"}`}>{snap.states.get(n) ?? "—"}</span>
              </button>
            ))}
          </div>
        </div>
        <div className="diagram-body">
          <Guard what="state diagram" resetKeys={[selected]}>
            {selected ? <StateDiagram payload={selected} state={state} action={action} /> : <div className="hint sim-empty">No payload yet.</div>}
          </Guard>
        </div>
        <div className="diagram-foot">
          {selected && (
            <Guard what="payload actions" resetKeys={[selected]}>
              <PayloadActions
                name={selected}
                state={state}
                stack={snap.stack}
                file={payloadFiles.get(selected) ?? null}
                inFlight={inFlight}
                timeoutMs={sim.timeoutMs}
                onRun={(i) => void runInput(i)}
              />
            </Guard>
          )}
          <aside className="applied-stack" aria-label="Applied stack">
            <h3>Applied stack</h3>
            <span className="stack-base" title={sim.image ? `Xen, booted from ${sim.image.name}` : "Xen"}>
              Xen
            </span>
            {snap.stack.length === 0 ? (
              <span className="hint">empty</span>
            ) : (
              <ol reversed>
                {[...snap.stack].reverse().map((n, i) => (
                  <li key={n} className={`${n === selected ? "sel" : ""} ${i === 0 ? "top" : ""}`}>
                    <code>{n}</code>
                    {i === 0 && <span className="badge">top</span>}
                  </li>
                ))}
              </ol>
            )}
          </aside>
          {selected && (
            <p className={`edge-status ${action?.phase === "failed" ? "bad" : ""}`} role="status" title={statusText}>
              {statusText}
            </p>
          )}
        </div>
      </section>
      <section className="sim-card sim-cpus" aria-label="CPUs at the rendezvous">
        <h3 className="sim-card-title">CPUs at the rendezvous</h3>
        <Guard what="CPU lanes">
          <CpuLanes rv={rv} hotCpus={marks.cpus} />
        </Guard>
        <details className="knobs-box">
          <summary>Scenario knobs</summary>
          <Guard what="knobs">
            <Knobs
              cpus={snap.cpus}
              payloads={names}
              selected={selected}
              timeoutMs={sim.timeoutMs}
              onCommand={(line) => void runConsole(line, "knob")}
              onTimeout={setTimeoutMs}
            />
          </Guard>
        </details>
      </section>
      {/* It scrolls (memory windows, then Running Xen), so it takes focus for keyboard scrolling. */}
      <section className="sim-card sim-memory" aria-label="Memory" tabIndex={0}>
        <h3 className="sim-card-title sim-memory-title">
          <span>Memory at the patched addresses</span>
          {windows.length > 0 && <MemoryKey />}
        </h3>
        <Guard what="xl info summary">
          <RunningXenSummary r={running} onShow={() => runningRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" })} />
        </Guard>
        <Guard what="memory view">
          <MemoryView windows={windows} memory={memory} arch={sim.image?.arch ?? null} payloads={sim.payloads} marks={marks} />
        </Guard>
        <section className="sim-running" aria-label="Running Xen" ref={runningRef}>
          <h3 className="sim-card-title">Running Xen (xl info)</h3>
          <Guard what="Running Xen">
            <RunningXen r={running} records={sim.records} />
          </Guard>
        </section>
      </section>
      <section className="sim-card sim-console-card" aria-label="Console panel">
        <h3 className="sim-card-title">Console</h3>
        <Guard what="console">
          <ConsolePanel entries={entries} history={sim.history} busy={busy} states={snap.states} onRun={(line) => void runConsole(line)} />
        </Guard>
      </section>
      <Guard what="timeline">
        <Timeline
          items={sim.items}
          records={sim.records}
          cursor={sim.cursor}
          playing={sim.playing}
          speed={sim.speed}
          onCursor={setCursor}
          onStep={step}
          onPlay={togglePlay}
          onSpeed={setSpeed}
        />
      </Guard>
    </div>
  );
}
