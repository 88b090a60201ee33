// What a reviewer wants spelled out even when Xen would accept the payload: the hooks and when
// they run (facts §11), whether it can be re-applied after a revert (§2), and REPLACE (§9.1).
import type { HookSection } from "../../livepatch/index.ts";
import type { FileContext } from "../context.ts";

const WHEN: Record<string, string> = {
  load: "on the master CPU inside the rendezvous, with IRQs off, before any function is patched (native APPLY and the apply half of REPLACE)",
  unload: "on the master CPU inside the rendezvous, with IRQs off, after the functions are reverted (native REVERT and REPLACE; not on UNLOAD)",
  preapply: "in hypercall context (dom0's vCPU, IRQs on) before APPLY is scheduled; a non-zero return vetoes the APPLY",
  apply: "instead of Xen's own apply routine, inside the rendezvous: no load hooks or patching happen unless it does them, and it must leave every function's applied state consistent or Xen panics",
  postapply: "on the master CPU after the rendezvous is released (IRQs back on), only when the action ran; never after REPLACE or a timeout",
  prerevert: "in hypercall context before REVERT is scheduled; a non-zero return vetoes the REVERT",
  revert: "instead of Xen's own revert routine (REVERT, and for this payload during a REPLACE); it must keep the functions' state consistent or Xen panics",
  postrevert: "on the master CPU after the rendezvous is released, only when the REVERT ran",
};

function targetName(h: HookSection, i: number): string {
  const t = h.entries[i].pointer.target;
  if (t.kind === "null") return "NULL";
  if (t.kind === "absolute") return `0x${t.value.toString(16)}`;
  return t.addend ? `${t.symbol}+0x${t.addend.toString(16)}` : t.symbol;
}

export function reviewHooks(ctx: FileContext): void {
  for (const h of ctx.model.hooks) {
    const where = { section: `.livepatch.hooks.${h.kind}`, sectionIndex: h.sectionIndex, offset: h.offset, length: Math.max(1, h.size) };
    const names = h.entries.map((_, i) => targetName(h, i));
    ctx.emit("hook-runs", `${h.kind} hook${names.length > 1 ? "s" : ""} ${names.join(", ")} run${names.length > 1 ? "" : "s"} ${WHEN[h.kind]}`, where);
    h.entries.forEach((e, i) => {
      const t = e.pointer.target;
      const at = { section: where.section, sectionIndex: h.sectionIndex, offset: e.offset, length: ctx.ptr };
      if (t.kind === "null" && (h.kind === "load" || h.kind === "unload"))
        ctx.emit("hook-null-entry", `.livepatch.hooks.${h.kind}[${i}] is NULL; Xen would call address 0`, at);
      else if (t.kind === "symbol" && t.defined && t.symbolType !== undefined && t.symbolType !== 2)
        ctx.emit("hook-not-function", `.livepatch.hooks.${h.kind}[${i}] points at ${targetName(h, i)}, which is not a function`, at);
    });
  }
}

export function reviewReapply(ctx: FileContext): void {
  if (ctx.model.safeToReapply) return;
  const rw = ctx.model.regions.sections.filter((s) => s.region === "rw" && s.size > 0 && s.name !== ".livepatch.funcs");
  const first = rw[0] ? ctx.elf.sections[rw[0].sectionIndex] : null;
  ctx.emit(
    "not-safe-to-reapply",
    `writable data in ${rw.map((s) => `${s.name} (${s.size} bytes)`).join(", ")}: after a REVERT, APPLY sets status rc −EINVAL until the payload is unloaded and uploaded again`,
    first ? { section: first.name, sectionIndex: first.index, offset: first.header.offset, length: first.header.size } : {},
  );
}

export function reviewReplace(ctx: FileContext, vetoingApplied: string[]): void {
  const own = ctx.model.hooks.filter((h) => ["preapply", "postapply", "prerevert", "postrevert"].includes(h.kind) && h.entries.some((e) => e.pointer.target.kind !== "null"));
  if (own.length)
    ctx.emit("replace-refused", `REPLACE with this payload is refused (−EOPNOTSUPP): it has ${own.map((h) => h.kind).join(", ")} hook(s)`, {
      section: `.livepatch.hooks.${own[0].kind}`,
      sectionIndex: own[0].sectionIndex,
      offset: own[0].offset,
      length: Math.max(1, own[0].size),
    });
  else if (vetoingApplied.length) ctx.emit("replace-refused", `REPLACE with this payload is refused (−EOPNOTSUPP) while ${vetoingApplied.join(", ")} (with pre/post hooks) is applied`, {});
  else ctx.emit("replace-possible", "REPLACE with this payload is possible: no payload involved has pre/post hooks", {});
}
