// E2E builds only (never in what users serve): a hypervisor service whose next call traps inside
// the wasm, as a simulator bug would, so the page's recovery from a trap is tested end to end
// through an ordinary command.
import { ok, type Result } from "../../../src/protocol/result.ts";
import { createHypervisorService } from "./service.ts";

export function createTrappableService(module: WebAssembly.Module | Promise<WebAssembly.Module>) {
  let armed = false;
  const service = createHypervisorService(module, {
    beforeCall(hv) {
      if (!armed) return;
      armed = false;
      hv.selfTestTrap();
    },
  });
  return {
    ...service,
    armSelfTestTrap: async (): Promise<Result<true>> => {
      armed = true;
      return ok(true);
    },
  };
}
