// The Map's edges never pass under a node they do not connect. The samples: hello world and
// replace_world stack on Xen, bye world on hello world, and all three patch xen_extra_version
// (fixtures/payloads/*.c), so bye world's box stands in the column between replace_world and the
// function it patches (QA: the edge ran beneath bye world and looked like bye's).
import { describe, expect, it } from "vitest";
import { fileLinks } from "../../state/links.ts";
import type { LoadedFile } from "../../state/files.ts";
import { loadedSample } from "../../state/test-support/loaded.ts";
import { buildGraph } from "./buildGraph.ts";
import { layoutGraph, NODE_H, NODE_W } from "./layout.ts";


const loaded = (path: string): LoadedFile => loadedSample(path);

/** Points along an SVG path of M, L and C commands (absolute), sampled by this test itself. */
function sample(d: string): [number, number][] {
  const out: [number, number][] = [];
  let at: [number, number] = [0, 0];
  for (const [, cmd, args] of d.matchAll(/([MLC])([^MLC]*)/g)) {
    const n = args.trim().split(/[\s,]+/).map(Number);
    if (cmd === "M") at = [n[0], n[1]];
    else if (cmd === "L") {
      for (let i = 1; i <= 50; i++) out.push([at[0] + ((n[0] - at[0]) * i) / 50, at[1] + ((n[1] - at[1]) * i) / 50]);
      at = [n[0], n[1]];
    } else {
      const [x1, y1, x2, y2, x, y] = n;
      for (let i = 0; i <= 100; i++) {
        const t = i / 100;
        const u = 1 - t;
        out.push([u * u * u * at[0] + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x, u * u * u * at[1] + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y]);
      }
      at = [x, y];
    }
  }
  return out;
}

function crossings(paths: string[]) {
  const files = paths.map(loaded);
  const data = buildGraph(files, fileLinks(files));
  const layout = layoutGraph(data);
  const hits: string[] = [];
  for (const p of layout.paths) {
    for (const box of layout.pos.values()) {
      if (box.node.id === p.e.from || box.node.id === p.e.to) continue;
      const inside = sample(p.d).some(([x, y]) => x > box.x && x < box.x + NODE_W && y > box.y && y < box.y + NODE_H);
      if (inside) hits.push(`${p.e.from} → ${p.e.to} (${p.e.kind}) under ${box.node.id}`);
    }
  }
  return { hits, edges: layout.paths.length, data };
}

describe("the Map's edges", () => {
  it("hello, bye and replace_world on xen-syms: no edge passes under a node it does not connect", () => {
    const { hits, edges, data } = crossings(["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch", "x86_64/xen_replace_world.livepatch"]);
    // bye world stands alone in the column between the others and xen_extra_version.
    const col = (id: string) => data.nodes.find((n) => n.id === id)!.column;
    expect(col("x86_64/xen_bye_world.livepatch")).toBe(2);
    expect(col("x86_64/xen_replace_world.livepatch")).toBe(1);
    expect(data.edges.some((e) => e.from === "x86_64/xen_replace_world.livepatch" && e.kind === "patches")).toBe(true);
    expect(edges).toBeGreaterThanOrEqual(7);
    expect(hits).toEqual([]);
  });

  it("the same files in another order, and with more payloads stacked beside them", () => {
    expect(crossings(["x86_64/xen_replace_world.livepatch", "x86_64/xen_bye_world.livepatch", "x86_64/xen-syms", "x86_64/xen_hello_world.livepatch"]).hits).toEqual([]);
    expect(crossings(["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch", "x86_64/xen_replace_world.livepatch", "x86_64/xen_nop.livepatch", "x86_64/xen_prepost_hooks.livepatch"]).hits).toEqual([]);
  });
});
