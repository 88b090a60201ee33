// One `struct livepatch_func` of a payload, field by field: what the file holds (with the
// relocation that fills a pointer) and what the simulated Xen holds after upload. The field a
// step is about is marked.
import type { FuncField } from "../../scenarios/index.ts";
import type { LivepatchFunc, PointerField } from "../../livepatch/types.ts";
import { useLens } from "../../state/store.ts";
import { printable } from "../../elf/index.ts";
import { UNRESOLVED } from "../../livepatch/label.ts";

const hex = (v: bigint) => `0x${v.toString(16)}`;

function pointerText(p: PointerField): string {
  const t = p.target;
  const via = p.reloc ? `${p.reloc.typeName} → ` : "";
  if (t.kind === "null") return "0";
  if (t.kind === "absolute") return `${via}${hex(t.value)} (absolute)`;
  if (t.kind === "unresolved") return `${via}${UNRESOLVED}`;
  return `${via}${printable(t.symbol)}${t.addend ? `+${t.addend}` : ""}${t.defined ? "" : " (resolved by Xen)"}`;
}

function useFileFunc(payload: string, index: number): LivepatchFunc | null {
  return useLens((s) => {
    const f = s.files.list.find((x) => x.status === "ready" && x.parsed?.livepatch && x.name.replace(/\.[^.]*$/, "") === payload);
    return f?.parsed?.livepatch?.funcs[index] ?? null;
  });
}

export function FuncFields({ payload, func, field }: { payload: string; func: number; field: FuncField }) {
  const file = useFileFunc(payload, func);
  const live = useLens((s) => s.sim.payloads[payload]?.funcs[func] ?? null);
  const rows: { id: FuncField; label: string; file: string; xen: string }[] = [
    { id: "name", label: "name", file: file ? `"${file.name.text ?? "?"}"` : "…", xen: live?.name ?? "—" },
    { id: "new_addr", label: "new_addr", file: file ? pointerText(file.newAddr) : "…", xen: live?.newAddr ?? "—" },
    { id: "old_addr", label: "old_addr", file: file ? pointerText(file.oldAddr) : "…", xen: live?.oldAddr ?? "—" },
    { id: "new_size", label: "new_size", file: file ? String(file.newSize) : "…", xen: live ? String(live.newSize) : "—" },
    { id: "old_size", label: "old_size", file: file ? String(file.oldSize) : "…", xen: live ? String(live.oldSize) : "—" },
    { id: "version", label: "version", file: file ? String(file.version) : "…", xen: "" },
    {
      id: "expect",
      label: "expect",
      file: file?.expect ? (file.expect.enabled ? `len ${file.expect.len}: ${file.expect.dataHex.slice(0, file.expect.len * 2).replace(/(..)(?!$)/g, "$1 ")}` : "disabled") : "…",
      xen: "",
    },
  ];
  return (
    <table className="scn-func" aria-label={`${payload} function ${func}`}>
      <caption>
        <code>{payload}</code> .livepatch.funcs[{func}]
      </caption>
      <thead>
        <tr>
          <th>field</th>
          <th>in the file</th>
          <th>in Xen after upload</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className={r.id === field ? "scn-hot" : undefined} aria-current={r.id === field ? "true" : undefined}>
            <th scope="row">{r.label}</th>
            <td className="mono">{r.file}</td>
            <td className="mono">{r.xen}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
