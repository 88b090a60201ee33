// Exports of an audit: JSON (stable keys for CI), Markdown (for a review or a ticket) and the
// terminal text the CLI prints. All three list findings grouped by file, then by severity.
import { escapeName } from "../livepatch/index.ts";
import { rcText } from "./context.ts";
import { rollbackText } from "./rollback.ts";
import type { AuditResult, Finding, FindingSeverity } from "./types.ts";

const SEVERITIES: FindingSeverity[] = ["error", "warning", "info"];
const SET = "(whole set)";

export function toJson(result: AuditResult): string {
  // A placement's code is the file's own sections relocated: bytes for the page's disassembly, not
  // for a report (they would be a JSON object of numbers per byte).
  const files = result.files.map((f) => (f.placement ? { ...f, placement: { payload: f.placement.payload, patches: f.placement.patches } } : f));
  return JSON.stringify({ ...result, files }, null, 2) + "\n";
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
  if (f.func) parts.push(`func ${f.func.index}${f.func.name ? ` ${escapeName(f.func.name)}` : ""}`);
  if (f.offset !== undefined) parts.push(`@0x${f.offset.toString(16)}`);
  return parts.join(" ");
}

function counts(result: AuditResult): string {
  return SEVERITIES.map((s) => {
    const n = result.findings.filter((f) => f.severity === s).length;
    return `${n} ${s}${s === "info" || n === 1 ? "" : "s"}`;
  }).join(", ");
}

const ROLE_WORD: Record<string, string> = { applied: "on the host", apply: "apply", upload: "upload only", replace: "REPLACE" };

/**
 * A step whose hypercall never returned (`ret` null: the host panicked inside it), in every view:
 * the text and Markdown reports and the page's Audit panel. No rc, for Xen gave none.
 */
export const NO_RETURN = "hypercall never returned: the host panicked during it";

function stepLine(st: AuditResult["steps"][number]): string {
  const op = st.op.toUpperCase();
  if (st.ret === null) return `${op} ${st.name}: ${NO_RETURN}`;
  if (st.op === "upload") return `${op} ${st.name}: ${rcText(st.ret)}`;
  const after = st.ret === 0 && st.state !== undefined ? `; then ${st.state === 2 ? "APPLIED" : st.state === 1 ? "CHECKED" : "gone"}, status rc ${rcText(st.statusRc ?? 0)}` : "";
  return `${op} ${st.name}: hypercall ${rcText(st.ret)}${after}${st.panic !== undefined ? "; the host panicked" : ""}`;
}

function planLine(result: AuditResult): string {
  return result.files.map((f) => `${f.name} (${ROLE_WORD[f.role] ?? f.role})`).join(", ");
}

export function toText(result: AuditResult): string {
  const out: string[] = [];
  const image = result.image ? ` against ${result.image.file} (${result.image.arch ?? "not read"}, build-id ${result.image.buildId ?? "none"})` : " without a hypervisor image (a stand-in Xen built from the payloads' assumptions)";
  out.push(`verdict: ${result.verdict.toUpperCase()}${image}: ${counts(result)}`);
  if (result.reason) out.push(`reason: ${result.reason}`);
  out.push(`plan: ${planLine(result)}`);
  for (const st of result.steps) out.push(`  ${stepLine(st)}`);
  for (const st of result.rollback.steps) out.push(`  ${stepLine(st)}`);
  out.push(`  ${rollbackText(result.rollback)}`);
  if (result.halted) out.push("  the simulated host halted (panic)");
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

/** Text for a Markdown line or table cell: pipes escaped, one line, no raw HTML from file names. */
const md = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\n/g, " ");

/** `s` as a code span that any backticks in it cannot close early (CommonMark: a longer fence). */
function code(s: string): string {
  const flat = s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = longest > 0 ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function toMarkdown(result: AuditResult): string {
  const out: string[] = [];
  out.push(`# Livepatch audit: ${result.verdict === "accept" ? "ACCEPT" : "REJECT"}`, "");
  out.push(`- Hypervisor image: ${result.image ? `${code(result.image.file)} (${result.image.arch ?? "not read"}, build-id ${code(result.image.buildId ?? "none")})` : "none given (checks that need it are listed as info)"}`);
  out.push(`- Findings: ${counts(result)}`);
  if (result.reason) out.push(`- Reason: ${md(result.reason)}`);
  for (const a of result.assumptions) out.push(`- Assumed: ${md(a)}`);
  out.push("", "## Plan, as the simulated hypervisor ran it", "", "| # | File | Role | Text at | Functions | Re-apply after revert |", "|---|---|---|---|---|---|");
  result.files.forEach((f, i) => {
    const p = f.placement;
    const fns = p ? p.patches.map((x) => `${x.name ? escapeName(x.name) : "?"} @ ${x.oldAddr} (${x.viaHook ? "by its apply hook" : x.bytes ? `writes ${x.bytes} at ${x.addr}` : "writes nothing"})`).join(", ") || "—" : "not uploaded";
    out.push(`| ${i + 1} | ${code(f.file)} | ${ROLE_WORD[f.role] ?? f.role} | ${p ? `\`${p.payload.regions.text.addr}\`` : "—"} | ${md(fns)} | ${p ? (p.payload.safeToReapply ? "yes" : "no") : "?"} |`);
  });
  out.push("", "Steps:", "");
  for (const st of result.steps) out.push(`- ${md(stepLine(st))}`);
  for (const st of result.rollback.steps) out.push(`- ${md(stepLine(st))}`);
  out.push("", md(rollbackText(result.rollback)));
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
