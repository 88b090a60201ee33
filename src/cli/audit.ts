// `livepatch-lens audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json|--markdown] FILE...`
// The plan runs through the simulated hypervisor: --applied payloads are on the host already (in
// the order given), FILE... are uploaded and applied in order, --replace is uploaded last and
// applied with REPLACE. Exit 0: accepted; 1: rejected (an unreadable file is a rejection); 2: usage.
import { runAudit, toJson, toMarkdown, toText, type AuditPlan, type PlanFile } from "../audit/index.ts";
import { unavailableHost } from "../audit/host.ts";
import { nodeAuditHost } from "./auditHost.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";
import { parseCommand, usageError } from "./args.ts";
import { AUDIT } from "./commands.ts";
import { readRegularFile } from "./readFile.ts";
import { jsonTerminalSafe, terminalSafe } from "./terminal.ts";

interface AuditArgs {
  xen: string | null;
  applied: string[];
  replace: string | null;
  files: string[];
  format: "json" | "markdown" | "text";
}

function auditArgs(args: string[]): AuditArgs | number {
  const parsed = parseCommand(AUDIT, args);
  if (!parsed.ok) return parsed.exitCode;
  const v = parsed.values;
  if (v.json && v.markdown) return usageError(AUDIT, "--json and --markdown exclude each other").exitCode;
  const applied = (v.applied as string[] | undefined) ?? [];
  const replace = typeof v.replace === "string" ? v.replace : null;
  if (parsed.positionals.length === 0 && replace === null && applied.length === 0) return usageError(AUDIT, "no payload FILE given").exitCode;
  return { xen: typeof v.xen === "string" ? v.xen : null, applied, replace, files: parsed.positionals, format: v.json ? "json" : v.markdown ? "markdown" : "text" };
}

export async function run(args: string[]): Promise<number> {
  const o = auditArgs(args);
  if (typeof o === "number") return o;
  // A file that cannot be read goes into the plan as empty bytes with the reason: runAudit makes
  // it the file-unreadable rejection, so the plan is never run without it.
  const unreadable = new Map<string, string>();
  const read = (file: string): Uint8Array => {
    const r = readRegularFile(file);
    if (r.problem !== null) unreadable.set(file, r.problem);
    return r.bytes ?? new Uint8Array(0);
  };
  const load = (file: string, role: PlanFile["role"]): PlanFile => ({ file, bytes: read(file), role });
  const plan: AuditPlan = {
    image: o.xen === null ? null : { file: o.xen, bytes: read(o.xen) },
    files: [...o.applied.map((f) => load(f, "applied")), ...o.files.map((f) => load(f, "apply")), ...(o.replace ? [load(o.replace, "replace")] : [])],
  };
  const engines = createSyncDisassembler(nodeEngines);
  // A host that cannot start is still an answer: runAudit() reports audit-incomplete (exit 1, a whole document).
  const host = await nodeAuditHost().catch((e: unknown) => unavailableHost(e));
  const result = await runAudit(plan, host, { unreadable, decoder: (machine) => decoderForMachine(engines, machine) });
  // The JSON may be printed on a terminal: DEL and C1 in its strings as \u escapes, as inspect --json.
  process.stdout.write(o.format === "json" ? jsonTerminalSafe(toJson(result)) : o.format === "markdown" ? terminalSafe(toMarkdown(result)) : terminalSafe(toText(result)));
  return result.verdict === "reject" ? 1 : 0;
}
