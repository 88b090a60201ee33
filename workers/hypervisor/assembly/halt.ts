// The host's fatal state. Xen's panic() never returns; here it freezes the simulation: no more
// rendezvous steps, and every later hypercall fails, so the UI can show what brought it down.
import { begin, end, fStr, consoleLine, LEVEL_NONE } from "./events";
import { ruleName } from "./rules";

let down: bool = false;

export function isHalted(): bool {
  return down;
}

export function resetHalt(): void {
  down = false;
}

/**
 * Prints Xen's panic banner on `cpu` and stops the host. `rule` names what brought it down (an
 * id from rules.ts, or -1); `explanation` is the simulator's own account, never printed.
 */
export function panic(cpu: i32, payload: string | null, message: string, rule: i32 = -1, explanation: string = ""): void {
  if (down) return;
  consoleLine(payload, "****************************************", LEVEL_NONE, cpu);
  consoleLine(payload, "Panic on CPU " + cpu.toString() + ":", LEVEL_NONE, cpu);
  consoleLine(payload, message, LEVEL_NONE, cpu);
  consoleLine(payload, "****************************************", LEVEL_NONE, cpu);
  begin("panic", cpu, payload);
  fStr("message", message);
  if (rule >= 0) fStr("rule", ruleName(rule));
  fStr("explanation", explanation.length > 0 ? explanation : "the host has panicked; the simulation is halted and every later hypercall fails");
  end();
  down = true;
}
