// The samples catalogue (public/samples/index.json) as the scenarios code needs it: each sample's
// path, kind, architecture and image, and nothing else. The page's sample menu fetches the whole
// file; bundling all of it (titles, summaries: ~4 KB gzip) would put it on the first screen.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const ID = "virtual:sample-catalogue";
const FILE = fileURLToPath(new URL("./public/samples/index.json", import.meta.url));

interface Entry {
  path: string;
  kind: string;
  arch: string;
  image: string | null;
}

export function sampleCatalogue(): Plugin {
  return {
    name: "livepatch-lens-sample-catalogue",
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      this.addWatchFile(FILE);
      const all = JSON.parse(readFileSync(FILE, "utf8")) as Entry[];
      return `export default ${JSON.stringify(all.map(({ path, kind, arch, image }) => ({ path, kind, arch, image })))};`;
    },
  };
}
