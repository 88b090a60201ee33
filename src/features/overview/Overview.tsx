// The first screen for a file: what it is, what it targets and depends on, what it will run, and
// every diagnostic. Each fact links to its bytes.
import { describe } from "../../elf/index.ts";
import { fileLinks } from "../../state/links.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";
import { notPayload, type NoteInfo } from "../../livepatch/index.ts";
import { counted, grouped, sizeText } from "../format.ts";
import { buildIdHex } from "../../elf/index.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { useReveal } from "../inspector/usePick.ts";
import { Diagnostics } from "./Diagnostics.tsx";
import { Replaces } from "./Replaces.tsx";
import { PointerText } from "../functions/PointerText.tsx";
import { PlacementFacts } from "./PlacementFacts.tsx";

function BuildId({ note, fileId, label }: { note: NoteInfo | null; fileId: string; label: string }) {
  const selectBytes = useLens((s) => s.ui.selectBytes);
  if (!note) return <span className="bad">missing</span>;
  return (
    <button type="button" className="linkish mono" onClick={() => selectBytes({ fileId, offset: note.offset, size: note.size, label: `${note.section} (${label})` })}>
      {note.buildId ?? `unreadable (Xen: ${note.rc})`}
    </button>
  );
}

export function Overview({ file, parsed }: ViewProps) {
  const files = useLens(selectFiles);
  const links = fileLinks(files);
  // Overview has no item to pick: a link to it selects only the bytes it names, if any.
  useReveal(file.id, parsed, "overview", () => {});
  const { elf, livepatch: lp } = parsed;
  const h = elf.header;
  const nameOf = (id: string) => files.find((f) => f.id === id)?.name ?? id;
  const target = links.target.get(file.id);
  const depends = links.depends.get(file.id);
  const imageBuildId = parsed.role === "image" ? buildIdHex(elf) : null;

  return (
    <div className="view overview">
      <dl className="facts">
        <dt>File</dt>
        <dd>
          <b>{file.name}</b> · {sizeText(elf.bytes.length)} · {describe.fileTypeName(h.type)} · {parsed.role}
        </dd>
        <dt>Target</dt>
        <dd>
          {describe.machineName(h.machine)} · ELF{h.elfClass} {h.littleEndian ? "little" : "big"}-endian
          {lp?.arch && <> · livepatch arch <b>{lp.arch}</b></>}
        </dd>
        {parsed.role === "image" && (
          <>
            <dt>Build-id</dt>
            <dd className="mono">{imageBuildId ?? <span className="bad">none (Xen without a build-id refuses payloads: −ENODATA)</span>}</dd>
            <dt>Symbols</dt>
            <dd>{grouped(elf.symbolTables.reduce((n, t) => n + t.count, 0))}</dd>
          </>
        )}
        {lp && (
          <>
            <dt>Layout</dt>
            <dd>
              {lp.layout ? (
                <>
                  <b>{lp.layout}</b> in <code>{lp.funcsSection}</code> · {counted(lp.funcs.length, "function")}
                </>
              ) : lp.funcsSection ? (
                <>
                  none: <code>{lp.funcsSection}</code> could not be read (see Diagnostics)
                </>
              ) : (
                "no .livepatch.funcs"
              )}
            </dd>
            <dt>Build-id</dt>
            <dd>
              <BuildId note={lp.buildId} fileId={file.id} label="this payload" />
            </dd>
            <dt>Depends</dt>
            <dd>
              <BuildId note={lp.depends} fileId={file.id} label="depends" />
              {depends && depends.kind !== "missing" && <span className="ok"> → {depends.kind === "image" ? "the hypervisor" : "payload"} {nameOf(depends.id)}</span>}
              {depends && depends.kind === "missing" && <span className="muted"> (no loaded file has this build-id)</span>}
            </dd>
            <dt>Xen depends</dt>
            <dd>
              <BuildId note={lp.xenDepends} fileId={file.id} label="xen_depends" />
              {target?.status === "match" && <span className="ok"> ✓ matches {nameOf(target.imageId)}</span>}
              {target?.status === "mismatch" && <span className="bad"> ✗ matches no loaded image: Xen would refuse this upload (−EINVAL)</span>}
              {target?.status === "no-image" && <span className="muted"> (load a xen-syms to check)</span>}
            </dd>
            <dt>Hooks</dt>
            <dd>
              {lp.hooks.length === 0
                ? "none"
                : lp.hooks.map((hk) => (
                    <div key={hk.kind} className="hook">
                      <b>{hk.kind}</b>:{" "}
                      {hk.entries.map((e, i) => (
                        <span key={i}>
                          {i > 0 && ", "}
                          <PointerText field={e.pointer} fileId={file.id} label={`hook ${hk.kind}[${i}]`} size={lp.pointerSize} elf={elf} />
                        </span>
                      ))}
                    </div>
                  ))}
            </dd>
            <dt>.modinfo</dt>
            <dd className="mono">{lp.modinfo ? lp.modinfo.display || "(empty)" : "none"}</dd>
            <PlacementFacts fileId={file.id} />
            {(lp.appendedSignature || lp.xenSignature) && (
              <>
                <dt>Signature</dt>
                <dd>{lp.appendedSignature ? "appended module signature (not checked by upstream Xen)" : ".note.Xen.signature (not checked by upstream Xen)"}</dd>
              </>
            )}
          </>
        )}
        {!lp && parsed.role !== "image" && (
          <>
            <dt>Livepatch</dt>
            <dd className={notPayload(elf).certain ? undefined : "warn"}>{notPayload(elf).sentence}</dd>
          </>
        )}
        <dt>Structure</dt>
        <dd>
          {counted(elf.sections.length, "section")}
          {elf.sections.length !== elf.header.shnum && elf.header.shnum !== 0 ? ` (e_shnum says ${elf.header.shnum}; the table could not be read whole)` : ""} · {counted(elf.symbolTables.reduce((n, t) => n + t.count, 0), "symbol")} ·{" "}
          {counted(elf.relocationTables.reduce((n, t) => n + t.count, 0), "relocation")} · {counted(elf.notes.length, "note")}
        </dd>
      </dl>
      {lp && <Replaces file={file} parsed={parsed} />}
      <Diagnostics fileId={file.id} items={[...elf.diagnostics, ...(lp?.diagnostics ?? [])]} />
    </div>
  );
}
