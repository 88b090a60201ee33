// The audit's view of the simulated hypervisor (src/audit/host.ts) over the one wasm API, for the
// CLI (Node) and the page's audit worker alike: boot from a real image or the audit's stand-in,
// run each plan step to completion, and hand back what Xen said in typed events.
import type { AuditHost, HostStep, Placement, PlacedCode, SyntheticImage } from "../../../src/audit/index.ts";
import type { CheckFailedEvent, HypervisorApi, LoggedEvent, PanicEvent } from "../../../src/protocol/hypervisor.ts";
import { bootFromImage } from "./image.ts";

const CMD = { REVERT: 2, APPLY: 3, REPLACE: 4 } as const;
/** Past any deadline an action can have with the default 30 ms timeout. */
const SETTLE_NS = 100_000_000;
const PERM = { RX: 1, RW: 2, RO: 3 } as const;

function bootSynthetic(hv: HypervisorApi, img: SyntheticImage, cpus: number): void {
  hv.boot({ arch: img.arch, cpus, buildId: img.buildId.slice() });
  for (const s of img.symbols) hv.addSymbol({ name: s.name, addr: s.addr, size: s.size, kind: s.kind });
  hv.mapMemory(img.text.addr, img.text.bytes, PERM.RX);
  for (const p of img.pinned) hv.mapMemory(p.addr, p.bytes, PERM.RX);
  hv.initDone();
}

export type AuditImage = Parameters<AuditHost["boot"]>[0];

/** Boots `hv` as the target hypervisor `image` describes. */
export function bootAuditImage(hv: HypervisorApi, image: AuditImage, cpus: number): void {
  if ("real" in image) bootFromImage(hv, image.real, { cpus });
  else bootSynthetic(hv, image.synthetic, cpus);
}

/** `boot`: how to bring up the image (tests pass one that restores a booted snapshot). */
export function auditHostOver(hv: HypervisorApi, cpus = 4, boot: (image: AuditImage) => void | Promise<void> = (image) => bootAuditImage(hv, image, cpus)): AuditHost {
  let seen = 0;
  const since = (): LoggedEvent[] => {
    const all = hv.events();
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
  const step = (ret: number | null, events: LoggedEvent[], extra: Partial<HostStep> = {}): HostStep => {
    const failures = events.filter((e): e is CheckFailedEvent & LoggedEvent => e.kind === "check-failed");
    const panic = events.find((e): e is PanicEvent & LoggedEvent => e.kind === "panic");
    const console = events.flatMap((e) => (e.kind === "console" ? [e.line] : []));
    const states = events.flatMap((e) => (e.kind === "state" && e.payload !== null ? [{ payload: e.payload, state: e.state }] : []));
    return { ret, failures, console, states, ...(panic ? { panic } : {}), ...extra };
  };
  return {
    async boot(image) {
      await boot(image);
      seen = hv.events().length;
    },
    // A hypercall the host panicked inside never returns: its ret is null, whatever the wasm answered
    // (−ENOSYS, its word for "the host is down"). Only halted() tells a panic; a real −ENOSYS
    // (AArch64's SHT_REL) comes from a host that is still up.
    async upload(name, bytes) {
      const ret = hv.upload(name, bytes);
      return step(hv.halted() ? null : ret, since());
    },
    async action(name, cmd) {
      const ret = hv.action(name, CMD[cmd]);
      if (hv.halted()) return step(null, since());
      if (ret === 0) hv.advance(SETTLE_NS);
      const events = since();
      // Panicked after the hypercall returned, while the action ran: no GET is answered.
      if (ret !== 0 || hv.halted()) return step(ret, events);
      const g = hv.get(name);
      since();
      return step(ret, events, g.ret === 0 ? { state: g.state, statusRc: g.rc } : { state: 0 });
    },
    async placement(name): Promise<Placement | null> {
      const payload = hv.payload(name);
      const patches = hv.previewPatch(name);
      if (!payload || !patches) return null;
      const code: PlacedCode[] = [];
      for (const s of payload.sections) {
        if (s.region !== "text" || s.nobits || s.size === 0) continue;
        const bytes = hv.readMemory(BigInt(s.addr), s.size);
        if (bytes) code.push({ index: s.index, bytes });
      }
      return { payload, patches, code };
    },
    async halted() {
      return hv.halted();
    },
    async versionCalls() {
      return hv.xlInfo({ quiet: true });
    },
  };
}
