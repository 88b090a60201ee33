// Scenarios in the shell: opens the scenario a link names (#scenario=…, #present&scenario=…),
// follows hash changes, takes dropped or pasted scenario files (.json) before the inspector's own
// intake sees them, and shows presenter mode over the page.
import { lazy, Suspense, useEffect } from "react";
import { parseScenarioHash } from "../../scenarios/hash.ts";
import { useLens } from "../../state/store.ts";
import { isScenarioFile, readScenarioFile } from "./scenarioFile.ts";
import { returnFocusFromPresenter } from "../presenter/returnFocus.ts";

const Presenter = lazy(() => import("../presenter/Presenter.tsx"));

function followHash(): void {
  const place = parseScenarioHash(location.hash);
  if (!place) return;
  // An embed is a different page (no chrome): load it as such.
  if (place.mode === "embed") return location.reload();
  const { active, mode, step, setMode, goToStep, open } = useLens.getState().scenario;
  if (active?.ref === place.scenario) {
    if (mode !== place.mode) setMode(place.mode);
    if (step !== place.step) goToStep(place.step, { animate: false });
    return;
  }
  void open(place.scenario, place.step, place.mode);
}

async function takeFile(f: File): Promise<void> {
  const { openUser, fail } = useLens.getState().scenario;
  try {
    await openUser(await readScenarioFile(f));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

export function ScenarioHost() {
  const presenting = useLens((s) => s.scenario.mode === "present");
  useEffect(() => {
    followHash();
    window.addEventListener("hashchange", followHash);
    const onDrop = (e: DragEvent) => {
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length !== 1 || !isScenarioFile(files[0])) return;
      // A scenario, not a file to inspect: keep it from the inspector's drop handler.
      e.preventDefault();
      e.stopImmediatePropagation();
      // The intake still has to clear its drag overlay: an empty drop does only that.
      window.dispatchEvent(new Event("drop"));
      void takeFile(files[0]);
    };
    window.addEventListener("drop", onDrop, true);
    const unwatch = returnFocusFromPresenter();
    return () => {
      unwatch();
      window.removeEventListener("hashchange", followHash);
      window.removeEventListener("drop", onDrop, true);
    };
  }, []);
  if (!presenting) return null;
  return (
    <Suspense fallback={null}>
      <Presenter />
    </Suspense>
  );
}
