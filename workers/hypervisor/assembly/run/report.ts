// The events a run of code reports: its counters as fields of the event that owns the run (a hook
// event, a run event), `run-stop` when its outcome is unknown, and `run` for a function called from
// the console (`call`, `xl info`).
import { begin, end, fStr, fU64, fAddr, fBytes, fStrOrNull } from "../events";
import { RunResult, OUTCOME_NAMES, OUTCOME_RETURNED } from "./runner";

/** The `run-stop` event: why a run's outcome is unknown. */
export function runStopEvent(r: RunResult, cpu: i32, payload: string | null, fn: u64): void {
  begin("run-stop", cpu, payload);
  fStr("reason", r.reason);
  fAddr("fn", fn);
  fAddr("pc", r.pc);
  if (r.bytes.length > 0) fBytes("bytes", r.bytes);
  fStrOrNull("mnemonic", r.mnemonic.length > 0 ? r.mnemonic : null);
  if (r.message.length > 0) fStr("detail", r.message);
  end();
}

/** The run's counters as fields of the event being written. */
export function runFields(r: RunResult): void {
  fU64("instructions", r.insns);
  fU64("calls", r.calls);
  fU64("faults", r.faults);
  fU64("fixups", r.fixups);
  fU64("services", r.services);
}

/** A `run` event: `fn` (a name) at `addr` was called `via` the console's call or xl info. */
export function runEvent(r: RunResult, cpu: i32, fn: string, addr: u64, via: string): void {
  begin("run", cpu, null);
  fStr("fn", fn);
  fAddr("addr", addr);
  fStr("via", via);
  fStr("outcome", OUTCOME_NAMES[r.outcome]);
  if (r.outcome == OUTCOME_RETURNED) fAddr("value", r.value);
  runFields(r);
  end();
}
