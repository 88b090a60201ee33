// The audit of what is loaded: every payload in rail order (that is the upload order), against
// the image its xen_depends names (else the first image), plus the simulator cross-check. The
// static audit runs in its own worker (it re-parses and re-analyses every payload), so loading a
// big payload never blocks the page on it.
import { useEffect, useMemo, useState } from "react";
import { crossCheck, type AuditResult, type SimulationResult } from "../../audit/index.ts";
import { auditInWorker } from "../../services/auditClient.ts";
import { auditSimulator, exclusive } from "../../services/auditSimulator.ts";
import { roleOf } from "../../state/links.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { buildIdHex } from "../../elf/index.ts";

export interface AuditView {
  /** Null while the first audit of this set of files is still running. */
  result: AuditResult | null;
  /** Audit file name → loaded file id, so findings can link to the file's views. */
  fileIds: Map<string, string>;
  simulator: SimulationResult | "running" | null;
  /** The audit failed to run (the worker broke); the message says why. */
  error: string | null;
}

function chooseImage(payloads: LoadedFile[], images: LoadedFile[]): LoadedFile | null {
  const want = payloads.map((p) => p.parsed!.livepatch?.xenDepends?.buildId).find(Boolean);
  return images.find((i) => want && buildIdHex(i.parsed!.elf) === want) ?? images[0] ?? null;
}

type Outcome = { for: unknown; result: AuditResult } | { for: unknown; error: string };

// One worker run per set of files, however many views ask for its result.
const runs = new Map<string, Promise<AuditResult | null>>();
const KEEP_RUNS = 4;
function sharedRun(key: string, start: () => Promise<AuditResult | null>): Promise<AuditResult | null> {
  let run = runs.get(key);
  if (!run) {
    run = start();
    runs.set(key, run);
    run.catch(() => runs.delete(key));
    while (runs.size > KEEP_RUNS) runs.delete(runs.keys().next().value as string);
  }
  return run;
}

/** The static audit of what is loaded (no simulator run), shared by every caller. */
export function useStaticAudit() {
  const files = useLens(selectFiles);
  const computed = useMemo(() => {
    const ready = files.filter((f) => f.parsed);
    const payloads = ready.filter((f) => roleOf(f.parsed!) === "payload");
    if (payloads.length === 0) return null;
    const image = chooseImage(
      payloads,
      ready.filter((f) => roleOf(f.parsed!) === "image"),
    );
    const inputs = payloads.map((f) => ({ file: f.name, bytes: f.parsed!.elf.bytes }));
    // Same inputs (by identity) as the previous set: the same audit.
    const key = [...payloads, ...(image ? [image] : [])].map((f) => f.id).join(",");
    return { key, inputs, image, fileIds: new Map(payloads.map((f) => [f.name, f.id])) };
  }, [files]);
  const key = computed?.key ?? null;
  const stable = useMemo(() => computed, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by file ids: a rename or progress update is the same audit
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    if (!stable) return;
    let live = true;
    const image = stable.image ? { file: stable.image.name, key: stable.image.id, bytes: stable.image.parsed!.elf.bytes } : null;
    sharedRun(stable.key, () => auditInWorker(stable.inputs, image)).then(
      (result) => {
        if (live && result) setOutcome({ for: stable, result });
      },
      (e: unknown) => {
        if (live) setOutcome({ for: stable, error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [stable]);

  const result = outcome?.for === stable && outcome && "result" in outcome ? outcome.result : null;
  const error = outcome?.for === stable && outcome && "error" in outcome ? outcome.error : null;
  return { stable, result, error };
}

export function useAudit(): AuditView | null {
  const { stable, result, error } = useStaticAudit();
  const [sim, setSim] = useState<{ for: unknown; value: SimulationResult } | null>(null);

  useEffect(() => {
    if (!stable?.image || !result) return;
    let live = true;
    const image = stable.image.parsed!.elf.bytes;
    void exclusive(async () => {
      // A newer set of files replaced this one while it waited: skip the stale run.
      if (!live) return;
      const value = await crossCheck(auditSimulator(), image, stable.inputs, result.predictions);
      if (live) setSim({ for: result, value });
    });
    return () => {
      live = false;
    };
  }, [stable, result]);

  if (!stable) return null;
  const simulator = !stable.image ? null : sim?.for === result && sim ? sim.value : "running";
  return {
    result: result && simulator && simulator !== "running" ? { ...result, simulator } : result,
    fileIds: stable.fileIds,
    simulator,
    error,
  };
}
