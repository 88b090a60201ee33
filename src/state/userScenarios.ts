// Scenarios the user wrote, kept in this browser (localStorage) under their id so that a
// `#scenario=user:<id>` link reopens them here. The saved file is the portable form.
import type { Scenario } from "../scenarios/index.ts";
import { scenarioFormat } from "./scenarioFormat.ts";

const KEY = "livepatch-lens.user-scenarios";
const MAX_KEPT = 50;

function readAll(): Record<string, string> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export async function keepUserScenario(s: Scenario): Promise<string> {
  const { serializeScenario } = await scenarioFormat();
  const all = readAll();
  delete all[s.id];
  all[s.id] = serializeScenario(s);
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_KEPT))) delete all[old];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or disabled: the scenario still runs, only the link will not reopen it.
  }
  return `user:${s.id}`;
}

export async function findUserScenario(id: string): Promise<Scenario | null> {
  const text = readAll()[id];
  if (typeof text !== "string") return null;
  const { parseScenario } = await scenarioFormat();
  try {
    return parseScenario(text);
  } catch {
    return null;
  }
}
