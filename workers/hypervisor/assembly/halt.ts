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
 * Prints Xen's panic banner on `cpu` (panic() in xen/drivers/char/console.c: a blank line, the
 * stars, "Panic on CPU N:", the message line by line, the stars, a blank line, then "Reboot in
 * five seconds...") and stops the host. `rule` names what brought it down (an
 * id from rules.ts, or -1); `explanation` is the simulator's own account, never printed.
 */
export function panic(cpu: i32, payload: string | null, message: string, rule: i32 = -1, explanation: string = ""): void {
  if (down) return;
  const stars = "****************************************";
  consoleLine(payload, "", LEVEL_NONE, cpu);
  consoleLine(payload, stars, LEVEL_NONE, cpu);
  consoleLine(payload, "Panic on CPU " + cpu.toString() + ":", LEVEL_NONE, cpu);
  const lines = message.split("\n");
  for (let i = 0; i < lines.length; i++) consoleLine(payload, lines[i], LEVEL_NONE, cpu);
  consoleLine(payload, stars, LEVEL_NONE, cpu);
  consoleLine(payload, "", LEVEL_NONE, cpu);
  consoleLine(payload, "Reboot in five seconds...", LEVEL_NONE, cpu);
  begin("panic", cpu, payload);
  fStr("message", message);
  if (rule >= 0) fStr("rule", ruleName(rule));
  fStr("explanation", explanation.length > 0 ? explanation : "the host has panicked; the simulation is halted and every later hypercall fails");
  end();
  down = true;
}

/** Stops the host without a banner: a state Xen reaches without a message, or one the simulator cannot go on from. */
export function halt(cpu: i32, payload: string | null, rule: i32, explanation: string): void {
  if (down) return;
  begin("panic", cpu, payload);
  fStr("message", "");
  if (rule >= 0) fStr("rule", ruleName(rule));
  fStr("explanation", explanation);
  end();
  down = true;
}
