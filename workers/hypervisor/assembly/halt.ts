// The host's fatal state. Xen's panic() never returns; here it freezes the simulation: no more
// rendezvous steps, and every later hypercall fails, so the UI can show what brought it down.
import { Ev, emit, consoleLine } from "./events";

let down: bool = false;

export function isHalted(): bool {
  return down;
}

export function resetHalt(): void {
  down = false;
}

/** Prints Xen's panic banner on `cpu` and stops the host. */
export function panic(cpu: i32, payload: string | null, message: string): void {
  if (down) return;
  consoleLine(payload, "****************************************", 0, false);
  consoleLine(payload, "Panic on CPU " + cpu.toString() + ":", 0, false);
  consoleLine(payload, message, 0, false);
  consoleLine(payload, "****************************************", 0, false);
  const e = new Ev("panic");
  e.cpu = cpu;
  e.payload = payload;
  e.line = message;
  e.note = "the host has panicked; the simulation is halted and every later hypercall fails";
  emit(e);
  down = true;
}
