// The left rail: loaded files (payloads and images, with what each targets), then the samples.
import { useRef } from "react";
import { fileLinks, roleLabel, type FileLinks } from "../../state/links.ts";
import { shortBuildId } from "../../livepatch/index.ts";
import { fileArch } from "../../state/auditHosts.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { problemText } from "../../state/files.ts";
import { sizeText } from "../format.ts";
import { SampleMenu } from "./SampleMenu.tsx";
import { warmUpForFiles } from "./warmUp.ts";

/** Under an image: its machine and build-id, which tell two files both called xen-syms apart. */
function ImageLine({ f, links }: { f: LoadedFile; links: FileLinks }) {
  const bid = links.buildId.get(f.id);
  return (
    <span className="link muted" title={bid ? `build-id ${bid}` : undefined}>
      {fileArch(f)} · {bid ? `build-id ${shortBuildId(bid)}` : "no build-id"}
    </span>
  );
}

function TargetLine({ f, links, files }: { f: LoadedFile; links: FileLinks; files: LoadedFile[] }) {
  const t = links.target.get(f.id);
  if (!t || t.status === "unknown") return null;
  if (t.status === "match") {
    const image = files.find((x) => x.id === t.imageId);
    // With several images loaded, say which one (they are often all called xen-syms).
    const several = files.filter((x) => links.role.get(x.id) === "image").length > 1;
    return (
      <span className="link ok">
        targets {image?.name}
        {several ? ` (${fileArch(image)})` : ""} ✓
      </span>
    );
  }
  if (t.status === "mismatch")
    return (
      <span className="link bad" title={`xen_depends ${t.want}`}>
        targets no loaded image (build-id {shortBuildId(t.want)})
      </span>
    );
  return (
    <span className="link muted" title={`xen_depends ${t.want}`}>
      target build-id {shortBuildId(t.want)}
    </span>
  );
}

/**
 * A file that parsed only in part (a truncated payload, a section table past the end): its error
 * diagnostics, said in the rail like a file that did not parse at all, not only in the Overview.
 */
function ReadErrors({ f }: { f: LoadedFile }) {
  // The ELF reader's errors only: the livepatch decoder's are judgements on a file read whole.
  const errors = f.parsed!.elf.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return null;
  return (
    <span className="link bad" title={errors.map((d) => d.message).join("\n")}>
      read in part: {errors[0].message}
      {errors.length > 1 ? ` (+${errors.length - 1} more)` : ""}
    </span>
  );
}

function FileRow({ f, links, files, selected }: { f: LoadedFile; links: FileLinks; files: LoadedFile[]; selected: boolean }) {
  const selectFile = useLens((s) => s.ui.selectFile);
  const { cancel, unload } = useLens.getState().files;
  const role = links.role.get(f.id);
  return (
    <li className={`file ${selected ? "selected" : ""} ${f.status}`}>
      <button type="button" className="file-main" aria-current={selected ? "true" : undefined} onClick={() => selectFile(f.id)}>
        <span className={`badge ${role ?? f.status}`}>{f.parsed ? roleLabel(f.parsed) : f.status === "parsing" ? "…" : f.status}</span>
        <span className="file-name">{f.name}</span>
        <span className="file-size">{f.size ? sizeText(f.size) : ""}</span>
      </button>
      <div className="file-sub">
        {f.status === "parsing" && (
          <>
            <progress value={f.progress ?? undefined} max={1} aria-label={`Parsing ${f.name}`} />
            <button type="button" className="small" onClick={() => cancel(f.id)}>
              Cancel
            </button>
          </>
        )}
        {f.status === "error" && f.problem && <span className="link bad">{problemText(f.name, f.problem)}</span>}
        {f.status === "cancelled" && <span className="link muted">cancelled</span>}
        {f.status === "ready" && f.parsed && <ReadErrors f={f} />}
        {f.status === "ready" && role === "payload" && <TargetLine f={f} links={links} files={files} />}
        {f.status === "ready" && role === "image" && <ImageLine f={f} links={links} />}
        {f.status !== "parsing" && (
          <button type="button" className="small ghost" aria-label={`Close ${f.name}`} onClick={() => unload(f.id)}>
            close
          </button>
        )}
      </div>
    </li>
  );
}

export function FileRail() {
  const files = useLens(selectFiles);
  const selectedId = useLens((s) => s.ui.selectedFileId);
  const input = useRef<HTMLInputElement>(null);
  const links = fileLinks(files);
  return (
    <aside className="rail">
      <section aria-label="Loaded files">
        <div className="rail-head">
          <h2>Files</h2>
          <button
            type="button"
            onClick={() => {
              warmUpForFiles();
              input.current?.click();
            }}
          >
            Open files…
          </button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Open payloads or hypervisor images"
            onChange={(e) => {
              if (e.target.files) void useLens.getState().files.loadUser(Array.from(e.target.files));
              e.target.value = "";
            }}
          />
        </div>
        {files.length === 0 ? (
          <p className="hint">Drop, paste or open payloads and a xen-syms, or pick a sample below.</p>
        ) : (
          <ul className="files">
            {files.map((f) => (
              <FileRow key={f.id} f={f} links={links} files={files} selected={f.id === selectedId} />
            ))}
          </ul>
        )}
      </section>
      <SampleMenu />
    </aside>
  );
}
