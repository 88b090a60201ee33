// Which simulated host audits which loaded file. A payload whose .livepatch.xen_depends names a
// loaded image is audited on a host booted from that image, so payloads for two Xen builds are each
// judged against their own. Any other file (no xen_depends, a build-id no loaded image has, a plain
// object) goes to the first loaded image of its own machine, else to the first loaded image: the
// question is whether the Xen the user loaded accepts it, and `audit --xen IMAGE` judges every file
// by that image too, so an x86-64 payload beside only an AArch64 xen-syms gets that Xen's refusal
// (−EOPNOTSUPP), as in the CLI, not a stand-in's acceptance. Only with no image loaded does a file
// go to the audit's stand-in Xen for its machine, one per machine. A file the page could not parse
// goes to the first host. Hosts come in the order their first file appears in the rail; files keep
// rail order within a host.
import type { PlanRole } from "../audit/index.ts";
// Not through the audit barrel: its rule table (src/audit/rules.ts, built by calls, so never
// tree-shaken) would join the first screen's JavaScript, 8 KB gzip the first screen does not use.
import { standInArch } from "../audit/synthetic.ts";
import { machineLabel, xenMachine } from "../livepatch/index.ts";
import type { PlanSource } from "../services/auditClient.ts";
import { fileLinks, roleOf, type FileLinks } from "./links.ts";
import { problemText, type LoadedFile } from "./files.ts";

export interface HostPlan {
  /** The loaded image the host boots from; null: the audit's stand-in Xen. */
  image: LoadedFile | null;
  files: LoadedFile[];
}

/**
 * The machine of a loaded file in the words every view uses (the rail under an image, the Map's and
 * the drawer's image hosts) and the CLI's audit reports: machineLabel(); null while the file has not
 * been parsed.
 */
export function fileArch(f: LoadedFile | null | undefined): string | null {
  const machine = f?.parsed?.elf.header.machine;
  return machine === undefined ? null : machineLabel(machine);
}

/** Everything loaded that is not a hypervisor image is audited, a file that failed to load too. */
export function isAudited(f: LoadedFile): boolean {
  return f.parsed ? roleOf(f.parsed) !== "image" : f.status === "error";
}

/**
 * `links` are the files' own links (fileLinks(files)): a caller that already holds them (the Map)
 * passes them in, so hosts are read from the same links it draws.
 */
export function auditHosts(files: LoadedFile[], links: FileLinks = fileLinks(files)): HostPlan[] {
  const audited = files.filter(isAudited);
  if (audited.length === 0) return [];
  const images = files.filter((f) => f.parsed && roleOf(f.parsed) === "image");
  // As Xen reads it (xenMachine()): an AArch64 payload marked big-endian is still AArch64 to Xen.
  const machine = (f: LoadedFile) => (f.parsed ? xenMachine(f.parsed.elf) : null);
  /** The image a file runs on, or the machine of its stand-in Xen; null: it has neither (not parsed). */
  const hostOf = (f: LoadedFile): LoadedFile | number | null => {
    const t = links.target.get(f.id);
    const named = t?.status === "match" ? images.find((i) => i.id === t.imageId) : undefined;
    const m = machine(f);
    if (m === null) return null;
    return named ?? images.find((i) => machine(i) === m) ?? images[0] ?? m;
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
  // A file the page could not parse still has a plan to be uploaded in: the first host's, at its
  // place in the rail (the CLI uploads its files in the order given), else a host of its own.
  if (unplaced.length) {
    if (hosts.length) {
      const rail = (f: LoadedFile) => audited.indexOf(f);
      hosts[0].files = [...hosts[0].files, ...unplaced].sort((a, b) => rail(a) - rail(b));
    } else hosts.push({ key: -1, image: images[0] ?? null, files: unplaced });
  }
  return hosts.map(({ image, files: planned }) => ({ image, files: planned }));
}

/**
 * The machine of a host's simulated Xen, as its name says it: its image's (fileArch()); for a
 * stand-in, the one the audit boots it as from the same files (standInArch(): the first file for a
 * machine Xen livepatches, else x86-64), so a stand-in for files that are not ELF, or are for
 * another machine, is x86-64 as in the audit. Null only for an image that has not been parsed.
 */
export function hostArch(host: HostPlan): string | null {
  if (host.image) return fileArch(host.image);
  return standInArch(host.files.flatMap((f) => (f.parsed ? [xenMachine(f.parsed.elf)] : [])));
}

/**
 * A file is handed over with its bytes whenever the page has them, parsed or not: the audit reads
 * and uploads them as `livepatch-lens audit` does, so an empty file or a PNG gets Xen's own refusal
 * (and the reader's file-unreadable with its offset), as in the CLI. Only a file whose bytes never
 * arrived (a read that failed, a sample that could not be fetched) goes as unreadable, with why.
 */
export function planInput(f: LoadedFile, role: PlanRole): PlanSource {
  const bytes = f.source ?? f.parsed?.elf.bytes ?? null;
  if (bytes) return { file: f.name, bytes, role };
  return { file: f.name, bytes: new Uint8Array(0), role, problem: f.problem ? problemText(f.name, f.problem) : `its bytes did not reach the page (${f.status})` };
}
