// One livepatch_func: every field with where its value comes from, the expectation block, the
// trampoline and the new code.
import { useMemo } from "react";
import type { ElfFile } from "../../elf/index.ts";
import type { LivepatchFunc, LivepatchModel } from "../../livepatch/index.ts";
import { useLens } from "../../state/store.ts";
import { bytesHex, hex } from "../format.ts";
import { NewCode } from "./NewCode.tsx";
import { OldNew } from "./OldNew.tsx";
import { useFileFindings } from "../audit/useFileFindings.ts";
import { PointerText, provenanceText } from "./PointerText.tsx";
import { Trampoline } from "./Trampoline.tsx";
import type { ImageContext } from "./useImageContext.ts";

function Expectation({ fn, ctx }: { fn: LivepatchFunc; ctx: ImageContext }) {
  const e = fn.expect;
  if (!e) return <p className="muted">No expectation block in this layout.</p>;
  if (!e.enabled) return <p>Expectation: disabled (Xen skips the check).</p>;
  const at = ctx.patch(fn.index);
  const actual = at && ctx.image ? ctx.readOld(at.oldAddr, e.len) : null;
  const same = actual ? actual.every((b, i) => b === e.expected[i]) : null;
  return (
    <div className="expect">
      <p>
        Expectation: enabled, {e.len} bytes{e.rsv !== 0 && <span className="bad"> · rsv = {e.rsv}: Xen refuses at APPLY (−EINVAL)</span>}
        {fn.oldSize < e.len && <span className="bad"> · longer than old_size: −ERANGE at APPLY</span>}
      </p>
      <p className="mono">expected: {bytesHex(e.expected) || "(nothing)"}</p>
      {actual && (
        <p className={`mono ${same ? "ok" : "bad"}`}>
          in {ctx.image?.name}: {bytesHex(actual)} {same ? "✓ matches" : "✗ differs: APPLY fails with −EINVAL"}
        </p>
      )}
    </div>
  );
}

function FuncFindings({ fileId, index }: { fileId: string; index: number }) {
  const audit = useFileFindings(fileId);
  const list = (audit.byFunc.get(index) ?? []).filter((f) => f.severity !== "info");
  if (list.length === 0) return null;
  return (
    <ul className="func-findings" aria-label="Audit findings for this function">
      {list.map((f, i) => (
        <li key={i} className={f.severity === "error" ? "bad" : "warn"}>
          <b>{f.severity}</b> <code>{f.id}</code>: {f.message}
        </li>
      ))}
    </ul>
  );
}

export function FuncCard({ fn, model, elf, fileId, ctx }: { fn: LivepatchFunc; model: LivepatchModel; elf: ElfFile; fileId: string; ctx: ImageContext }) {
  const selectBytes = useLens((s) => s.ui.selectBytes);
  // Memoised: the listing disassembles again whenever its bytes change identity.
  const newCode = useMemo(() => ctx.newCode(fn), [ctx, fn]);
  const ps = model.pointerSize;
  const name = ctx.label(fn);
  const num = (label: string, value: number, at: number, size: number, note?: string) => (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <button type="button" className="linkish mono" onClick={() => selectBytes({ fileId, offset: fn.offset + at, size, label: `${name}.${label}` })}>
          {value} <span className="muted">({hex(value)})</span>
        </button>
      </td>
      <td className="muted">{note ?? "value in the file"}</td>
    </tr>
  );
  const ptrRow = (label: string, f: LivepatchFunc["name"] | LivepatchFunc["newAddr"]) => (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <PointerText field={f} fileId={fileId} label={`${name}.${label}`} size={ps} elf={elf} />
        {label === "name" && fn.name.text !== null && <span className="mono"> = "{fn.name.text}"</span>}
      </td>
      <td className="muted">{provenanceText(f)}</td>
    </tr>
  );
  return (
    <article className="func-card" aria-label={`Function ${name}`}>
      <header>
        <h3>
          <span className="mono">{name}</span>
        </h3>
        <button type="button" className="small" onClick={() => selectBytes({ fileId, offset: fn.offset, size: fn.size, label: `livepatch_func ${fn.index} (${name})` })}>
          record #{fn.index} at {hex(fn.offset)} ({fn.size} bytes)
        </button>
      </header>
      <FuncFindings fileId={fileId} index={fn.index} />
      <Trampoline fn={fn} model={model} elf={elf} ctx={ctx} />
      <OldNew fn={fn} model={model} elf={elf} ctx={ctx} />
      <h4>Fields of the record</h4>
      <table className="plain fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Provenance</th>
          </tr>
        </thead>
        <tbody>
          {ptrRow("name", fn.name)}
          {ptrRow("new_addr", fn.newAddr)}
          {ptrRow("old_addr", fn.oldAddr)}
          {num("new_size", fn.newSize, ps * 3, 4)}
          {num("old_size", fn.oldSize, ps * 3 + 4, 4)}
          {num("version", fn.version, ps * 3 + 8, 1)}
          {fn.appliedByte !== null && num("applied", fn.appliedByte, ps === 8 ? 64 : 52, 1, fn.appliedByte ? "non-zero: 4.14–4.18.0 would skip this function" : "ignored by current Xen")}
        </tbody>
      </table>
      <Expectation fn={fn} ctx={ctx} />
      <NewCode fn={fn} model={model} where={newCode} standIn={ctx.standIn} image={ctx.names} elf={elf} nameAt={ctx.nameAt} />
    </article>
  );
}
