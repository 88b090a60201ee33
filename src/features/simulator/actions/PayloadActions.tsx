// Upload/Apply/Revert/Replace/Unload for the selected payload, enabled by its state at the cursor.
// Each button types the console command the user could have typed (so the transcript shows it);
// with a non-default timeout the action goes as a raw hypercall instead.
import type { NodeState } from "../../../simulator/derive.ts";
import type { ActionName, SimInput } from "../../../simulator/types.ts";
import { availability } from "./availability.ts";

const LABEL: Record<ActionName, string> = { UPLOAD: "Upload", APPLY: "Apply", REVERT: "Revert", REPLACE: "Replace", UNLOAD: "Unload" };

export function inputFor(action: ActionName, name: string, file: string | null, timeoutMs: number): SimInput {
  if (action === "UPLOAD") return { kind: "console", line: `upload ${name} ${file ?? ""}`.trim(), via: "button" };
  if (timeoutMs !== 30) return { kind: "action", name, cmd: action, timeoutNs: Math.round(timeoutMs * 1e6) };
  return { kind: "console", line: `${action.toLowerCase()} ${name}`, via: "button" };
}

export function PayloadActions(props: {
  name: string;
  state: NodeState;
  stack: readonly string[];
  file: string | null;
  inFlight: boolean;
  timeoutMs: number;
  onRun(input: SimInput): void;
}) {
  const { name, file, timeoutMs, onRun } = props;
  const list = availability(props);
  return (
    <div className="sim-actions" role="group" aria-label={`Actions for ${name}`}>
      {list.map(({ action, reason }) => (
        <span key={action} className="sim-action">
          <button
            type="button"
            className={`act act-${action.toLowerCase()}`}
            aria-disabled={reason ? "true" : undefined}
            aria-describedby={reason ? `why-${action}` : undefined}
            title={reason ?? `${action} ${name}${timeoutMs !== 30 && action !== "UPLOAD" ? ` (timeout ${timeoutMs} ms)` : ""}`}
            onClick={() => {
              if (!reason) onRun(inputFor(action, name, file, timeoutMs));
            }}
          >
            {LABEL[action]}
          </button>
          {reason && (
            <span id={`why-${action}`} className="sr-only">
              {reason}
            </span>
          )}
        </span>
      ))}
    </div>
  );
}
