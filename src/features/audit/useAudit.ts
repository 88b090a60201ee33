// The audit of what is loaded: every payload in rail order (that is the upload order), against
// the image its xen_depends names (else the first image), plus the simulator cross-check.
import { useEffect, useMemo, useState } from "react";
import { auditPayloads, crossCheck, type AuditResult, type SimulationResult } from "../../audit/index.ts";
import { auditSimulator, exclusive } from "../../services/auditSimulator.ts";
import { roleOf } from "../../state/links.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { buildIdHex } from "../format.ts";
import { buildId } from "../../elf/index.ts";

export interface AuditView {
  result: AuditResult;
  /** Audit file name → loaded file id, so findings can link to the file's views. */
  fileIds: Map<string, string>;
  simulator: SimulationResult | "running" | null;
}

function chooseImage(payloads: LoadedFile[], images: LoadedFile[]): LoadedFile | null {
  const want = payloads.map((p) => p.parsed!.livepatch?.xenDepends?.buildId).find(Boolean);
  return images.find((i) => want && buildIdHex(buildId(i.parsed!.elf)) === want) ?? images[0] ?? null;
}

export function useAudit(): AuditView | null {
  const files = useLens((s) => s.files);
  const computed = useMemo(() => {
    const ready = files.filter((f) => f.parsed);
    const payloads = ready.filter((f) => roleOf(f.parsed!) === "payload");
    if (payloads.length === 0) return null;
    const image = chooseImage(
      payloads,
      ready.filter((f) => roleOf(f.parsed!) === "image"),
    );
    const inputs = payloads.map((f) => ({ file: f.name, bytes: f.parsed!.elf.bytes }));
    const result = auditPayloads(inputs, image ? { file: image.name, elf: image.parsed!.elf } : null);
    return { result, inputs, image, fileIds: new Map(payloads.map((f) => [f.name, f.id])) };
  }, [files]);
  const [sim, setSim] = useState<{ for: unknown; value: SimulationResult } | null>(null);

  useEffect(() => {
    if (!computed?.image) return;
    let live = true;
    const image = computed.image.parsed!.elf.bytes;
    void exclusive(async () => {
      // A newer set of files replaced this one while it waited: skip the stale run.
      if (!live) return;
      const value = await crossCheck(auditSimulator(), image, computed.inputs, computed.result.predictions);
      if (live) setSim({ for: computed, value });
    });
    return () => {
      live = false;
    };
  }, [computed]);

  if (!computed) return null;
  const simulator = !computed.image ? null : sim?.for === computed ? sim.value : "running";
  return { result: simulator && simulator !== "running" ? { ...computed.result, simulator } : computed.result, fileIds: computed.fileIds, simulator };
}
