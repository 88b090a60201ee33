// Placeholder entry: the simulated hypervisor's API grows here (see the simulator issue).

/** Xen's livepatch payload version this simulated hypervisor accepts. */
export function payloadVersion(): i32 {
  return 2;
}
