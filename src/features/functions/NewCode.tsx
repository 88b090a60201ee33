// The replacement function's code, disassembled where the simulated hypervisor placed it, with the
// relocations that will be applied to it shown inline (objdump -dr).
import { UNRESOLVED } from "../../livepatch/label.ts";
import { useMemo } from "react";
import { type ElfFile, printable, relocOffset, symbolInSection } from "../../elf/index.ts";
import { bugFrameText, escapeName, type LivepatchFunc, type LivepatchModel } from "../../livepatch/index.ts";
import { relocText, type ImageNames } from "../inspector/symbolize.ts";
import { hex } from "../format.ts";
import { CodeListing, type InlineReloc } from "./CodeListing.tsx";
import { useDisasm } from "./useDisasm.ts";
import { bytesOrigin, type NewCodeLocation } from "./newCodeLocation.ts";

export function NewCode({
  fn,
  model,
  where,
  standIn,
  image,
  elf,
  nameAt,
}: {
  fn: LivepatchFunc;
  model: LivepatchModel;
  where: NewCodeLocation | null;
  standIn: boolean;
  /** The loaded image's symbols: an undefined symbol's relocation resolves through them, as in Relocations. */
  image: ImageNames | null;
  elf: ElfFile;
  nameAt(a: bigint): string | null;
}) {
  const t = fn.newAddr.target;
  const state = useDisasm(model.arch, where?.bytes ?? null, where ? where.base + BigInt(where.start) : null);
  // Inline relocations once the code is decoded: a PC-relative one leads where its instruction ends.
  const relocs = useMemo(() => {
    if (!where || state.status !== "ok") return [];
    const { section, start, size, base } = where;
    const code = { insns: state.insns, base };
    const out: InlineReloc[] = [];
    for (const r of elf.relocationTables) {
      if (r.targetSection !== section.index) continue;
      for (let i = 0; i < r.count && out.length < 2000; i++) {
        const off = relocOffset(r, i);
        if (off < BigInt(start) || off >= BigInt(start + size)) continue;
        const txt = relocText(elf, r, i, image, code);
        out.push({ address: base + off, text: `${txt.type}\t${txt.target}${txt.resolved ? `  (${txt.resolved})` : ""}` });
      }
    }
    return out;
  }, [where, state, elf, image]);
  // Each bug frame whose instruction is in this code: what Xen prints when a CPU reaches it.
  const notes = useMemo(() => {
    const out = new Map<bigint, string>();
    if (!where) return out;
    for (const b of model.bugFrames) {
      const t = b.loc.target;
      if (t.kind !== "symbol" || t.sectionIndex !== where.section.index || t.sectionOffset === undefined) continue;
      if (t.sectionOffset < BigInt(where.start) || t.sectionOffset >= BigInt(where.start + where.size)) continue;
      const text = bugFrameText(b, model.arch);
      if (text) out.set(where.base + t.sectionOffset, `${escapeName(text)} (.bug_frames.${b.frameType} #${b.index})`);
    }
    return out;
  }, [where, model]);
  if (!where)
    return <p className="muted">{t.kind === "unresolved" ? `The new code's location is unknown: new_addr is ${UNRESOLVED}.` : "The new code is not in this file (NOP-out, or the symbol is undefined here)."}</p>;
  const localName = (a: bigint) => {
    const rel = a - where.base;
    return rel >= 0n ? (symbolInSection(elf, t.kind === "symbol" ? (t.sectionIndex ?? 0) : 0, rel)?.label ?? null) : null;
  };
  return (
    <section aria-label="New function code">
      <h4>
        New code: <code>{printable(where.section.name)}</code>+{hex(where.start)}, {where.size} bytes
        {where.placed && (
          <span className="muted">
            {" "}
            at {hex(where.base + BigInt(where.start))} (where the simulator placed it; {bytesOrigin(where, standIn)})
          </span>
        )}
      </h4>
      <CodeListing label="New function disassembly" state={state} relocs={relocs} relocated={where.relocated} nameAt={(a) => localName(a) ?? nameAt(a)} addressDigits={model.pointerSize * 2} notes={notes} />
    </section>
  );
}
