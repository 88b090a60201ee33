// How loaded files relate: which image a payload targets (xen_depends == image build-id), and
// what each payload stacks on (depends == an image's or another payload's build-id).
import { buildIdHex } from "../elf/index.ts";
import { ET_EXEC, ET_REL } from "../elf/constants.ts";
import type { ParsedFile } from "./parsedFile.ts";
import type { LoadedFile } from "./files.ts";

export type Role = "payload" | "image" | "other";

/** ET_EXEC is an image; ET_REL with livepatch sections is a payload (the parse worker decides). */
export function roleOf(parsed: ParsedFile): Role {
  if (parsed.role === "other" && parsed.elf.header.type === ET_EXEC) return "image";
  return parsed.role;
}

/** What the rail calls a file: "object" for a relocatable without livepatch sections. */
export function roleLabel(parsed: ParsedFile): string {
  const r = roleOf(parsed);
  return r === "other" ? (parsed.elf.header.type === ET_REL ? "object" : "other") : r;
}

export type TargetLink =
  | { status: "match"; imageId: string }
  | { status: "mismatch"; want: string }
  | { status: "no-image"; want: string }
  | { status: "unknown" };

export type DependsLink = { kind: "image" | "payload"; id: string; want: string } | { kind: "missing"; want: string } | null;

export interface FileLinks {
  role: Map<string, Role>;
  /** The file's own build-id (payload: .note.gnu.build-id; image: its GNU build-id note). */
  buildId: Map<string, string | null>;
  target: Map<string, TargetLink>;
  depends: Map<string, DependsLink>;
}

const cache = new WeakMap<LoadedFile[], FileLinks>();

export function fileLinks(files: LoadedFile[]): FileLinks {
  const hit = cache.get(files);
  if (hit) return hit;
  const ready = files.filter((f) => f.parsed);
  const role = new Map<string, Role>();
  const buildId = new Map<string, string | null>();
  for (const f of ready) {
    const r = roleOf(f.parsed!);
    role.set(f.id, r);
    buildId.set(f.id, r === "payload" ? (f.parsed!.livepatch?.buildId?.buildId ?? null) : buildIdHex(f.parsed!.elf));
  }
  const images = ready.filter((f) => role.get(f.id) === "image");
  const byBuildId = new Map<string, LoadedFile>();
  for (const f of ready) {
    const id = buildId.get(f.id);
    if (id && !byBuildId.has(id)) byBuildId.set(id, f);
  }
  const target = new Map<string, TargetLink>();
  const depends = new Map<string, DependsLink>();
  for (const f of ready) {
    if (role.get(f.id) !== "payload") continue;
    const lp = f.parsed!.livepatch;
    const want = lp?.xenDepends?.buildId ?? null;
    if (!want) target.set(f.id, { status: "unknown" });
    else {
      const image = images.find((i) => buildId.get(i.id) === want);
      target.set(f.id, image ? { status: "match", imageId: image.id } : images.length ? { status: "mismatch", want } : { status: "no-image", want });
    }
    const dep = lp?.depends?.buildId ?? null;
    if (!dep) depends.set(f.id, null);
    else {
      const on = byBuildId.get(dep);
      depends.set(f.id, on && on.id !== f.id ? { kind: role.get(on.id) === "image" ? "image" : "payload", id: on.id, want: dep } : { kind: "missing", want: dep });
    }
  }
  const links = { role, buildId, target, depends };
  cache.set(files, links);
  return links;
}
