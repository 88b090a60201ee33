// A ConsoleTarget whose knobs, memory and log do nothing, for tests that script only the
// hypercalls they are about (GET, LIST, ACTION).
import type { ConsoleTarget } from "../target.ts";

export function inertTarget(): Omit<ConsoleTarget, "upload" | "get" | "list" | "action" | "advance" | "now"> {
  return {
    cpus: () => 4,
    setCpus: () => {},
    setCpuDelay: () => {},
    setHookResult: () => {},
    setHookMarks: () => {},
    injectNmi: () => {},
    scheduleNmi: () => {},
    readMemory: () => null,
    symbol: () => undefined,
    consoleLines: () => [],
    debugKeys: () => "",
    halted: () => false,
  };
}
