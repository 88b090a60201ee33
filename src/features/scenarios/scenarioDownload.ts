// A scenario out of the page, as the JSON file the scenario format writes.
import { serializeScenario, type Scenario } from "../../scenarios/index.ts";

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
