// The three build-id notes (facts §1.3–§1.4, §5.1 steps 8, 12, 16–18).
import type { NoteInfo } from "../../livepatch/index.ts";
import type { FileContext } from "../context.ts";
import { EINVAL } from "../rules.ts";

function noteWhere(ctx: FileContext, n: NoteInfo) {
  return { section: n.section, sectionIndex: n.sectionIndex, offset: n.offset || ctx.elf.sections[n.sectionIndex]?.header.offset, length: Math.max(1, n.size) };
}

/** Step 8. Returns false when the upload stops here. */
export function checkXenDepends(ctx: FileContext): boolean {
  const x = ctx.model.xenDepends;
  if (!x) {
    ctx.emit("xen-depends-missing", ".livepatch.xen_depends is missing; Xen 4.14+ refuses the upload (−EINVAL)", { offset: 0 });
    return false;
  }
  if (!x.buildId) {
    ctx.emit("xen-depends-malformed", `.livepatch.xen_depends (${x.size} bytes) is not a valid GNU build-id note (−EINVAL)`, { ...noteWhere(ctx, x), rc: -EINVAL });
    return false;
  }
  const image = ctx.image;
  if (!image) {
    ctx.emit("unchecked-xen-build-id", `.livepatch.xen_depends names Xen build ${x.buildId}; without an image it cannot be compared with the target's build-id`, noteWhere(ctx, x));
    return true;
  }
  if (!image.buildId) {
    ctx.emit("xen-image-no-build-id", `the image ${image.file} has no build-id, so Xen refuses every payload (−ENODATA)`, noteWhere(ctx, x));
    return false;
  }
  if (image.buildId !== x.buildId) {
    ctx.emit("xen-depends-mismatch", `.livepatch.xen_depends is ${x.buildId}, but ${image.file} has build-id ${image.buildId} (−EINVAL)`, noteWhere(ctx, x));
    return false;
  }
  return true;
}

/** Step 12: `.livepatch.depends` and `.note.gnu.build-id` exist and are not empty. */
export function checkNotesPresent(ctx: FileContext): boolean {
  for (const [name, id] of [
    [".livepatch.depends", "depends-missing"],
    [".note.gnu.build-id", "build-id-missing"],
  ] as const) {
    const s = ctx.elf.sections.find((x) => x.nameValid && x.name === name);
    if (!s) {
      ctx.emit(id, `${name} is missing (−EINVAL)`, { offset: 0 });
      return false;
    }
    if (s.size === 0n) {
      ctx.emit(id, `${name} is empty (−EINVAL)`, { section: name, sectionIndex: s.index, offset: s.header.offset, length: s.header.size });
      return false;
    }
  }
  return true;
}

/** Steps 16–18: the own build-id parses and is unique among loaded payloads; depends parses. */
export function checkNotesParse(ctx: FileContext): boolean {
  const b = ctx.model.buildId;
  if (b && !b.buildId) {
    ctx.emit("build-id-malformed", `.note.gnu.build-id is not a valid GNU build-id note (${b.rc === -61 ? "−ENODATA" : "−EINVAL"})`, { ...noteWhere(ctx, b), rc: b.rc || -EINVAL });
    return false;
  }
  if (b?.buildId) {
    const twin = ctx.loaded.find((p) => p.buildId === b.buildId);
    if (twin) {
      ctx.emit("build-id-duplicate", `build-id ${b.buildId} is the same as ${twin.file}'s, which is loaded before it (−EEXIST)`, noteWhere(ctx, b));
      return false;
    }
  }
  const d = ctx.model.depends;
  if (d && !d.buildId) {
    ctx.emit("depends-malformed", `.livepatch.depends is not a valid GNU build-id note (${d.rc === -61 ? "−ENODATA" : "−EINVAL"})`, { ...noteWhere(ctx, d), rc: d.rc || -EINVAL });
    return false;
  }
  return true;
}
