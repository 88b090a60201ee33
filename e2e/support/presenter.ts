import type { Page } from "@playwright/test";
import { expect } from "./guards.ts";

/**
 * Opens the Simulator, loads a scenario file of one step (`load xen_hello_world.livepatch` on the
 * x86-64 sample image) that boots `cpus` CPUs, with id `id` (its file `<id>.scenario.json`), and
 * presents it: the presenter is on its opening slide (step 0), the step not played yet.
 */
export async function presentCpus(page: Page, id: string, cpus: number): Promise<void> {
  await page.goto("./");
  await page.getByRole("button", { name: "Simulator" }).click();
  const scenario = {
    format: "livepatch-lens-scenario",
    version: 1,
    id,
    title: `${cpus} CPUs`,
    summary: "many CPUs at the rendezvous",
    image: "x86_64/xen-syms",
    payloads: ["x86_64/xen_hello_world.livepatch"],
    cpus,
    steps: [{ title: "Load hello", command: "load xen_hello_world.livepatch", explain: "Every CPU gathers for the APPLY." }],
  };
  await page.getByLabel("Scenario file").setInputFiles({ name: `${id}.scenario.json`, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(scenario)) });
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText(`${cpus} CPUs`, { timeout: 30_000 });
  await page.getByRole("button", { name: "Present", exact: true }).click();
  await expect(page.locator(".presenter")).toHaveAttribute("data-step", "0", { timeout: 30_000 });
}
