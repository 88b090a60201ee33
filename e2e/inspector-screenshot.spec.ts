import { test, expect, openApp } from "./support/guards.ts";

// A picture of the functions view, compared with the committed baseline. Only the workspace is
// captured (the sample menu grows as samples are added); light theme, fixed viewport, DejaVu fonts.
test.use({ viewport: { width: 1280, height: 720 }, colorScheme: "light" });

test("functions view: fields with provenance, trampoline, disassembly", async ({ page }) => {
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_endbr.livepatch&file=x86_64/xen_endbr.livepatch&view=functions");
  await expect(page.getByRole("table", { name: "Bytes Xen writes" })).toContainText("jmp");
  await expect(page.getByRole("table", { name: "Old function bytes" })).toContainText("endbr64");
  await expect(page.getByRole("table", { name: "New function disassembly" })).toContainText("ret");
  await page.getByRole("button", { name: "Hex", pressed: true }).click();
  await expect(page.locator("main")).toHaveScreenshot("functions-view.png", { animations: "disabled", caret: "hide" });
});
