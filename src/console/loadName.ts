// The payload name `xen-livepatch load FILE` uploads under (tools/misc/xen-livepatch.c, load_func():
// basename(), then cut at the last '.'). The console's `load` and the audit's plan both name
// payloads this way, so a plan runs the names a host would see.

/** basename() (libgen): trailing slashes dropped, the last component kept. */
export function basename(path: string): string {
  if (path === "") return ".";
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** `dir/fix.v2.livepatch` → `fix.v2`. */
export function loadName(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  return dot >= 0 ? base.slice(0, dot) : base;
}
