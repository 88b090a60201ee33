// A button with the timeout knob off xen-livepatch's 30 ms sends a raw ACTION hypercall. It is a
// step like any console command (one numbering): the host panicking during it is said without an
// rc (the state diagram's edge and the CPU lanes alike), and after a panic a raw action says the
// host is down since that step, never Error 38.
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";

test.use({ reducedMotion: "reduce", viewport: { width: 1280, height: 720 } });

test("raw actions after and during a panic: no −ENOSYS, the step that panicked named by its number", async ({ page }) => {
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_action_hooks.livepatch,x86_64/xen_hello_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  await type(page, "upload xen_hello_world xen_hello_world.livepatch");
  await type(page, "upload xen_action_hooks xen_action_hooks.livepatch");
  // The apply hook marks no function applied while returning 0: apply_payload() panics,
  // "partially applied payload", at the rendezvous after the hypercall returned 0.
  await type(page, "hook xen_action_hooks apply 0 none");
  await page.getByText("Scenario knobs").click();
  await page.getByRole("form", { name: "Scenario knobs" }).getByLabel("Action timeout in ms").fill("5");
  const log = page.getByTestId("console-output");

  await page.getByRole("radio", { name: /^xen_action_hooks/ }).click();
  await page.getByRole("group", { name: "Actions for xen_action_hooks" }).getByRole("button", { name: "Apply" }).click();
  await expect(log).toContainText(
    "# ACTION APPLY xen_action_hooks (timeout 5 ms) (raw hypercall)\nACTION APPLY xen_action_hooks timeout=5000000ns: hypercall returned 0\nGET after 60 ms: not asked: the host panicked while the action ran; see dmesg\n",
    { timeout: 20_000 },
  );
  await expect(page.getByText("host halted (panic)")).toBeVisible();
  // The CPU lanes say what the state diagram's edge says: the host panicked in this APPLY, on the
  // master (livepatch_do_action(), xen/common/livepatch.c), so no status rc and nothing in progress.
  const reason = "the host panicked while the action ran (livepatch: partially applied payload 'xen_action_hooks'!)";
  const caption = page.locator(".simulator .cpu-lanes .sim-caption");
  await expect(caption).toContainText(/APPLY of xen_action_hooks: 4 CPUs, deadline \+5\.00 ms → panic on CPU0 at \+[0-9.]+ ms: /);
  await expect(caption).toContainText(reason);
  await expect(caption).not.toContainText("in progress");
  await expect(caption).not.toContainText("EAGAIN");
  await expect(page.getByRole("img", { name: /^CPU lanes: / })).toHaveAttribute("aria-label", /^CPU lanes: CPU0 panicked \(was: patching with IRQs off\); CPU1 halted with the host/);
  await expect(page.locator(".state-diagram")).toContainText("panic");

  await page.getByRole("radio", { name: /^xen_hello_world/ }).click();
  await page.getByRole("group", { name: "Actions for xen_hello_world" }).getByRole("button", { name: "Apply" }).click();
  const down = "the host is down since the panic at step 4 (ACTION APPLY xen_action_hooks (timeout 5 ms)); nothing answers, see dmesg";
  await expect(log).toContainText(`# ACTION APPLY xen_hello_world (timeout 5 ms) (raw hypercall)\nACTION APPLY xen_hello_world timeout=5000000ns: ${down}\n`);
  // The console's own commands name the same step.
  await type(page, "list");
  await expect(log).toContainText(`# list\n(simulator) ${down}\n`);
  await expect(log).not.toContainText("-38");
  await expect(log).not.toContainText("Function not implemented");
});
