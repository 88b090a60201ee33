// Exports of an audit: JSON (stable keys for CI), Markdown (for a review or a ticket) and the
// terminal text the CLI prints. All three list findings grouped by file, then by severity.
import { rcText } from "./context.ts";
import type { AuditResult, Finding, FindingSeverity } from "./types.ts";

const SEVERITIES: FindingSeverity[] = ["error", "warning", "info"];
const SET = "(whole set)";

export function toJson(result: AuditResult): string {
  return JSON.stringify(result, null, 2) + "\n";
}

function groups(result: AuditResult): { file: string; bySeverity: Map<FindingSeverity, Finding[]> }[] {
  const order = [...result.files.map((f) => f.file), SET];
  const map = new Map<string, Map<FindingSeverity, Finding[]>>(order.map((f) => [f, new Map()]));
  for (const f of result.findings) {
    const g = map.get(f.file ?? SET) ?? map.get(SET)!;
    const list = g.get(f.severity) ?? [];
    list.push(f);
    g.set(f.severity, list);
  }
  return order.filter((f) => map.get(f)!.size > 0).map((file) => ({ file, bySeverity: map.get(file)! }));
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.section) parts.push(f.section);
  if (f.func) parts.push(`func ${f.func.index}${f.func.name ? ` ${f.func.name}` : ""}`);
  if (f.offset !== undefined) parts.push(`@0x${f.offset.toString(16)}`);
  return parts.join(" ");
}

function counts(result: AuditResult): string {
  return SEVERITIES.map((s) => `${result.findings.filter((f) => f.severity === s).length} ${s}${s === "info" ? "" : "s"}`).join(", ");
}

function simulatorLine(result: AuditResult): string | null {
  const s = result.simulator;
  if (!s) return null;
  if (s.error) return `simulator: could not run (${s.error})`;
  const per = s.outcomes.map((o) => `${o.name}: upload ${rcText(o.upload ?? 0)}${o.upload === 0 ? `, apply ${o.apply === null ? "—" : rcText(o.apply)}` : ""}`).join("; ");
  return `simulator: ${s.agrees ? "agrees" : "DISAGREES"} (${per})${s.halted ? "; host halted" : ""}`;
}

export function toText(result: AuditResult): string {
  const out: string[] = [];
  const image = result.image ? ` against ${result.image.file} (build-id ${result.image.buildId ?? "none"})` : " without a hypervisor image";
  out.push(`verdict: ${result.verdict.toUpperCase()}${image}: ${counts(result)}`);
  const sim = simulatorLine(result);
  if (sim) out.push(sim);
  for (const d of result.simulator?.disagreements ?? []) out.push(`  ! ${d}`);
  for (const g of groups(result)) {
    out.push("", `${g.file}:`);
    for (const sev of SEVERITIES)
      for (const f of g.bySeverity.get(sev) ?? []) {
        const w = where(f);
        out.push(`  ${sev.padEnd(7)} ${f.id}${w ? ` [${w}]` : ""}: ${f.message}`);
        if (sev !== "info") out.push(`          why: ${f.why}`);
      }
  }
  return out.join("\n") + "\n";
}

const md = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function toMarkdown(result: AuditResult): string {
  const out: string[] = [];
  out.push(`# Livepatch audit: ${result.verdict === "accept" ? "ACCEPT" : "REJECT"}`, "");
  out.push(`- Hypervisor image: ${result.image ? `\`${result.image.file}\` (${result.image.arch ?? "?"}, build-id \`${result.image.buildId ?? "none"}\`)` : "none given (checks that need it are listed as info)"}`);
  out.push(`- Findings: ${counts(result)}`);
  const sim = simulatorLine(result);
  if (sim) out.push(`- ${sim.replace(/^simulator: /, "Simulator cross-check: ")}`);
  for (const d of result.simulator?.disagreements ?? []) out.push(`  - ${md(d)}`);
  out.push("", "## Payloads (upload order)", "", "| # | File | Build-id | Depends on | Functions | Hooks | Re-apply after revert | REPLACE |", "|---|---|---|---|---|---|---|---|");
  result.files.forEach((f, i) => {
    const fns = f.functions.map((x) => `${x.name ?? "?"} (${x.kind}, old_size ${x.oldSize})`).join(", ") || "—";
    const hooks = f.hooks.map((h) => `${h.kind}×${h.count}`).join(", ") || "—";
    const yn = (b: boolean | null) => (b === null ? "?" : b ? "yes" : "no");
    out.push(`| ${i + 1} | \`${md(f.file)}\` | ${f.buildId ? `\`${f.buildId.slice(0, 12)}…\`` : "—"} | ${f.dependsOn} | ${md(fns)} | ${hooks} | ${yn(f.safeToReapply)} | ${yn(f.replacePossible)} |`);
  });
  for (const g of groups(result)) {
    out.push("", `## ${md(g.file)}`);
    for (const sev of SEVERITIES) {
      const list = g.bySeverity.get(sev);
      if (!list) continue;
      out.push("", `### ${{ error: "Errors", warning: "Warnings", info: "Info" }[sev]}`, "");
      for (const f of list) {
        const w = where(f);
        out.push(`- **\`${f.id}\`**${w ? ` (${md(w)})` : ""}${f.rc !== undefined ? ` → ${rcText(f.rc)}` : ""}: ${md(f.message)}`);
        out.push(`  - Why: ${md(f.why)}`);
      }
    }
  }
  return out.join("\n") + "\n";
}
