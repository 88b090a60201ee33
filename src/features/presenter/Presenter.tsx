// Presenter mode: a modal dialog over the page (the page behind is inert and Tab stays inside),
// high contrast, the step as one slide that fills the window (16:9 to 4:3), and the controls on a bar that
// shows while the pointer moves or a control has the focus. Driven by the keyboard and clickers
// (usePresenterKeys), with exports of the whole slide (SVG, PNG) and of the scenario (video).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal, flushSync } from "react-dom";
import { useShallow } from "zustand/react/shallow";
import { createFocusTrap } from "focus-trap";
import { cursorForStep } from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";
import { useSlideKeys, PRESENTER_KEYS } from "./usePresenterKeys.ts";
import { Slide } from "./Slide.tsx";
import { downloadBlob, drawSlide, slidePng, slideSvg } from "./exportSlide.ts";
import { recordVideo, videoSupported, VIDEO_HEIGHT, VIDEO_WIDTH, type Shot } from "./recordVideo.ts";
import "../simulator/simulator.css";
import "../scenarios/scenarios.css";
import "./presenter.css";

/** Seconds each step's picture holds in a video, and the seconds its action takes to play. */
export const VIDEO_HOLD_S = 2;
export const VIDEO_MOVE_S = 1;
/** Pictures drawn while a step's action plays (each held VIDEO_MOVE_S / VIDEO_MOVE_SHOTS). */
const VIDEO_MOVE_SHOTS = 5;

export async function enterFullscreen(): Promise<boolean> {
  const el = document.documentElement;
  if (!el.requestFullscreen || !document.fullscreenEnabled) return false;
  try {
    await el.requestFullscreen();
    return true;
  } catch {
    return false;
  }
}

const frame = () => new Promise((r) => requestAnimationFrame(r));

/**
 * Waits until the slide has drawn what it shows (the disassembly comes from a worker), and two
 * frames more: an output that appears as the cursor reaches a step's end is fitted to its card by a
 * ResizeObserver (Slide.tsx useFitText), which runs after the frame's animation callbacks, and
 * again once the fit has changed its size. Copied before that, a 4:3 video's `list` table ran past
 * its card at full size.
 */
async function drawn(slide: HTMLElement): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await frame();
    if (!slide.querySelector("[data-pending]")) break;
  }
  await frame();
  await frame();
}

/** Where the cursor stands for step `k` with its action played `share` (0..1) of the way. */
function cursorAt(k: number, share: number): number {
  const { scenario: { active }, sim: { records } } = useLens.getState();
  if (!active) return 0;
  const to = cursorForStep(records, active.inputs, k);
  if (share >= 1 || k === 0) return to;
  const from = cursorForStep(records, active.inputs, k - 1);
  return Math.round(from + (to - from) * share);
}

/** Shows step `k` with the cursor at `cursor` (inside the step), for a video's picture. */
function showAt(k: number, cursor: number): void {
  const { scenario, sim } = useLens.getState();
  scenario.goToStep(k, { animate: false });
  if (useLens.getState().sim.cursor !== cursor) sim.setCursor(cursor);
}

export default function Presenter() {
  const { goToStep, next: nextStep, prev: prevStep, setMode, setHelp } = useLens.getState().scenario;
  const sc = useLens(useShallow(({ scenario: s }) => ({ active: s.active, step: s.step, blank: s.blank, help: s.help, loading: s.loading, catalogue: s.catalogue, problem: s.problem })));
  const dialog = useRef<HTMLDialogElement>(null);
  const slide = useRef<HTMLDivElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pointer, setPointer] = useState(false);
  const fullscreen = useCallback(() => {
    void enterFullscreen().then((ok) => !ok && setNote("Full screen is not available here; the presenter already fills the window (F11 may help)."));
  }, []);
  useSlideKeys("present", fullscreen);

  // Modal: the page behind is inert, the focus moves in (off whatever input had it) and Tab cycles
  // inside. Escape is the key handler's, so the dialog's own cancel is refused.
  useLayoutEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const trap = createFocusTrap(d, { initialFocus: d, fallbackFocus: d, escapeDeactivates: false, allowOutsideClick: true, returnFocusOnDeactivate: false });
    trap.activate();
    return () => {
      trap.deactivate();
      if (d.open) d.close();
    };
  }, []);

  // The controls show while the pointer moves, and hide again after a while.
  useEffect(() => {
    if (!pointer) return;
    const t = setTimeout(() => setPointer(false), 2500);
    return () => clearTimeout(t);
  }, [pointer]);

  useEffect(() => {
    const prev = document.title;
    document.title = `${sc.active?.scenario.title ?? "Scenario"} — presenting`;
    return () => {
      document.title = prev;
    };
  }, [sc.active]);

  const a = sc.active;
  const n = a?.scenario.steps.length ?? 0;
  const fileBase = a ? `${a.scenario.id}-step${sc.step}` : "slide";

  /**
   * Runs an export with the slide still (no transition half way) and says what came of it. The
   * dialog's class says so (`busy capturing`), drawn before the job starts: added by hand, the next
   * render's className took it off again, and the explanation's fade-in restarted under the copy
   * (a PNG with the explanation at 20 % opacity).
   */
  const exporting = async (what: string, job: (el: HTMLDivElement) => Promise<string>) => {
    const el = slide.current;
    if (!el || busy) return;
    flushSync(() => setBusy(true));
    try {
      setNote(await job(el));
    } catch (e) {
      setNote(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const exportSvg = () =>
    exporting("Export SVG", async (el) => {
      downloadBlob(new Blob([await slideSvg(el)], { type: "image/svg+xml" }), `${fileBase}.svg`, dialog.current!);
      return `Saved ${fileBase}.svg`;
    });
  const exportPng = () =>
    exporting("Export PNG", async (el) => {
      downloadBlob(await slidePng(el), `${fileBase}.png`, dialog.current!);
      return `Saved ${fileBase}.png`;
    });
  const exportVideo = () =>
    exporting("Export video", async (el) => {
      if (!a) return "No scenario.";
      const at = sc.step;
      const shot = (k: number, share: number, seconds: number): Shot => {
        const cursor = cursorAt(k, share);
        return {
          seconds,
          key: `${k}:${cursor}`,
          show: async () => {
            showAt(k, cursor);
            await drawn(el);
          },
        };
      };
      const shots: Shot[] = [shot(0, 1, VIDEO_HOLD_S)];
      for (let k = 1; k <= n; k++) {
        for (let j = 1; j < VIDEO_MOVE_SHOTS; j++) shots.push(shot(k, j / VIDEO_MOVE_SHOTS, VIDEO_MOVE_S / VIDEO_MOVE_SHOTS));
        shots.push(shot(k, 1, VIDEO_MOVE_S / VIDEO_MOVE_SHOTS + VIDEO_HOLD_S));
      }
      const started = performance.now();
      try {
        const r = await recordVideo(
          shots,
          (ctx) => drawSlide(el, ctx),
          (d) => setNote(`Rendering the video: picture ${d} of ${shots.length}`),
        );
        const name = `${a.scenario.id}.${r.extension}`;
        downloadBlob(r.blob, name, dialog.current!);
        const took = (performance.now() - started) / 1000;
        return `Saved ${name}: ${r.seconds.toFixed(1)} s, ${r.frames} frames, ${VIDEO_WIDTH}×${VIDEO_HEIGHT}, ${(r.blob.size / 1024).toFixed(0)} KiB; rendered in ${took.toFixed(1)} s${r.via === "mediarecorder" ? " (recorded in real time: this browser has no WebCodecs encoder)" : ""}${r.frames < r.planned ? `; the recorder kept ${r.frames} of the ${r.planned} frames asked for (each dropped one holds the picture before it)` : ""}.`;
      } finally {
        goToStep(at, { animate: false });
      }
    });

  // On the document's body, outside the page's Larger text zoom: the slide sizes its own type to
  // the window (it fills it at any zoom), and a zoomed slide would be cut at the window's edges.
  return createPortal(
    <dialog
      className={`presenter ${pointer ? "pointer" : ""} ${busy ? "busy capturing" : ""}`}
      ref={dialog}
      aria-modal="true"
      aria-label={a ? `Presenting ${a.scenario.title}` : "Presenter"}
      data-step={sc.step}
      tabIndex={-1}
      onCancel={(e) => e.preventDefault()}
      onMouseMove={() => setPointer(true)}
    >
      {a ? <Slide ref={slide} active={a} step={sc.step} /> : <p className="pr-loading" role={sc.problem && !sc.loading ? "alert" : undefined}>{sc.loading ? "Loading the scenario…" : (sc.problem ?? "No scenario.")}</p>}
      <footer className="pr-controls" aria-label="Presenter controls">
        <span className="pr-progress" aria-label={`Step ${sc.step} of ${n}`}>
          {Array.from({ length: n + 1 }, (_, k) => (
            <button key={k} type="button" className={k === sc.step ? "on" : k < sc.step ? "past" : ""} onClick={() => goToStep(k, { animate: k === sc.step + 1 })} aria-label={k === 0 ? "Start" : `Step ${k}`} />
          ))}
        </span>
        {note && (
          <span className="pr-note" role="status">
            {note}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={prevStep} aria-label="Back">
          ◀
        </button>
        <button type="button" onClick={nextStep} aria-label="Next">
          ▶
        </button>
        <button type="button" onClick={fullscreen}>
          Full screen
        </button>
        <button type="button" onClick={() => void exportSvg()} disabled={!a || busy} title="This slide as an SVG file">
          Export SVG
        </button>
        <button type="button" onClick={() => void exportPng()} disabled={!a || busy} title="This slide as a PNG, at least 1920 px wide">
          Export PNG
        </button>
        <button type="button" onClick={() => void exportVideo()} disabled={!a || busy || !videoSupported()} title={`The whole scenario as a video, ${VIDEO_WIDTH}×${VIDEO_HEIGHT}`}>
          Export video
        </button>
        <button type="button" onClick={() => setHelp(!sc.help)} aria-label="Keys">
          ?
        </button>
        <button type="button" onClick={() => setMode("page")} aria-label="Leave presenter mode">
          Exit
        </button>
      </footer>
      {sc.help && (
        <div className="pr-help" role="dialog" aria-label="Presenter keys">
          <h2>Keys</h2>
          <dl>
            {PRESENTER_KEYS.map(([k, what]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          {sc.catalogue && (
            <ol className="pr-help-list">
              {sc.catalogue.map((c) => (
                <li key={c.id}>{c.scenario?.title ?? c.id}</li>
              ))}
            </ol>
          )}
        </div>
      )}
      {sc.blank && <div className="pr-blank" data-testid="presenter-blank" aria-label="Screen blanked" role="img" />}
    </dialog>,
    document.body,
  );
}
