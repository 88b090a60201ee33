// Which actions make sense for a payload at the cursor, and in words why not when they don't.
// The hypervisor would answer most of them anyway (the console still lets you try), but the
// buttons say up front what Xen's state machine allows.
import type { NodeState } from "../../../simulator/derive.ts";
import type { ActionName } from "../../../simulator/types.ts";

export const ACTION_ORDER: ActionName[] = ["UPLOAD", "APPLY", "REVERT", "REPLACE", "UNLOAD"];

export interface Availability {
  action: ActionName;
  /** null when the button is enabled. */
  reason: string | null;
}

export function availability(opts: { name: string; state: NodeState; stack: readonly string[]; file: string | null; inFlight: boolean }): Availability[] {
  const { name, state, stack, file, inFlight } = opts;
  const loaded = state === "CHECKED" || state === "APPLIED";
  const top = stack.length ? stack[stack.length - 1] : null;
  const busy = inFlight ? `an action on ${name} is still in progress` : null;
  const reasons: Record<ActionName, string | null> = {
    UPLOAD: loaded ? `${name} is already uploaded (${state})` : file ? null : `no file for ${name} is loaded in the page`,
    APPLY: !loaded ? `upload ${name} first` : state === "APPLIED" ? `${name} is already APPLIED` : busy,
    REVERT: !loaded
      ? `upload ${name} first`
      : state !== "APPLIED"
        ? `REVERT needs APPLIED; ${name} is ${state}`
        : top !== name
          ? `REVERT only the top of the applied stack: ${top}`
          : busy,
    REPLACE: !loaded ? `upload ${name} first` : state === "APPLIED" ? `${name} is already APPLIED` : busy,
    UNLOAD: !loaded ? `${name} is not uploaded` : state === "APPLIED" ? `UNLOAD needs CHECKED: revert ${name} first` : busy,
  };
  return ACTION_ORDER.map((action) => ({ action, reason: reasons[action] }));
}
