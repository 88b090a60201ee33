// The whole old function (from the image) beside the whole new one (from the payload), aligned
// instruction by instruction, with what each refers to resolved and the overwritten bytes marked.
// For a NOP-out the right-hand side is the old function as it is after the NOPs are written.
import { UNRESOLVED } from "../../livepatch/label.ts";
import { useMemo } from "react";
import { printable, symbolInSection, type ElfFile } from "../../elf/index.ts";
import type { LivepatchFunc, LivepatchModel } from "../../livepatch/index.ts";
import type { Insn } from "../../disasm/types.ts";
import { counted } from "../format.ts";
import { AsmScroll } from "./CodeListing.tsx";
import { alignListings, type Line, type Row } from "./align.ts";
import { bytesOrigin, MAX_CODE_BYTES } from "./newCodeLocation.ts";
import { linkedRefs, relocLabel, relocRefs } from "./references.ts";
import { useDisasm, type DisasmState } from "./useDisasm.ts";
import type { ImageContext } from "./useImageContext.ts";
import "./oldnew.css";

// Bytes past the old function, so the first instruction after a NOP-out decodes as the CPU sees it.
const LOOKAHEAD = 15;

interface Side {
  name: string;
  address: bigint;
  size: number;
  bytes: Uint8Array;
}

/** Why the old function cannot be shown: the simulated Xen refused the upload, so it gave no old address. */
function notResolved(ctx: ImageContext, name: string): string {
  const image = ctx.image!.name;
  if (!ctx.notPlaced) return `The old address of ${name} is not known, so the old function cannot be read from ${image}.`;
  const sym = ctx.imageSymbol(name);
  const where = sym ? ` The symbol table of ${image} has ${name} at 0x${sym.address.toString(16)} (${counted(sym.size, "byte")}).` : "";
  // The reason is said just above, where the view says the payload is not placed.
  return `The simulated Xen refused the upload, so it gives no old address for ${name}.${where}`;
}

function readWithLookahead(ctx: ImageContext, address: bigint, size: number): Uint8Array | null {
  for (let extra = LOOKAHEAD; extra >= 0; extra--) {
    const b = ctx.readOld(address, size + extra);
    if (b) return b;
  }
  return null;
}

const insnsOf = (s: DisasmState) => (s.status === "ok" ? s.insns : null);
const overlaps = (i: Insn, start: bigint, end: bigint) => i.address < end && i.address + BigInt(i.size) > start;

export function OldNew({ fn, model, elf, ctx }: { fn: LivepatchFunc; model: LivepatchModel; elf: ElfFile; ctx: ImageContext }) {
  const arch = model.arch;
  const patch = ctx.patch(fn.index);
  const nop = fn.newAddr.target.kind === "null";
  const name = ctx.label(fn);

  const old = useMemo((): Side | null => {
    if (!patch || !ctx.image) return null;
    const sym = ctx.oldFunction(patch.oldAddr);
    const whole = sym && sym.address === patch.oldAddr && sym.size > 0;
    const address = whole ? sym.address : patch.oldAddr;
    const size = Math.min(whole ? sym.size : fn.oldSize, MAX_CODE_BYTES);
    const bytes = readWithLookahead(ctx, address, size);
    return bytes ? { name: whole ? sym.name : name, address, size, bytes } : null;
  }, [patch, ctx, fn.oldSize, name]);
  const written = useMemo(
    () => (patch && patch.bytes.length ? { start: patch.oldAddr + BigInt(patch.patchOffset), end: patch.oldAddr + BigInt(patch.patchOffset + patch.bytes.length) } : null),
    [patch],
  );

  const loc = useMemo(() => (nop ? null : ctx.newCode(fn)), [nop, fn, ctx]);
  // NOP-out: the old function with the NOPs written over it (and the bytes after it).
  const afterNops = useMemo(() => {
    if (!nop || !old || !patch) return null;
    const b = old.bytes.slice();
    b.set(patch.bytes.subarray(0, Math.max(0, b.length - patch.patchOffset)), patch.patchOffset);
    return b;
  }, [nop, old, patch]);

  const oldState = useDisasm(arch, old ? old.bytes.subarray(0, old.size) : null, old?.address ?? null);
  const newState = useDisasm(arch, nop ? afterNops : (loc?.bytes ?? null), nop ? (old?.address ?? null) : loc ? loc.base + BigInt(loc.start) : null);

  const rows = useMemo((): Row[] | null => {
    const oi = insnsOf(oldState);
    const ni = insnsOf(newState);
    if (!arch || !ni || (old && !oi)) return null;
    const linked = (insns: Insn[], isPatched: (i: Insn) => boolean): Line[] => {
      const refs = linkedRefs(arch, insns);
      return insns.map((insn, k) => {
        const r = refs[k];
        return { insn, ref: r === null ? null : (ctx.stringAt(r) ?? ctx.nameAt(r)), targetName: insn.target !== null ? ctx.nameAt(insn.target) : null, patched: isPatched(insn) };
      });
    };
    const oldLines = oi ? linked(oi, (i) => !!written && overlaps(i, written.start, written.end)) : [];
    let newLines: Line[];
    if (nop && old) {
      // Decoded past the function only to show what its last live bytes run as.
      const end = old.address + BigInt(old.size);
      newLines = linked(
        ni.filter((i) => i.address < end),
        (i) => !!written && overlaps(i, written.start, written.end),
      );
    } else if (loc) {
      const refs = relocRefs(elf, loc.section.index, ni, loc.base);
      const localName = (a: bigint) => (a >= loc.base ? (symbolInSection(elf, loc.section.index, a - loc.base)?.label ?? null) : null);
      newLines = ni.map((insn, k) => ({
        insn,
        ref: refs[k] ? relocLabel(elf, refs[k]) : null,
        targetName: insn.target !== null ? (localName(insn.target) ?? ctx.nameAt(insn.target)) : null,
        patched: false,
      }));
    } else return null;
    return alignListings(oldLines, newLines);
  }, [oldState, newState, arch, old, nop, loc, written, elf, ctx]);

  if (!arch) return null;
  // A relocated operand is named by its relocation either way; in the file's bytes (no placement)
  // the number decoded from the field is only the assembler's placeholder.
  const newSide = nop
    ? old
      ? `${old.name} after the NOPs`
      : null
    : loc
      ? `${fn.newAddr.target.kind === "symbol" ? printable(fn.newAddr.target.symbol) : "new code"} (${loc.size} bytes, payload ${printable(loc.section.name)}, ${bytesOrigin(loc, ctx.standIn)})`
      : null;
  const missingOld = !ctx.image
    ? "Load the xen-syms this payload targets: the old function's code is in the hypervisor image, not in the payload."
    : !patch
      ? notResolved(ctx, name)
      : !old
        ? `${ctx.image.name} has no bytes at the old address.`
        : null;
  const failed = [oldState, newState].find((s) => s.status === "error");

  return (
    <section className="old-new" aria-label="Old and new code">
      <h4>Old and new, instruction by instruction</h4>
      {missingOld && <p className="warn">{missingOld}</p>}
      {nop && !old ? null : !newSide ? (
        <p className="muted">{fn.newAddr.target.kind === "unresolved" ? `The new code's location is unknown: new_addr is ${UNRESOLVED}.` : "The new code is not in this file (its symbol is undefined here)."}</p>
      ) : failed?.status === "error" ? (
        <p className="bad">Could not disassemble: {failed.message}</p>
      ) : !rows ? (
        <p className="muted">Disassembling…</p>
      ) : (
        <>
          <p className="on-legend">
            <span>
              Old: <code>{old ? `${old.name}` : "—"}</code>
              {old && ` (${old.size} bytes, ${ctx.image?.name})`}
            </span>
            <span>
              {nop ? "After" : "New"}: <code>{newSide}</code>
            </span>
            <span className="on-key">
              <span className="on-swatch patched" /> {nop ? "becomes NOPs" : "overwritten by the jump"}
              <span className="on-swatch changed" /> differs
              <span className="on-swatch only" /> on one side only
            </span>
          </p>
          <OldNewTable rows={rows} old={old} newBase={nop ? old?.address : loc ? loc.base + BigInt(loc.start) : undefined} nop={nop} />
        </>
      )}
    </section>
  );
}

function offsetText(line: Line | null, base: bigint | undefined): string {
  if (!line) return "";
  return base === undefined ? line.insn.address.toString(16) : `+${(line.insn.address - base).toString(16)}`;
}

function Cells({ line, base, side, nop }: { line: Line | null; base: bigint | undefined; side: "old" | "new"; nop: boolean }) {
  if (!line) return <td className={`on-${side} empty`} colSpan={2} />;
  const mark = line.patched ? (side === "old" ? (nop ? "becomes NOPs" : "overwritten by the jump Xen writes") : "written by Xen") : undefined;
  const cls = `on-${side}${line.patched ? " patched" : ""}${line.insn.invalid ? " invalid" : ""}`;
  return (
    <>
      <td className={`${cls} a`} title={`0x${line.insn.address.toString(16)}${mark ? `: ${mark}` : ""}`}>
        {offsetText(line, base)}
      </td>
      <td className={`${cls} t`}>
        <span className="on-text">
          {line.insn.text}
          {line.ref !== null ? <span className="sym"> {line.ref.startsWith('"') ? line.ref : `<${line.ref}>`}</span> : line.targetName && <span className="sym"> &lt;{line.targetName}&gt;</span>}
        </span>
        <span className="on-bytes">{line.insn.bytes}</span>
      </td>
    </>
  );
}

function OldNewTable({ rows, old, newBase, nop }: { rows: Row[]; old: Side | null; newBase: bigint | undefined; nop: boolean }) {
  const label: Record<Row["kind"], string> = { same: "same", changed: "differs", "old-only": "only in the old function", "new-only": "only in the new function" };
  return (
    <AsmScroll className="on-scroll" label="Old and new instructions">
      <table className="asm on-table" aria-label="Old and new instructions">
        <thead>
          <tr>
            <th scope="col" colSpan={2}>
              Old
            </th>
            <th scope="col" className="on-mid">
              <span className="sr-only">Alignment</span>
            </th>
            <th scope="col" colSpan={2}>
              {nop ? "After the NOPs" : "New"}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className={`on-row ${r.kind}`} data-kind={r.kind}>
              {old ? <Cells line={r.old} base={old.address} side="old" nop={nop} /> : <td className="on-old empty" colSpan={2} />}
              <td className="on-mid" title={label[r.kind]}>
                {r.kind === "same" ? "=" : r.kind === "changed" ? "≠" : r.kind === "old-only" ? "−" : "+"}
              </td>
              <Cells line={r.new} base={newBase} side="new" nop={nop} />
            </tr>
          ))}
        </tbody>
      </table>
    </AsmScroll>
  );
}
