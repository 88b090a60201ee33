// The CLI as the e2e specs' independent witness: what `livepatch-lens sim` prints for a script.
import { execSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const X86 = join(ROOT, "public/samples/x86_64");

/**
 * `livepatch-lens sim` on the x86-64 sample image, FILE names resolving in the samples folder, or
 * only among `files` (name → bytes) when given: its output, also when a command in the script
 * fails (the CLI then exits non-zero).
 */
export function simCli(lines: string[], files?: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), "lpl-sim-"));
  const script = join(dir, "script.txt");
  writeFileSync(script, lines.join("\n") + "\n");
  for (const [name, bytes] of Object.entries(files ?? {})) writeFileSync(join(dir, name), bytes);
  try {
    return execSync(`node ${JSON.stringify(join(ROOT, "src/cli/livepatch-lens.mjs"))} sim --xen ${JSON.stringify(join(X86, "xen-syms"))} ${JSON.stringify(script)} 2>&1`, { cwd: files ? dir : X86, encoding: "utf8" });
  } catch (e) {
    return (e as { stdout: string }).stdout;
  }
}
