// Scenario knobs. Each one types the simulator's own console command (cpus, stall, nmi, hook), so
// a session stays a script the CLI can replay; the action timeout is what the buttons ask for.
import { useState } from "react";

const HOOK_KINDS = ["preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;

function CpuSelect({ cpus, value, onChange, label }: { cpus: number; value: string; onChange(v: string): void; label: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
      {Array.from({ length: cpus }, (_, i) => (
        <option key={i} value={i}>
          CPU{i}
        </option>
      ))}
    </select>
  );
}

export function Knobs(props: {
  cpus: number;
  payloads: string[];
  selected: string | null;
  timeoutMs: number;
  onCommand(line: string): void;
  onTimeout(ms: number): void;
}) {
  const { cpus, payloads, selected, timeoutMs, onCommand, onTimeout } = props;
  const [n, setN] = useState(String(cpus));
  const [cpu, setCpu] = useState("1");
  const [ms, setMs] = useState("40");
  const [nmiCpu, setNmiCpu] = useState("1");
  const [nmiMs, setNmiMs] = useState("");
  const [nmiPath, setNmiPath] = useState("");
  const nmiLine = `nmi ${nmiCpu}${nmiMs.trim() ? ` ${nmiMs.trim()}` : ""}${nmiPath.trim() ? ` --path ${nmiPath.trim().replace(/\s+/g, "")}` : ""}`;
  const [hookPayload, setHookPayload] = useState<string>("");
  const [kind, setKind] = useState<(typeof HOOK_KINDS)[number]>("preapply");
  const [rc, setRc] = useState("-1");
  const hp = hookPayload || selected || payloads[0] || "";
  return (
    <form className="sim-knobs" aria-label="Scenario knobs" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>CPUs</legend>
        <input type="number" min={1} max={64} value={n} onChange={(e) => setN(e.target.value)} aria-label="Number of CPUs" />
        <button type="button" className="small" onClick={() => onCommand(`cpus ${n}`)}>
          Set
        </button>
      </fieldset>
      <fieldset>
        <legend>Stall</legend>
        <CpuSelect cpus={cpus} value={cpu} onChange={setCpu} label="CPU to stall" />
        <input type="number" min={0} step="0.1" value={ms} onChange={(e) => setMs(e.target.value)} aria-label="Stall for ms" />
        <span className="unit">ms</span>
        <button type="button" className="small" onClick={() => onCommand(`stall ${cpu} ${ms}`)}>
          Stall
        </button>
      </fieldset>
      <fieldset>
        <legend>NMI</legend>
        <CpuSelect cpus={cpus} value={nmiCpu} onChange={setNmiCpu} label="CPU to send an NMI" />
        <input type="number" min={0} step="0.1" value={nmiMs} onChange={(e) => setNmiMs(e.target.value)} aria-label="NMI after ms (empty: now)" placeholder="now" />
        <span className="unit">ms</span>
        <input type="text" value={nmiPath} onChange={(e) => setNmiPath(e.target.value)} aria-label="Functions the NMI handler runs" placeholder="do_nmi path" className="mono" size={14} />
        <button type="button" className="small" onClick={() => onCommand(nmiLine)} title={`Types: ${nmiLine}. With a delay the NMI arrives that long into the next rendezvous; a path names Xen functions its handler runs (a patched one is the torn-code hazard).`}>
          Send NMI
        </button>
      </fieldset>
      <fieldset>
        <legend>Hook returns</legend>
        <select value={hp} onChange={(e) => setHookPayload(e.target.value)} aria-label="Hook of payload">
          {payloads.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <select value={kind} onChange={(e) => setKind(e.target.value as (typeof HOOK_KINDS)[number])} aria-label="Hook kind">
          {HOOK_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <input type="number" value={rc} onChange={(e) => setRc(e.target.value)} aria-label="Hook return value" />
        <button type="button" className="small" disabled={!hp} onClick={() => onCommand(`hook ${hp} ${kind} ${rc}`)}>
          Set
        </button>
      </fieldset>
      <fieldset>
        <legend>Action timeout</legend>
        <input
          type="number"
          min={0}
          step="1"
          value={timeoutMs}
          onChange={(e) => onTimeout(Math.max(0, Number(e.target.value) || 0))}
          aria-label="Action timeout in ms"
        />
        <span className="unit">ms{timeoutMs === 30 ? " (xen-livepatch's)" : " (raw hypercall)"}</span>
      </fieldset>
    </form>
  );
}
