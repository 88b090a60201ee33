// Which simulated host audits which loaded file. A payload whose .livepatch.xen_depends names a
// loaded image is audited on a host booted from that image, so payloads for two Xen builds are each
// judged against their own. Any other file (no xen_depends, a build-id no loaded image has, a plain
// object) goes to the first loaded image of its own machine; what is left (a file that could not
// be read, a machine no image has) to the host of the first payload that names a loaded image,
// else the first image, else the audit's stand-in Xen. Hosts come in the order their first file
// appears in the rail; files keep rail order within a host.
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
  const targetOf = (f: LoadedFile): LoadedFile | null => {
    const t = links.target.get(f.id);
    return t?.status === "match" ? (images.find((i) => i.id === t.imageId) ?? null) : null;
  };
  const sameMachine = (f: LoadedFile): LoadedFile | null => images.find((i) => f.parsed && i.parsed!.elf.header.machine === f.parsed.elf.header.machine) ?? null;
  const fallback = audited.map(targetOf).find((i) => i !== null) ?? images[0] ?? null;
  const hosts: HostPlan[] = [];
  for (const f of audited) {
    const image = targetOf(f) ?? sameMachine(f) ?? fallback;
    let host = hosts.find((h) => h.image === image);
    if (!host) hosts.push((host = { image, files: [] }));
    host.files.push(f);
  }
  return hosts;
}
