// Files arrive by paste and by drag and drop (issue #4). Each test hands the page a sample's real
// bytes as a File in a DataTransfer, through the same DOM events a browser fires, and checks what
// the page shows against the CLI's `inspect --json` for the same file.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { inspectJson } from "./support/inspect.ts";

const SAMPLES = fileURLToPath(new URL("../public/samples/", import.meta.url));

type How = "paste" | "drop";

/**
 * Dispatches a paste (on the focused element) or a dragenter/dragover/drop sequence (on the
 * body) carrying the samples as Files. True when the page took the event (preventDefault).
 */
async function deliver(page: Page, how: How, samplePaths: string[]): Promise<boolean> {
  const files = samplePaths.map((p) => ({ name: basename(p), b64: readFileSync(join(SAMPLES, p)).toString("base64") }));
  const dt = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: "application/octet-stream" }));
    }
    return dt;
  }, files);
  if (how === "paste") {
    return dt.evaluate((dt) => {
      const target = document.activeElement ?? document.body;
      return !target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    });
  }
  const fire = (type: string) =>
    dt.evaluate((dt, type) => !document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true })), type);
  await fire("dragenter");
  await expect(page.locator(".drop-overlay")).toBeVisible();
  // Unless dragover is cancelled the browser refuses the drop.
  expect(await fire("dragover"), "dragover accepted").toBe(true);
  return fire("drop");
}

const rail = (page: Page) => page.getByRole("region", { name: "Loaded files" });
// The file's own button, not its "Close …" one.
const railButton = (page: Page, name: string) => rail(page).getByRole("button", { name: new RegExp(`^(?!Close ).*${name.replace(/\./g, "\\.")}`) });
const spaced = (hex: string) => hex.match(/../g)!.join(" ");

test("a payload pasted from the clipboard is loaded, parsed, and its NOP-out function shown as the CLI reports it", async ({ page }) => {
  const path = "x86_64/xen_nop.livepatch";
  const json = inspectJson(path);
  const lp = json.livepatch!;
  const nop = lp.trampolines.find((t) => t.kind === "nop")!;
  expect(nop, "the sample has a NOP-out function").toBeTruthy();
  const fn = lp.funcs[nop.func];

  await openApp(page);
  await expect(rail(page)).toContainText("Drop, paste or open");
  // A paste of plain text is not the page's business (it would go into a text field).
  const textTaken = await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData("text/plain", "xen_nop.livepatch");
    return !document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  expect(textTaken).toBe(false);
  await expect(rail(page).getByRole("button", { name: /livepatch/ })).toHaveCount(0);

  expect(await deliver(page, "paste", [path])).toBe(true);

  const file = railButton(page, "xen_nop.livepatch");
  await expect(file).toBeVisible();
  await expect(file).toHaveAttribute("aria-current", "true");
  // Parsed (the badge names its role, not "…" or "error") and sized from the pasted bytes.
  await expect(file.locator(".badge")).toHaveText("payload");
  await expect(file).toContainText(`${(json.size / 1024).toFixed(1)} KiB`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator("dl.facts")).toContainText(lp.buildId!);
  await expect(page.locator("dl.facts")).toContainText(lp.xenDepends!);

  await page.getByRole("tab", { name: /^Functions/ }).click();
  const grid = page.getByRole("grid", { name: "Functions" });
  await expect(grid.getByRole("row").filter({ hasText: fn.name! })).toContainText(`${fn.oldSize}/${fn.newSize}`);
  const card = page.getByRole("article", { name: `Function ${fn.name}` });
  await expect(card).toBeVisible();
  await expect(card.getByRole("img", { name: `${fn.name} is NOPed out` })).toBeVisible();
  await expect(card.locator("p", { hasText: nop.description })).toBeVisible();
  const written = card.getByRole("table", { name: "Bytes Xen writes" });
  // One 5-byte NOP (AT&T syntax: nopl), not five single-byte ones.
  await expect(written).toContainText(new RegExp(`${spaced(nop.bytes)}\\s*nopl? `));
  await expect(written.getByRole("row")).toHaveCount(2);
  await expect(card.getByText(/new code is not in this file \(NOP-out/)).toBeVisible();
});

test("a payload and its xen-syms dropped together are both loaded, linked, and the trampoline is read against the image", async ({ page }) => {
  const image = "x86_64/xen-syms";
  const path = "x86_64/xen_hello_world.livepatch";
  const json = inspectJson(path, image);
  const lp = json.livepatch!;
  const jump = lp.trampolines[0];
  expect(jump.kind).toBe("trampoline");
  const fn = lp.funcs[jump.func];

  await openApp(page);
  expect(await deliver(page, "drop", [image, path])).toBe(true);
  await expect(page.locator(".drop-overlay")).toHaveCount(0);

  await expect(railButton(page, "xen-syms")).toBeVisible();
  await expect(railButton(page, "xen_hello_world.livepatch")).toBeVisible();
  await expect(rail(page).getByRole("listitem").filter({ hasText: "xen_hello_world.livepatch" })).toContainText("targets xen-syms ✓");

  await railButton(page, "xen_hello_world.livepatch").click();
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator("dl.facts")).toContainText(/matches xen-syms/);
  await page.getByRole("tab", { name: /^Functions/ }).click();
  const card = page.getByRole("article", { name: `Function ${fn.name}` });
  await expect(card.locator("p", { hasText: jump.description })).toBeVisible();
  await expect(card.getByRole("table", { name: "Bytes Xen writes" })).toContainText(spaced(jump.bytes));
  await expect(card.getByRole("table", { name: "Old function bytes" })).toBeVisible();
});
