// Scenario files in and out of the page: a JSON download, and reading a picked or dropped file.
import { parseScenario, serializeScenario, type Scenario } from "../../scenarios/index.ts";

export function downloadScenario(s: Scenario): void {
  const blob = new Blob([serializeScenario(s)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${s.id}.scenario.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function isScenarioFile(f: File): boolean {
  return /\.json$/i.test(f.name);
}

/** Reads and validates a scenario file; the error names the file and every broken field. */
export async function readScenarioFile(f: File): Promise<Scenario> {
  if (f.size > 1_000_000) throw new Error(`${f.name}: ${f.size} bytes; a scenario file is at most 1000000`);
  try {
    return parseScenario(await f.text());
  } catch (e) {
    throw new Error(`${f.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
