// Scenario files into the page: reading a picked or dropped file. The page shell takes a dropped
// one, so this is on the first screen; the reader it needs loads only when a file comes.
import type { Scenario } from "../../scenarios/index.ts";
import { scenarioFormat } from "../../state/scenarioFormat.ts";

export function isScenarioFile(f: File): boolean {
  return /\.json$/i.test(f.name);
}

/** Reads and validates a scenario file; the error names the file and every broken field. */
export async function readScenarioFile(f: File): Promise<Scenario> {
  if (f.size > 1_000_000) throw new Error(`${f.name}: ${f.size} bytes; a scenario file is at most 1000000`);
  try {
    const { parseScenario } = await scenarioFormat();
    return parseScenario(await f.text());
  } catch (e) {
    throw new Error(`${f.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
