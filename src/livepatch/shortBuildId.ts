// How a build-id reads where a view has no room for all of it: its start and its end, so two ids
// that differ only in their last bytes (a payload's xen_depends a byte off the image's build-id)
// still read differently. Views put the full id in the element's title.

const HEAD = 8;
const TAIL = 4;

/** `edb3406f68fc5942d2ae9b0188056f8b25bc2910` → `edb3406f…2910`; an id too short to save anything is returned whole. */
export function shortBuildId(id: string): string {
  return id.length <= HEAD + 1 + TAIL ? id : `${id.slice(0, HEAD)}…${id.slice(-TAIL)}`;
}
