// Which simulated host audits which loaded file. A payload whose .livepatch.xen_depends names a
// loaded image is audited on a host booted from that image, so payloads for two Xen builds are each
// judged against their own. Any other file (no xen_depends, a build-id no loaded image has, a plain
// object) goes to the first loaded image of its own machine, else to the audit's stand-in Xen for
// its machine: an AArch64 payload is never judged by an x86 hypervisor it does not target. A file
// that could not be read goes to the first host. Hosts come in the order their first file appears
// in the rail; files keep rail order within a host.
import { fileLinks, roleOf } from "./links.ts";
import type { LoadedFile } from "./files.ts";

export interface HostPlan {
  /** The loaded image the host boots from; null: the audit's stand-in Xen. */
  image: LoadedFile | null;
  files: LoadedFile[];
}

/** Everything loaded that is not a hypervisor image is audited, a file that failed to load too. */
export function isAudited(f: LoadedFile): boolean {
  return f.parsed ? roleOf(f.parsed) !== "image" : f.status === "error";
}

export function auditHosts(files: LoadedFile[]): HostPlan[] {
  const audited = files.filter(isAudited);
  if (audited.length === 0) return [];
  const links = fileLinks(files);
  const images = files.filter((f) => f.parsed && roleOf(f.parsed) === "image");
  const machine = (f: LoadedFile) => f.parsed?.elf.header.machine ?? null;
  /** The image a file runs on, or the machine of its stand-in Xen; null: it has neither (unreadable). */
  const hostOf = (f: LoadedFile): LoadedFile | number | null => {
    const t = links.target.get(f.id);
    const named = t?.status === "match" ? images.find((i) => i.id === t.imageId) : undefined;
    return named ?? images.find((i) => machine(i) === machine(f)) ?? machine(f);
  };
  const hosts: (HostPlan & { key: LoadedFile | number })[] = [];
  const unplaced: LoadedFile[] = [];
  for (const f of audited) {
    const key = hostOf(f);
    if (key === null) {
      unplaced.push(f);
      continue;
    }
    let host = hosts.find((h) => h.key === key);
    if (!host) hosts.push((host = { key, image: typeof key === "number" ? null : key, files: [] }));
    host.files.push(f);
  }
  // A file nobody could read still has a plan to fail closed in: the first host's, else its own.
  if (unplaced.length) {
    if (hosts.length) hosts[0].files.push(...unplaced);
    else hosts.push({ key: -1, image: images[0] ?? null, files: unplaced });
  }
  return hosts.map(({ image, files: planned }) => ({ image, files: planned }));
}
