// The .livepatch.funcs table: a list of functions and the selected one's card.
import { useLens } from "../../state/store.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { usePick, useReveal } from "../inspector/usePick.ts";
import { FuncCard } from "./FuncCard.tsx";
import { follow } from "../inspector/follow.ts";
import { useImageContext } from "./useImageContext.ts";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { patchKind } from "../../livepatch/label.ts";

/**
 * The list's Patch column: patchKind() in a word ("?" when an unresolved new_addr leaves it unknown),
 * or "BRK" when the simulated Xen writes AArch64's BRK #2 in place of a jump it cannot encode.
 */
const PATCH_WORD = { jump: "jump", nop: "NOP", unknown: "?" } as const;

/**
 * Why the audit's image is not this payload's. Each payload runs on a host booted from the image
 * its xen_depends names when that image is loaded, so this is a payload whose image is not.
 */
function mismatch(hasXenDepends: boolean): string {
  return hasXenDepends ? "(its build-id is not the one .livepatch.xen_depends names)" : "(the payload has no .livepatch.xen_depends to check it against)";
}

export function Functions({ file, parsed }: ViewProps) {
  const ctx = useImageContext(file, parsed);
  const model = ctx.model ?? parsed.livepatch;
  const picked = usePick(file.id, parsed, "functions")?.index ?? null;
  // A link selects no bytes of a function's own (the list shows the pick); the bytes it names, if any.
  useReveal(file.id, parsed, "functions", () => {});
  const selected = picked !== null && model && picked < model.funcs.length ? picked : model && model.funcs.length ? 0 : null;
  const setPick = useLens((s) => s.ui.pick);
  const selectBytes = useLens((s) => s.ui.selectBytes);
  if (!model) return <p className="view">Not a livepatch payload: no functions to patch.</p>;
  if (model.funcs.length === 0)
    return <p className="view">No <code>.livepatch.funcs</code> entries{model.hooks.length ? ": this payload only runs hooks (see Overview)." : "."}</p>;
  const funcs = model.funcs;
  const select = (i: number) => {
    setPick(file.id, { view: "functions", index: i });
    const f = funcs[i];
    selectBytes({ fileId: file.id, offset: f.offset, size: f.size, label: `livepatch_func ${i} (${ctx.label(f)})` });
  };
  const columns: Column[] = [
    { id: "name", header: "Function", width: "minmax(8ch, 1fr)", cell: (r) => ctx.label(funcs[r]) },
    { id: "kind", header: "Patch", width: "5ch", cell: (r) => (ctx.patch(funcs[r].index)?.trap ? <span className="bad">BRK</span> : PATCH_WORD[patchKind(funcs[r])]) },
    { id: "sizes", header: "old/new", width: "8ch", align: "right", cell: (r) => `${funcs[r].oldSize}/${funcs[r].newSize}` },
  ];
  const fn = selected !== null ? funcs[selected] : null;
  return (
    <div className="view functions">
      <div className="func-list">
        <p className="view-note">
          {funcs.length} function{funcs.length === 1 ? "" : "s"} in <code>{model.funcsSection}</code> ({model.layout} layout)
          {ctx.image ? (
            <>
              {" "}
              · against {ctx.image.name}
              {!ctx.matches && <span className="bad"> {mismatch(model.xenDepends !== null)}</span>}
              {ctx.pending && <span className="muted"> (resolving old addresses in the image…)</span>}
            </>
          ) : (
            <> · no image loaded</>
          )}
        </p>
        <VirtualTable
          label="Functions"
          columns={columns}
          rowCount={funcs.length}
          selected={selected}
          onSelect={select}
          onActivate={(i) => {
            // The replacement's code (its bytes in the payload); the record itself for a NOP-out.
            const f = funcs[i];
            const loc = ctx.newCode(f);
            follow(file.id, null, loc ? { offset: loc.section.dataOffset + loc.start, size: loc.size, label: `new code of ${ctx.label(f)}` } : { offset: f.offset, size: f.size, label: `livepatch_func ${i}` });
            document.querySelector<HTMLElement>(".func-detail .old-new")?.scrollIntoView({ block: "nearest" });
          }}
          rowHeight={26}
        />
      </div>
      <div className="func-detail">{fn && <FuncCard key={fn.index} fn={fn} model={model} elf={parsed.elf} fileId={file.id} ctx={ctx} />}</div>
    </div>
  );
}
