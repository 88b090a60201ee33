// What the payload replaces, one row per livepatch_func: the old function (resolved against the
// image when one is loaded), what takes its place, the sizes, and what the audit says about it.
import type { Finding } from "../../audit/index.ts";
import type { LivepatchFunc } from "../../livepatch/index.ts";
import { useLens } from "../../state/store.ts";
import { useFileFindings } from "../audit/useFileFindings.ts";
import { heldOldAddr, targetText } from "../../livepatch/label.ts";
import { useImageContext, type ImageContext } from "../functions/useImageContext.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { usePlacement } from "../placement/usePlacement.ts";
import { hex } from "../format.ts";
import "./overview.css";

const MAX_ROWS = 200;

function Status({ findings, pending, error, refused }: { findings: Finding[]; pending: boolean; error: string | null; refused: string | null }) {
  if (error) return <span className="bad">audit failed</span>;
  if (pending) return <span className="muted">auditing…</span>;
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning");
  if (errors.length) return <span className="bad" title={errors.map((f) => f.message).join("\n")}>✗ {errors.map((f) => f.id).join(", ")}</span>;
  if (warnings.length) return <span className="warn" title={warnings.map((f) => f.message).join("\n")}>⚠ {warnings.map((f) => f.id).join(", ")}</span>;
  // Xen stopped before it placed the payload: the checks on a placed function never ran, so
  // no finding is not a clean bill.
  if (refused) return <span className="muted">not checked: Xen refused the upload ({refused})</span>;
  return <span className="ok">✓ no error or warning</span>;
}

function replacement(fn: LivepatchFunc): string {
  if (fn.newAddr.target.kind === "null") return `NOP-out of ${fn.newSize} byte${fn.newSize === 1 ? "" : "s"}`;
  return targetText(fn.newAddr.target);
}

/** Why a function has no old address from the simulated Xen, and what the image says instead. */
function unresolved(ctx: ImageContext, fn: LivepatchFunc): string {
  if (ctx.pending) return "(resolving…)";
  if (!ctx.notPlaced) return "(address resolved at upload)";
  const held = heldOldAddr(fn);
  if (held !== null) return `(upload refused; old_addr ${hex(held)} is in the file, no relocation)`;
  const sym = fn.name.text && ctx.image ? ctx.imageSymbol(fn.name.text) : null;
  const where = sym ? `; the symbol table of ${ctx.image!.name} has it at ${hex(sym.address)}` : "";
  return `(upload refused: no address from the simulated Xen${where})`;
}

export function Replaces({ file, parsed }: ViewProps) {
  const ctx = useImageContext(file, parsed);
  const audit = useFileFindings(file.id);
  const navigate = useLens((s) => s.ui.navigate);
  const { at } = usePlacement(file.id);
  const refusedBy = ctx.notPlaced ? (at?.findings.find((f) => f.severity === "error")?.id ?? "its first error") : null;
  const model = ctx.model ?? parsed.livepatch;
  if (!model || model.funcs.length === 0) return null;
  const shown = model.funcs.slice(0, MAX_ROWS);
  return (
    <section className="replaces" aria-label="What this payload replaces">
      <h3>Replaces</h3>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Old function</th>
            <th scope="col">Replaced by</th>
            <th scope="col" className="num">
              old / new bytes
            </th>
            <th scope="col">Audit</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((fn) => {
            const patch = ctx.patch(fn.index);
            const oldName = ctx.label(fn);
            return (
              <tr key={fn.index}>
                <td>
                  <button type="button" className="linkish mono" onClick={() => navigate(file.id, { view: "functions", index: fn.index })}>
                    {oldName}
                  </button>
                  {patch ? <span className="muted mono"> {hex(patch.oldAddr)}</span> : <span className="muted"> {unresolved(ctx, fn)}</span>}
                </td>
                <td className="mono">{replacement(fn)}</td>
                <td className="num mono">
                  {fn.oldSize} / {fn.newSize}
                </td>
                <td>
                  <Status findings={audit.byFunc.get(fn.index) ?? []} pending={audit.pending} error={audit.error} refused={refusedBy} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {model.funcs.length > MAX_ROWS && (
        <p className="muted">
          {model.funcs.length - MAX_ROWS} more in the Functions view.
        </p>
      )}
    </section>
  );
}
