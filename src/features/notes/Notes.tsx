// ELF notes as readelf -n lists them, with the three build-id sections Xen reads called out.
import { describe } from "../../elf/index.ts";
import { useLens } from "../../state/store.ts";
import { bytesHex, hex } from "../format.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { usePick, useReveal } from "../inspector/usePick.ts";

export function Notes({ file, parsed }: ViewProps) {
  const { elf, livepatch: lp } = parsed;
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const setPick = useLens((s) => s.ui.pick);
  const selected = usePick(file.id, parsed, "notes")?.index ?? null;
  const selectNote = (i: number) => {
    const n = elf.notes[i];
    selectBytes({ fileId: file.id, offset: n.record.offset, size: n.record.size, label: `note ${n.name} in ${elf.sections[n.sectionIndex]?.name}` });
  };
  const select = (i: number) => {
    setPick(file.id, { view: "notes", index: i });
    selectNote(i);
  };
  useReveal(file.id, parsed, "notes", (t) => selectNote(t.index));
  const xenNotes = lp ? ([["own build-id", lp.buildId], ["depends", lp.depends], ["xen_depends", lp.xenDepends]] as const) : [];
  return (
    <div className="view notes">
      {lp && (
        <section aria-label="Build-id notes Xen reads">
          <h3>Build-id notes Xen reads</h3>
          <table className="plain">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Section</th>
                <th scope="col">Build-id</th>
                <th scope="col">Xen would say</th>
              </tr>
            </thead>
            <tbody>
              {xenNotes.map(([role, n]) => (
                <tr key={role}>
                  <th scope="row">{role}</th>
                  <td className="mono">{n?.section ?? "—"}</td>
                  <td className="mono">
                    {n ? (
                      <button type="button" className="linkish mono" onClick={() => selectBytes({ fileId: file.id, offset: n.offset, size: n.size, label: n.section })}>
                        {n.buildId ?? "(unreadable)"}
                      </button>
                    ) : (
                      <span className="bad">missing</span>
                    )}
                  </td>
                  <td>{n ? (n.rc === 0 ? "ok" : `rc ${n.rc}`) : "−EINVAL"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-label="All notes">
        <h3>All notes ({elf.notes.length})</h3>
        <table className="plain" role="grid" aria-label="Notes">
          <thead>
            <tr>
              <th scope="col">Section</th>
              <th scope="col">Owner</th>
              <th scope="col">Data size</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {elf.notes.map((n, i) => (
              <tr key={i} className={i === selected ? "selected" : undefined} onClick={() => select(i)} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && select(i)}>
                <td className="mono">{elf.sections[n.sectionIndex]?.name}</td>
                <td className="mono">{n.name}</td>
                <td className="mono">{hex(n.descsz, 8)}</td>
                <td>{describe.noteTypeName(n.name, n.type)}</td>
                <td className="mono wrap">{bytesHex(elf.bytes.subarray(n.desc.offset, n.desc.offset + n.desc.size), 64).replace(/ /g, "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
