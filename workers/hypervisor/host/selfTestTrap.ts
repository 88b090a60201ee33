// E2E builds and recovery tests only (never in what users serve): a fault injector around the
// wasm's exports. Armed, the next call into the simulator fails as a trap inside the wasm does (a
// WebAssembly.RuntimeError out of the call), so the host's and the page's recovery are tested end
// to end through an ordinary command. The wasm itself has no trap-on-request export.
import { ok, type Result } from "../../../src/protocol/result.ts";
import type { HypervisorOptions, WasmExports } from "./api.ts";
import { createHypervisorService } from "./service.ts";

export interface TrapSwitch {
  /** Pass as HypervisorOptions.wrapExports. */
  wrapExports: NonNullable<HypervisorOptions["wrapExports"]>;
  /** The next call into any instance traps (once). */
  arm(): void;
}

export function trapSwitch(): TrapSwitch {
  let armed = false;
  return {
    arm: () => {
      armed = true;
    },
    wrapExports: (exports: WasmExports) =>
      new Proxy(exports, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (armed) {
              armed = false;
              throw new WebAssembly.RuntimeError("unreachable (injected by the self-test)");
            }
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
  };
}

/** The hypervisor service whose next call, once armed, traps in its first call into the wasm. */
export function createTrappableService(module: WebAssembly.Module | Promise<WebAssembly.Module>) {
  const trap = trapSwitch();
  let armed = false;
  const service = createHypervisorService(module, {
    hypervisor: { wrapExports: trap.wrapExports },
    beforeCall() {
      if (!armed) return;
      armed = false;
      trap.arm();
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
