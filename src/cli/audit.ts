// `livepatch-lens audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json|--markdown] FILE...`
// The plan runs through the simulated hypervisor: --applied payloads are on the host already (in
// the order given), FILE... are uploaded and applied in order, --replace is uploaded last and
// applied with REPLACE. Exit 0: accepted; 1: rejected (an unreadable file is a rejection); 2: usage.
import { readFileSync, statSync } from "node:fs";
import { runAudit, toJson, toMarkdown, toText, type AuditPlan, type PlanFile } from "../audit/index.ts";
import { nodeAuditHost } from "./auditHost.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";
import { parseCommand, usageError } from "./args.ts";
import { AUDIT } from "./commands.ts";

/** The file's bytes; a file that cannot be read becomes empty bytes plus the reason (never a crash). */
function readBytes(file: string): { bytes: Uint8Array; problem: string | null } {
  try {
    if (statSync(file).isDirectory()) return { bytes: new Uint8Array(0), problem: "is a directory" };
    return { bytes: new Uint8Array(readFileSync(file)), problem: null };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { bytes: new Uint8Array(0), problem: code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : `cannot read (${code ?? (e as Error).message})` };
  }
}

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
  const unreadable = new Map<string, string>();
  const load = (file: string, role: PlanFile["role"]): PlanFile => {
    const { bytes, problem } = readBytes(file);
    if (problem) unreadable.set(file, problem);
    return { file, bytes, role };
  };
  const plan: AuditPlan = {
    image: o.xen === null ? null : { file: o.xen, bytes: readBytes(o.xen).bytes },
    files: [...o.applied.map((f) => load(f, "applied")), ...o.files.map((f) => load(f, "apply")), ...(o.replace ? [load(o.replace, "replace")] : [])],
  };
  if (o.xen !== null) {
    const p = readBytes(o.xen).problem;
    if (p) unreadable.set(o.xen, p);
  }
  const engines = createSyncDisassembler(nodeEngines);
  const result = await runAudit(plan, await nodeAuditHost(), { unreadable, decoder: (machine) => decoderForMachine(engines, machine) });
  process.stdout.write(o.format === "json" ? toJson(result) : o.format === "markdown" ? toMarkdown(result) : toText(result));
  return result.verdict === "reject" ? 1 : 0;
}
