// The cross-check: boot the simulated hypervisor from the same image, UPLOAD every payload in
// order, then APPLY every uploaded one in order, and compare each return code with what the
// static audit predicted. The port hides whether the simulator runs in Node or in a worker.
import { payloadName } from "./context.ts";
import type { AuditFile, Prediction, SimulatedStep, SimulationResult, SimulatorPort } from "./types.ts";

/** Long enough for a rendezvous with the default 30 ms timeout to finish either way. */
const SETTLE_NS = 100_000_000;
const APPLIED = 2;

function rcText(rc: number | null): string {
  return rc === null ? "unknown" : String(rc);
}

export async function crossCheck(port: SimulatorPort, image: Uint8Array, files: readonly AuditFile[], predictions: readonly Prediction[]): Promise<SimulationResult> {
  const steps: SimulatedStep[] = [];
  const outcomes: Prediction[] = files.map((f) => ({ file: f.file, name: payloadName(f.file), upload: null, apply: null }));
  try {
    await port.boot(image);
    let seen = (await port.consoleLines()).length;
    const newLines = async () => {
      const all = await port.consoleLines();
      const out = all.slice(seen);
      seen = all.length;
      return out;
    };
    for (let i = 0; i < files.length; i++) {
      const ret = await port.upload(outcomes[i].name, files[i].bytes);
      outcomes[i].upload = ret;
      steps.push({ file: files[i].file, name: outcomes[i].name, op: "upload", ret, console: await newLines() });
    }
    for (let i = 0; i < files.length; i++) {
      if (outcomes[i].upload !== 0) continue;
      const name = outcomes[i].name;
      const ret = await port.apply(name);
      let statusRc: number | undefined;
      let state: number | undefined;
      if (ret === 0) {
        await port.advance(SETTLE_NS);
        const g = await port.get(name);
        statusRc = g.rc;
        state = g.state;
      }
      outcomes[i].apply = ret !== 0 ? ret : state === APPLIED ? 0 : (statusRc ?? 0);
      steps.push({ file: files[i].file, name, op: "apply", ret, statusRc, state, console: await newLines() });
    }
    const halted = await port.halted();
    const disagreements = compare(predictions, outcomes);
    if (halted) disagreements.push("the simulated host halted (panic) during the run");
    return { steps, halted, outcomes, agrees: disagreements.length === 0, disagreements };
  } catch (e) {
    return { steps, halted: false, outcomes, agrees: false, disagreements: [], error: (e as Error).message };
  }
}

/** Differences between predicted and simulated return codes, one line each. */
export function compare(predicted: readonly Prediction[], simulated: readonly Prediction[]): string[] {
  const out: string[] = [];
  predicted.forEach((p, i) => {
    const s = simulated[i];
    if (!s) return;
    if (p.upload !== s.upload) out.push(`${p.file}: UPLOAD predicted ${rcText(p.upload)}, simulator returned ${rcText(s.upload)}`);
    else if (s.upload === 0 && p.apply !== s.apply) out.push(`${p.file}: APPLY predicted ${rcText(p.apply)}, simulator gave ${rcText(s.apply)}`);
  });
  return out;
}
