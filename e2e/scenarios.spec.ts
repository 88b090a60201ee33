// Guided scenarios on the simulator page: a scenario link opens at its step with the explanation
// and the diagram in agreement; stepping; leaving the path from the console and returning; and a
// scenario written in the page, saved as a file and loaded again; the editor's image switch, its
// architecture check and the draft it keeps.
import { readFile } from "node:fs/promises";
import { ARCHMIX_SCENARIO } from "../src/test-support/archmixScenario.ts";
import { test, expect } from "./support/guards.ts";
import type { Page } from "@playwright/test";

const node = (page: Page, label: string) => page.locator(`.simulator svg.state-diagram .sd-node[aria-label="${label}"]`);

async function openAt(page: Page, hash: string, step: number) {
  await page.goto(`./${hash}`);
  await expect(page.locator(`.scn-panel .scn-explain[data-step="${step}"]`)).toBeVisible({ timeout: 30_000 });
}

test("a scenario link opens at its step: explanation, diagram, stack and console agree", async ({ page }) => {
  await openAt(page, "#scenario=stacking&step=6", 6);
  const panel = page.locator(".scn-panel");
  await expect(panel.locator(".scn-step-title")).toHaveText("Revert hello: out of order");
  await expect(panel.locator(".scn-typed")).toHaveText("revert xen_hello_world");
  await expect(panel.locator(".scn-count")).toHaveText("6/8");
  // The diagram is about hello, still APPLIED, with the failed REVERT on its edge.
  await expect(page.locator(".simulator .payload-pick [aria-checked='true']")).toContainText("xen_hello_world");
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true");
  await expect(page.locator(".simulator svg.state-diagram [data-edge='REVERT']")).toHaveClass(/failed/);
  await expect(page.locator(".simulator svg.state-diagram [data-edge='REVERT']")).toContainText("EBUSY");
  await expect(page.getByRole("complementary", { name: "Applied stack" })).toContainText("xen_bye_world");
  await expect(panel.locator(".scn-output")).toContainText("Error 16");
  await expect(panel.locator(".scn-output")).toContainText("exit status 2");
  expect(await page.evaluate(() => location.hash)).toBe("#scenario=stacking&step=6");
});

test("the altcall lesson: its own link shows the devirtualised site, the same result through it, and the refused upload", async ({ page }) => {
  await openAt(page, "#scenario=altcall&step=6", 6);
  const panel = page.locator(".scn-panel");
  await expect(panel.locator(".scn-step-title")).toHaveText("The listed site, devirtualised");
  await expect(panel.locator(".scn-output")).toContainText("f3 0f 1e fa 2e e8 ea ff ff ff c3");
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(panel.locator(".scn-output")).toContainText("altcall_via_site(0x8) = 0x1a");
  await openAt(page, "#scenario=altcall&step=12", 12);
  await expect(panel.locator(".scn-output")).toContainText("[ff d0 83 c0 01 c3] not CALL *RIPREL");
  await expect(page.locator(".simulator .payload-pick")).toContainText("xen_altcall");
});

test("hello world in the page: xl info runs Xen's version function, Hello World while applied, -unstable after the revert", async ({ page }) => {
  await openAt(page, "#scenario=hello-world&step=5", 5);
  const panel = page.locator(".scn-panel");
  await expect(panel.locator(".scn-step-title")).toHaveText("Ask Xen its version");
  await expect(panel.locator(".scn-output")).toContainText("xen_extra              : Hello World");
  await openAt(page, "#scenario=hello-world&step=7", 7);
  await expect(panel.locator(".scn-output")).toContainText("xen_extra              : -unstable");
});

test("hooks for real: the pre-revert hook's own -1 refuses the first revert, the second goes through", async ({ page }) => {
  await openAt(page, "#scenario=hooks-for-real&step=4", 4);
  const panel = page.locator(".scn-panel");
  await expect(panel.locator(".scn-output")).toContainText("Error 1");
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true");
  await openAt(page, "#scenario=hooks-for-real&step=5", 5);
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true", { timeout: 20_000 });
  await openAt(page, "#scenario=hooks-for-real&step=3", 3);
  await expect(panel.locator(".scn-output")).toContainText("(XEN) pre-apply hook");
  await page.screenshot({ path: "test-results/hooks-for-real-step3.png" });
});

test("hooks for real: a payload's WARN prints where and the registers and APPLY goes on; its BUG takes the host down", async ({ page }) => {
  await openAt(page, "#scenario=hooks-for-real&step=13", 13);
  const panel = page.locator(".scn-panel");
  // fixtures/payloads/warn_bug.c: WARN() on line 36, BUG() on line 45
  await expect(panel.locator(".scn-output")).toContainText("(XEN) Xen WARN at payloads/warn_bug.c:36");
  await expect(panel.locator(".scn-output")).toContainText("warn_bug_pre_apply+0x31/0x4b [xen_warn_bug]");
  await expect(panel.locator(".scn-output")).toContainText("(XEN) warn_bug: pre-apply hook call 1 carries on");
  await page.screenshot({ path: "test-results/hooks-for-real-warn.png" });
  await openAt(page, "#scenario=hooks-for-real&step=15", 15);
  await expect(panel.locator(".scn-output")).toContainText("Xen crashed: Xen BUG at payloads/warn_bug.c:45");
  await page.screenshot({ path: "test-results/hooks-for-real-bug.png" });
});

test("the NMI mid-write lesson: torn bytes and what ran, then the same NMI under the rendezvous", async ({ page }) => {
  await openAt(page, "#scenario=nmi-mid-write&step=4", 4);
  const panel = page.locator(".scn-panel");
  await expect(panel.locator(".scn-step-title")).toHaveText("Two bytes in: a wrong answer");
  await expect(panel.locator(".scn-output")).toContainText("torn e9 0b 00 00 00 c3");
  await expect(panel.locator(".scn-output")).toContainText("returned 0xffff82d04021101b");
  await page.getByRole("button", { name: "Next step" }).click();
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(panel.locator(".scn-explain")).toHaveAttribute("data-step", "6");
  await expect(panel.locator(".scn-output")).toContainText("NMI swallowed, xen_minor_version not entered");
  await expect(panel.locator(".scn-output")).toContainText("returned 0x1a");
});

test("steps move forward and back, and the URL follows", async ({ page }) => {
  await openAt(page, "#scenario=hello-world&step=2", 2);
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true");
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "3");
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true", { timeout: 20_000 });
  await expect(page.getByRole("article", { name: "Memory at xen_extra_version" })).toHaveClass(/patched/);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe("#scenario=hello-world&step=3");
  await page.getByRole("button", { name: "Previous step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "2");
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true");
  await page.getByRole("button", { name: "Last step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "8");
  await expect(node(page, "unloaded")).toHaveAttribute("aria-current", "true");
});

test("typing another command leaves the path; Return to the scenario restores that step", async ({ page }) => {
  await openAt(page, "#scenario=hello-world&step=3", 3);
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true");
  const con = page.getByRole("textbox", { name: "Console" });
  await con.fill("revert xen_hello_world");
  await con.press("Enter");
  await expect(page.getByText("Off the scenario's path")).toBeVisible();
  await expect(page.locator(".scn-offpath")).toContainText("after step 3");
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true", { timeout: 20_000 });
  await page.getByRole("button", { name: "Return to the scenario" }).click();
  await expect(page.getByText("Off the scenario's path")).toBeHidden();
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "3");
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true");
  // The whole scenario is on the timeline again: step 4 is one Next away.
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(page.locator(".scn-panel .scn-output")).toContainText("0xffff82d040200110: e9 ", { timeout: 20_000 });
});

test("a scenario written in the page saves to a file and loads again unchanged", async ({ page }) => {
  await page.goto("./");
  await page.getByRole("button", { name: "Simulator" }).click();
  await page.getByRole("button", { name: "Write a scenario" }).click();
  const dlg = page.getByRole("dialog", { name: "Write a scenario" });
  await dlg.getByLabel("Scenario title").fill("My NOP demo");
  await dlg.getByLabel("Summary").fill("Expected outcome: xen_nop applies.");
  await dlg.getByRole("checkbox", { name: "xen_nop.livepatch" }).check();
  await dlg.getByLabel("Step 1 command").fill("upload xen_nop xen_nop.livepatch");
  await dlg.getByLabel("Step 1 explanation").fill("Upload the NOP payload.");
  await dlg.getByRole("button", { name: "+ Add step" }).click();
  await dlg.getByLabel("Step 2 command").fill("apply xen_nop");
  await dlg.getByLabel("Step 2 title").fill("Apply it");
  await dlg.getByLabel("Step 2 explanation").fill("NOPs replace the first five bytes.");
  // A command naming a file the scenario does not load is caught, by field.
  await dlg.getByRole("button", { name: "+ Add step" }).click();
  await dlg.getByLabel("Step 3 command").fill("upload x other.livepatch");
  await dlg.getByLabel("Step 3 explanation").fill("broken");
  await dlg.getByRole("button", { name: "Save file" }).click();
  await expect(dlg.getByRole("alert", { name: "Problems" })).toContainText("steps[2].command: names the file 'other.livepatch'");
  await dlg.getByRole("button", { name: "Remove step 3" }).click();
  const saving = page.waitForEvent("download");
  await dlg.getByRole("button", { name: "Save file" }).click();
  const saved = await saving;
  expect(saved.suggestedFilename()).toBe("my-nop-demo.scenario.json");
  const text = await readFile((await saved.path())!, "utf8");
  const json = JSON.parse(text);
  expect(json).toMatchObject({ format: "livepatch-lens-scenario", version: 1, id: "my-nop-demo", title: "My NOP demo", payloads: expect.arrayContaining(["x86_64/xen_nop.livepatch"]) });
  expect(json.steps).toEqual([
    { command: "upload xen_nop xen_nop.livepatch", explain: "Upload the NOP payload." },
    { title: "Apply it", command: "apply xen_nop", explain: "NOPs replace the first five bytes." },
  ]);

  // A fresh page: load the file, run it, save it again: the same bytes come back.
  await page.goto("./");
  await page.getByRole("button", { name: "Simulator" }).click();
  await page.getByLabel("Scenario file").setInputFiles({ name: "my-nop-demo.scenario.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("My NOP demo", { timeout: 30_000 });
  await expect(page.getByRole("list", { name: "Steps" })).toContainText("2. Apply it");
  await page.getByRole("button", { name: "Last step" }).click();
  await expect(page.locator(".scn-panel .scn-output")).toContainText("Applying xen_nop... completed");
  expect(await page.evaluate(() => location.hash)).toBe("#scenario=user:my-nop-demo&step=2");
  const again = page.waitForEvent("download");
  await page.locator(".scn-panel").getByRole("button", { name: "Save", exact: true }).click();
  expect(await readFile((await (await again).path())!, "utf8")).toBe(text);
});

test("switching the editor's image moves the ticked payloads to its builds by file name and drops the rest, saying so", async ({ page }) => {
  await openAt(page, "#scenario=hello-world", 0);
  await page.getByRole("button", { name: "Write a scenario" }).click();
  const dlg = page.getByRole("dialog", { name: "Write a scenario" });
  await expect(dlg.getByRole("checkbox", { name: "xen_hello_world.livepatch" })).toBeChecked();
  await dlg.getByRole("checkbox", { name: "xen_altcall.livepatch" }).check();
  await dlg.getByLabel("Image").selectOption("aarch64/xen-syms");
  // public/samples/aarch64 has its own xen_hello_world.livepatch and no altcall.
  await expect(dlg.getByRole("status", { name: "Payloads after the image change" })).toHaveText(
    "Image aarch64/xen-syms: now ticks the aarch64 build of xen_hello_world.livepatch; dropped xen_altcall.livepatch: no aarch64 build (steps naming it show as problems).",
  );
  await expect(dlg.getByRole("group", { name: /Payloads for aarch64\/xen-syms/ }).getByRole("checkbox", { checked: true })).toHaveCount(1);
  await expect(dlg.getByRole("checkbox", { name: "xen_hello_world.livepatch" })).toBeChecked();
  await expect(dlg.getByRole("checkbox", { name: /altcall/ })).toHaveCount(0);
  await dlg.getByLabel("Scenario title").fill("Hello on arm64");
  await dlg.getByRole("button", { name: "Run it" }).click();
  await expect(dlg).toHaveCount(0);
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("Hello on arm64", { timeout: 30_000 });
  // The arm64 hello uploads on the arm64 host (the x86 one would meet "Unsupported ELF Machine type").
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(page.locator(".scn-panel .scn-output")).toContainText("completed", { timeout: 20_000 });
  await expect(page.locator(".scn-panel .scn-output")).not.toContainText("Unsupported ELF Machine type");
});

test("a scenario file whose payloads are for another architecture than its image is refused, naming both", async ({ page }) => {
  await page.goto("./");
  await page.getByRole("button", { name: "Simulator" }).click();
  const archmix = ARCHMIX_SCENARIO;
  await page.getByLabel("Scenario file").setInputFiles({ name: "archmix.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(archmix)) });
  const problem = page.locator(".scn-problem");
  await expect(problem).toContainText("payloads[0]: x86_64/xen_hello_world.livepatch is not for aarch64/xen-syms: it is an x86_64 payload, the image is aarch64");
  await expect(problem).toContainText("payloads[1]: x86_64/xen_bye_world.livepatch is not for aarch64/xen-syms");
  await expect(page.locator(".scn-panel .scn-explain")).toHaveCount(0);
});

// A file may hold 200 steps. Under 1600×1000 the scenario card grows to its content, and its step
// list grew with it: 100 rows of pills, a card 2,700 px tall, and the state diagram beside it drawn
// 1,300 px down its stretched card, the visible part blank. The list now scrolls past a few rows.
test("a 200-step scenario keeps its step list short and its state diagram in view", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openAt(page, "#scenario=hello-world", 0);
  const steps = [{ command: "upload xen_hello_world xen_hello_world.livepatch", explain: "Upload." }];
  for (let i = 1; i < 200; i++) steps.push({ command: i % 2 ? "apply xen_hello_world" : "revert xen_hello_world", explain: i % 2 ? "Apply." : "Revert." });
  const long = { format: "livepatch-lens-scenario", version: 1, id: "qa-long", title: "Two hundred steps", summary: "QA", image: "x86_64/xen-syms", payloads: ["x86_64/xen_hello_world.livepatch"], cpus: 4, steps };
  await page.getByLabel("Scenario file").setInputFiles({ name: "long.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(long)) });
  await expect(page.locator(".scn-panel .scn-steps li")).toHaveCount(201, { timeout: 30_000 });
  const list = await page.locator(".scn-panel .scn-steps").evaluate((el) => ({ h: el.getBoundingClientRect().height, scrolls: el.scrollHeight > el.clientHeight }));
  expect(list.h).toBeLessThan(300);
  expect(list.scrolls).toBe(true);
  await expect(page.locator(".sim-diagram .sd-node").first()).toBeInViewport();
});

test("the editor keeps what was typed: Escape in a field does not close it, and closing keeps a draft until Discard or Run it", async ({ page }) => {
  await openAt(page, "#scenario=hello-world", 0);
  const write = page.getByRole("button", { name: "Write a scenario" });
  const dlg = page.getByRole("dialog", { name: "Write a scenario" });
  // A clean editor: the focus is on the dialog, and Escape closes it; nothing is kept.
  await write.click();
  await expect(dlg).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dlg).toHaveCount(0);
  await expect(write).toHaveText("Write…");
  await expect(write).toBeFocused();

  await page.keyboard.press("Enter");
  await dlg.getByLabel("Scenario title").fill("My long lesson");
  await dlg.getByLabel("Step 1 explanation").fill("A long explanation typed for ten minutes");
  await dlg.getByLabel("Step 1 explanation").press("Escape");
  await dlg.getByLabel("Scenario title").press("Escape");
  await dlg.getByLabel("Image").press("Escape");
  await expect(dlg).toBeVisible();
  await expect(dlg.getByText("Closing keeps your changes until you run or discard them.")).toBeVisible();

  // Escape outside a text field closes; the draft stays, and Write… says so and reopens it.
  await dlg.getByRole("button", { name: "+ Add step" }).focus();
  await page.keyboard.press("Escape");
  await expect(dlg).toHaveCount(0);
  await expect(write).toHaveText("Write… (draft)");
  await write.click();
  await expect(dlg.getByRole("status").filter({ hasText: "Your draft from before" })).toBeVisible();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("My long lesson");
  await expect(dlg.getByLabel("Step 1 explanation")).toHaveValue("A long explanation typed for ten minutes");
  // The × and Close keep it too.
  await dlg.getByRole("button", { name: "Close the editor" }).click();
  await write.click();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("My long lesson");
  await dlg.getByRole("button", { name: "Close", exact: true }).click();
  await expect(write).toHaveText("Write… (draft)");

  // Discard changes goes back to the open scenario as it is; closing then keeps nothing.
  await write.click();
  await dlg.getByRole("button", { name: "Discard changes" }).click();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("Hello world: upload, apply, revert, unload");
  await expect(dlg.getByRole("button", { name: "Discard changes" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(dlg).toHaveCount(0);
  await expect(write).toHaveText("Write…");

  // Run it takes the draft with it: the next Write… starts from the scenario it opened.
  await write.click();
  await dlg.getByLabel("Scenario title").fill("Mine now");
  await dlg.getByRole("button", { name: "Run it" }).click();
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("Mine now", { timeout: 30_000 });
  await expect(write).toHaveText("Write…");
  await write.click();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("Mine now");
  await expect(dlg.getByRole("status").filter({ hasText: "Your draft from before" })).toHaveCount(0);
});

test("the editor's draft survives a reload until Discard or Run it; a stored draft the validator refuses is dropped, saying why", async ({ page }) => {
  await openAt(page, "#scenario=hello-world", 0);
  const write = page.getByRole("button", { name: "Write a scenario" });
  const dlg = page.getByRole("dialog", { name: "Write a scenario" });
  const stored = () => page.evaluate(() => localStorage.getItem("livepatch-lens.scenario-draft"));
  const reload = async () => {
    await page.reload();
    await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toBeVisible({ timeout: 30_000 });
  };

  // Written, closed, reloaded, reopened: the draft is there, all of it.
  await write.click();
  await dlg.getByLabel("Scenario title").fill("Across a reload");
  await dlg.getByLabel("Step 1 explanation").fill("Typed before the reload");
  await dlg.getByRole("button", { name: "+ Add step" }).click();
  await dlg.getByLabel("Step 9 command").fill("cpus 2");
  await dlg.getByLabel("Step 9 explanation").fill("Two CPUs from here on");
  await dlg.getByRole("button", { name: "Close the editor" }).click();
  expect(JSON.parse((await stored())!)).toMatchObject({ version: 1, draft: { title: "Across a reload", cpus: 4 } });
  await reload();
  await expect(write).toHaveText("Write… (draft)");
  await write.click();
  await expect(dlg.getByRole("status").filter({ hasText: "Your draft from before" })).toBeVisible();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("Across a reload");
  await expect(dlg.getByLabel("Step 1 explanation")).toHaveValue("Typed before the reload");
  await expect(dlg.getByLabel("Step 9 command")).toHaveValue("cpus 2");
  // The steps kept from the scenario (their commands not edited) keep all they had: what Save
  // writes for step 3 is public/scenarios/hello-world.json's, highlights and expectations too.
  const saving = page.waitForEvent("download");
  await dlg.getByRole("button", { name: "Save file" }).click();
  const saved = JSON.parse(await readFile((await (await saving).path())!, "utf8"));
  const hello = await (await page.request.get("./scenarios/hello-world.json")).json();
  expect(saved.title).toBe("Across a reload");
  expect(saved.steps[0]).toEqual({ ...hello.steps[0], explain: "Typed before the reload" });
  expect(saved.steps[2]).toEqual(hello.steps[2]);
  expect(saved.steps[8]).toEqual({ command: "cpus 2", explain: "Two CPUs from here on" });
  // Kept as it is typed: a reload with the editor still open loses nothing either.
  await dlg.getByLabel("Scenario title").fill("Across two reloads");
  await reload();
  await write.click();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("Across two reloads");
  await page.screenshot({ path: test.info().outputPath("draft-after-reload.png") });

  // Discard, reload: gone.
  await dlg.getByRole("button", { name: "Discard changes" }).click();
  await page.keyboard.press("Escape");
  expect(await stored()).toBeNull();
  await reload();
  await expect(write).toHaveText("Write…");
  await write.click();
  await expect(dlg.getByLabel("Scenario title")).toHaveValue("Hello world: upload, apply, revert, unload");
  await expect(dlg.getByRole("status").filter({ hasText: "Your draft from before" })).toHaveCount(0);

  // Run it takes the draft with it, after a reload too.
  await dlg.getByLabel("Scenario title").fill("Run, not kept");
  expect(await stored()).not.toBeNull();
  await dlg.getByRole("button", { name: "Run it" }).click();
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("Run, not kept", { timeout: 30_000 });
  expect(await stored()).toBeNull();
  await reload();
  await expect(write).toHaveText("Write…");

  // What is read back is not trusted: a draft the validator refuses is removed and the page says why.
  await page.evaluate(() =>
    localStorage.setItem(
      "livepatch-lens.scenario-draft",
      JSON.stringify({ version: 1, draft: { title: 5, summary: "", image: "x86_64/xen-syms", payloads: [], cpus: 4, steps: [{ title: "", command: "cpus 99", explain: "", original: { knob: { cpus: 99 }, explain: "x" } }] } }),
    ),
  );
  await reload();
  const dropped = page.locator(".scn-panel").getByRole("status").filter({ hasText: "draft kept in this browser" });
  await expect(dropped).toHaveText(
    "The scenario draft kept in this browser could not be read, so it was dropped: title: must be a string; steps[0].original.knob.cpus: must be a whole number from 1 to 64.×",
  );
  expect(await stored()).toBeNull();
  await expect(write).toHaveText("Write…");
  await page.screenshot({ path: test.info().outputPath("draft-dropped.png") });
  await dropped.getByRole("button", { name: "Dismiss the note on the dropped draft" }).click();
  await expect(dropped).toHaveCount(0);
});

test("a dropped scenario file opens; a broken one is refused naming the field", async ({ page }) => {
  await page.goto("./");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.locator(".scn-panel")).toBeVisible();
  const drop = (name: string, text: string) =>
    page.evaluate(
      ([n, t]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], n, { type: "application/json" }));
        window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [name, text],
    );
  const broken = { format: "livepatch-lens-scenario", version: 1, id: "x", title: "X", image: "x86_64/xen-syms", payloads: [], steps: [{ knob: { stall: { cpu: 1 } }, explain: "e" }] };
  await drop("broken.json", JSON.stringify(broken));
  await expect(page.locator(".scn-problem")).toContainText("steps[0].knob.stall.ms: is missing");
  const catalogue = await (await page.request.get("./scenarios/nop-out.json")).text();
  await drop("nop-out.json", catalogue.replace('"id": "nop-out"', '"id": "nop-copy"'));
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("NOP-out", { timeout: 30_000 });
  // The inspector did not take the JSON for an ELF file.
  await expect(page.locator(".notice")).toHaveCount(0);
});
