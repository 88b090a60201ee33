// Virtual time in nanoseconds. Only the simulation advances it, so runs are reproducible.
let nowNs: u64 = 0;

export function clockNow(): u64 {
  return nowNs;
}

export function clockSet(ns: u64): void {
  nowNs = ns;
}

export function clockAdvance(ns: u64): void {
  nowNs += ns;
}
