// The end of the simulated Xen's boot: what Xen does once, after the image is in memory and before
// any hypercall can arrive, and what later answers read instead of working out again. initDone()
// runs it once per boot (the host calls it when it has mapped the image; bootFromImage() in
// workers/hypervisor/host/image.ts), with the image's own page permissions:
//   - xen_build_init() (xen/common/version.c, an __initcall): finds the build-id note and sets
//     xen_build_id / xen_build_id_len, which XENVER_build_id (`xl info`) only reads afterwards.
import { imageAddrOf } from "../image";
import { runXen, RunContext, RunResult, OUTCOME_RETURNED, OUTCOME_CRASHED } from "./runner";
import { bootEpoch } from "./runtime";
import { unknownText } from "./xlinfo";

let doneEpoch: u32 = 0;
let buildInitRan = false;
let buildInitOk = false;
let buildInitDetail = "";

/** Whether initDone() ran for the current boot. */
export function bootDone(): bool {
  return doneEpoch == bootEpoch;
}

function quietRun(name: string): RunResult | null {
  const at = imageAddrOf(name);
  if (at == 0) return null;
  const c = new RunContext();
  c.quiet = true;
  return runXen(at, [], c);
}

/** The end of boot (see above); a second call for the same boot does nothing. */
export function initDone(): void {
  if (doneEpoch == bootEpoch) return;
  doneEpoch = bootEpoch;
  buildInitRan = false;
  buildInitOk = false;
  buildInitDetail = "";

  const b = quietRun("xen_build_init");
  if (b !== null) {
    buildInitRan = true;
    buildInitOk = b.outcome == OUTCOME_RETURNED;
    if (!buildInitOk) buildInitDetail = "xen_build_init() at boot: " + (b.outcome == OUTCOME_CRASHED ? b.message : unknownText(b));
  }
}

/** Whether xen_build_init() ran at boot and returned. */
export function buildInitReturned(): bool {
  return buildInitOk;
}

/** Why xen_build_init() gave no build-id at boot ("" when the image has none). */
export function buildInitWhy(): string {
  if (imageAddrOf("xen_build_init") == 0) return "";
  if (!bootDone()) return "the simulated boot did not finish (init_done() was not reached)";
  return buildInitRan ? buildInitDetail : "";
}
