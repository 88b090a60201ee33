// `livepatch-lens audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json|--markdown] FILE...`
// The plan runs through the simulated hypervisor: --applied payloads are on the host already (in
// the order given), FILE... are uploaded and applied in order, --replace is uploaded last and
// applied with REPLACE. Exit 0: accepted; 1: rejected (an unreadable file is a rejection); 2: usage.
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { runAudit, toJson, toMarkdown, toText, type AuditPlan, type PlanFile } from "../audit/index.ts";
import { nodeAuditHost } from "./auditHost.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";

export const AUDIT_USAGE = "usage: livepatch-lens audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json | --markdown] FILE...";

const HELP = `${AUDIT_USAGE}

Runs a plan through the simulated hypervisor and reports what Xen would accept, refuse and write.
  --xen IMAGE       the target xen-syms; without it a stand-in Xen is booted from the payloads'
                    own assumptions and the checks that need the real image are listed as info
  --applied FILE    a payload already uploaded and applied on the host (repeat, in order)
  --replace FILE    uploaded last and applied with REPLACE
  FILE...           uploaded and applied in the order given
  --json            { verdict, reason, findings: [ { id, severity, message, why, ... } ], ... }
  --markdown        a report for a review or a ticket
Exit status: 0 accept, 1 reject (a file that cannot be read is a rejection), 2 usage error.
`;

class UsageError extends Error {}

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

function options(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        xen: { type: "string" },
        applied: { type: "string", multiple: true },
        replace: { type: "string" },
        json: { type: "boolean" },
        markdown: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return { help: true as const };
    if (values.json && values.markdown) throw new UsageError("--json and --markdown exclude each other");
    if (positionals.length === 0 && !values.replace && !values.applied?.length) throw new UsageError("no payload FILE given");
    return { help: false as const, xen: values.xen ?? null, applied: values.applied ?? [], replace: values.replace ?? null, files: positionals, format: values.json ? "json" : values.markdown ? "markdown" : "text" };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}

export async function run(args: string[]): Promise<number> {
  let o: ReturnType<typeof options>;
  try {
    o = options(args);
  } catch (e) {
    process.stderr.write(`livepatch-lens audit: ${(e as Error).message} (${AUDIT_USAGE})\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
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
