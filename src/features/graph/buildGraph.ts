// The picture's data: loaded images and payloads, the build-id edges between them, and the
// hypervisor functions each payload patches. Plain arrays built from the store's files; d3 only
// ever sees these copies. A hypervisor function belongs to the hypervisor a payload runs on, the
// audit's host for it (auditHosts): xen_extra_version of an x86 xen-syms and of an AArch64 one
// are two functions, and two payloads patch "the same function" only on the same host.
import type { FileLinks } from "../../state/links.ts";
import type { LoadedFile } from "../../state/store.ts";
import { funcLabel, heldOldAddr } from "../../livepatch/label.ts";
import { imageNameAt } from "../../elf/index.ts";
import { shortBuildId } from "../../livepatch/shortBuildId.ts";
import { auditHosts, hostArch, type HostPlan } from "../../state/auditHosts.ts";

export interface GraphNode {
  id: string;
  kind: "image" | "payload" | "function";
  label: string;
  sub: string;
  /** What the node's tooltip adds under its label: `sub` in full (a whole build-id). */
  detail: string;
  /** Column: images 0, payloads by stacking depth, functions last. */
  column: number;
  /** Functions: how many loaded payloads patch it (>1 stands out). */
  patchedBy: number;
  /** Functions, with payloads for several hypervisors loaded: the one it is in. */
  host?: string | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: "xen_depends" | "depends" | "patches" | "mismatch";
  label: string;
}

export interface GraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
  hiddenFunctions: number;
}

const MAX_FUNCTIONS = 60;

/** A host as the Map names it when there are several: its image's file and machine, or a stand-in. */
function hostLabel(h: HostPlan): string {
  const arch = hostArch(h);
  return `${h.image ? h.image.name : "stand-in Xen"}${arch ? ` (${arch})` : ""}`;
}

export function buildGraph(files: LoadedFile[], links: FileLinks): GraphData {
  const ready = files.filter((f) => f.parsed && (f.parsed.role === "image" || f.parsed.role === "payload"));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen = new Set<string>()): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 1;
    seen.add(id);
    const d = links.depends.get(id);
    const v = d && d.kind === "payload" ? depthOf(d.id, seen) + 1 : 1;
    depth.set(id, v);
    return v;
  };
  let maxDepth = 1;
  for (const f of ready) {
    const isImage = f.parsed!.role === "image";
    const col = isImage ? 0 : depthOf(f.id);
    maxDepth = Math.max(maxDepth, col);
    const bid = links.buildId.get(f.id);
    nodes.push({ id: f.id, kind: isImage ? "image" : "payload", label: f.name, sub: bid ? shortBuildId(bid) : "no build-id", detail: bid ? `build-id ${bid}` : "no build-id", column: col, patchedBy: 0 });
  }
  const hosts = auditHosts(files, links);
  const hostOf = new Map<string, number>();
  hosts.forEach((h, i) => h.files.forEach((f) => hostOf.set(f.id, i)));
  const fnCount = new Map<string, { name: string; host: number; count: number; payloads: string[] }>();
  for (const f of ready) {
    if (f.parsed!.role !== "payload") continue;
    const t = links.target.get(f.id);
    if (t?.status === "match") edges.push({ from: f.id, to: t.imageId, kind: "xen_depends", label: "xen_depends ✓" });
    else if (t?.status === "mismatch") {
      const image = ready.find((x) => x.parsed!.role === "image" && x.parsed!.elf.header.machine === f.parsed!.elf.header.machine);
      if (image) edges.push({ from: f.id, to: image.id, kind: "mismatch", label: "xen_depends ✗" });
    }
    const d = links.depends.get(f.id);
    if (d && d.kind === "payload") edges.push({ from: f.id, to: d.id, kind: "depends", label: "depends" });
    const host = hostOf.get(f.id) ?? 0;
    const imageElf = hosts[host]?.image?.parsed?.elf ?? null;
    for (const fn of f.parsed!.livepatch?.funcs ?? []) {
      // A nameless record (xen_nop patches by address) is called what the host's image calls the
      // address it holds, as the Functions view and the audit call it.
      const held = heldOldAddr(fn);
      const name = funcLabel(fn, imageElf && held !== null ? imageNameAt(imageElf, held) : null);
      const key = `${host}:${name}`;
      const e = fnCount.get(key) ?? { name, host, count: 0, payloads: [] };
      if (!e.payloads.includes(f.id)) {
        e.count++;
        e.payloads.push(f.id);
      }
      fnCount.set(key, e);
    }
  }
  // Contested functions first, so they are never the ones left out.
  const fns = [...fnCount.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name) || a.host - b.host);
  const several = hosts.length > 1;
  for (const e of fns.slice(0, MAX_FUNCTIONS)) {
    const id = `fn:${e.host}:${e.name}`;
    const host = several && hosts[e.host] ? hosts[e.host] : null;
    const what = e.count > 1 ? `patched by ${e.count} payloads` : "hypervisor function";
    const sub = host ? `${hostArch(host) ?? "?"} · ${what}` : what;
    nodes.push({ id, kind: "function", label: e.name, sub, detail: host ? `${what} in ${hostLabel(host)}` : what, column: maxDepth + 1, patchedBy: e.count, host: host ? hostLabel(host) : null });
    for (const p of e.payloads) edges.push({ from: p, to: id, kind: "patches", label: "" });
  }
  return { nodes, edges, hiddenFunctions: Math.max(0, fns.length - MAX_FUNCTIONS) };
}
