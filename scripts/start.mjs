// `npm start`: serves the production build (what users should run: fast, and with the
// Content-Security-Policy), building it first when any source is newer than dist/.
// `npm run dev` stays the development server. Options: --port N, --host ADDRESS.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" } } });

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const built = join(root, "dist", "index.html");
/** What the build reads; workers/hypervisor/build is its own output (the wasm). */
const SOURCES = ["src", "workers", "public", "index.html", "vite.config.ts", "package.json", "package-lock.json", "tsconfig.json"];
const SKIP = new Set([join(root, "workers", "hypervisor", "build"), join(root, "node_modules")]);

function newest(path) {
  if (SKIP.has(path)) return 0;
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function builtAt() {
  try {
    return statSync(built).mtimeMs;
  } catch {
    return -1;
  }
}

const sources = Math.max(...SOURCES.map((p) => newest(join(root, p))));
if (builtAt() < sources) {
  console.log(builtAt() < 0 ? "No build yet: building (npm run build)…" : "Sources changed since the last build: rebuilding (npm run build)…");
  const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
} else {
  console.log("dist/ is up to date with the sources.");
}

const { preview } = await import("vite");
const server = await preview({ root, preview: { open: false, ...(args.port ? { port: Number(args.port) } : {}), ...(args.host ? { host: args.host } : {}) } });
server.printUrls();
