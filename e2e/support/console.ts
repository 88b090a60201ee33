import type { Page } from "@playwright/test";
import { expect } from "./guards.ts";

/** Types `line` into the simulator's console and waits until the console echoes it. */
export async function type(page: Page, line: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Console" });
  await box.fill(line);
  await box.press("Enter");
  await expect(page.getByTestId("console-output")).toContainText(`# ${line}`);
}
