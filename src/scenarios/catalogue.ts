// The catalogue: public/scenarios/index.json lists scenario ids in presentation order (number keys
// 1–9 in presenter mode follow it); each id is public/scenarios/<id>.json. The fetcher is injected,
// so the page (fetch), the tests (fs) and the CLI read it the same way.
import { ScenarioError, SCENARIO_ID, type Scenario } from "./schema.ts";
import { parseScenario } from "./validate.ts";

export interface CatalogueIndex {
  version: 1;
  scenarios: string[];
}

export function parseCatalogueIndex(text: string): CatalogueIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError([{ path: "", message: `index.json is not JSON: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  const o = raw as { version?: unknown; scenarios?: unknown };
  if (typeof raw !== "object" || raw === null || o.version !== 1) throw new ScenarioError([{ path: "version", message: "must be 1" }]);
  if (!Array.isArray(o.scenarios) || o.scenarios.length > 100) throw new ScenarioError([{ path: "scenarios", message: "must be a list of at most 100 ids" }]);
  const bad = o.scenarios.findIndex((s) => typeof s !== "string" || !SCENARIO_ID.test(s));
  if (bad >= 0) throw new ScenarioError([{ path: `scenarios[${bad}]`, message: "must be a scenario id" }]);
  return { version: 1, scenarios: o.scenarios as string[] };
}

export interface CatalogueEntry {
  id: string;
  scenario: Scenario | null;
  /** Why the file could not be used. */
  problem: string | null;
}

/** Reads the index and every scenario; a broken file becomes an entry with its problem. */
export async function loadCatalogue(read: (relPath: string) => Promise<string>): Promise<CatalogueEntry[]> {
  const index = parseCatalogueIndex(await read("index.json"));
  return Promise.all(
    index.scenarios.map(async (id): Promise<CatalogueEntry> => {
      try {
        const scenario = parseScenario(await read(`${id}.json`));
        if (scenario.id !== id) return { id, scenario: null, problem: `${id}.json: id is "${scenario.id}", expected "${id}"` };
        return { id, scenario, problem: null };
      } catch (e) {
        return { id, scenario: null, problem: `${id}.json: ${e instanceof Error ? e.message : String(e)}` };
      }
    }),
  );
}
