// objdump -dr style listing: address, bytes, instruction, and relocation lines under the
// instructions they patch. Branch targets are named when a symbol is known.
import type { ReactNode } from "react";
import type { DisasmState } from "./useDisasm.ts";

export interface InlineReloc {
  /** Absolute address of the relocated field. */
  address: bigint;
  text: string;
}

export interface CodeListingProps {
  label: string;
  state: DisasmState;
  relocs?: InlineReloc[];
  nameAt?(address: bigint): string | null;
  /** The bytes are after relocation (the simulator's memory): a relocated field's target is real. */
  relocated?: boolean;
  /** Instructions overlapping [start, end) are marked (e.g. the bytes a trampoline overwrites). */
  mark?: { start: bigint; end: bigint; title: string };
  addressDigits?: number;
  /** A comment after an instruction, by its address (e.g. what Xen prints when a bug frame's instruction runs). */
  notes?: ReadonlyMap<bigint, string>;
}

export function CodeListing({ label, state, relocs = [], nameAt, relocated: afterRelocation = false, mark, addressDigits = 16, notes }: CodeListingProps) {
  if (state.status === "error") return <p className="bad">Could not disassemble: {state.message}</p>;
  if (state.status !== "ok") return state.status === "loading" ? <p className="muted">Disassembling…</p> : null;
  const rows: ReactNode[] = [];
  for (const ins of state.insns) {
    const end = ins.address + BigInt(ins.size);
    const marked = mark && ins.address < mark.end && end > mark.start;
    // In the file's bytes a relocated field still holds the assembler's placeholder: the target
    // decoded from it is not where the instruction goes, so only the relocation line names that.
    const placeholder = !afterRelocation && relocs.some((r) => r.address >= ins.address && r.address < end);
    const target = ins.target !== null && !placeholder ? nameAt?.(ins.target) : null;
    const note = notes?.get(ins.address);
    rows.push(
      <tr key={`i${ins.address}`} className={`${marked ? "marked" : ""} ${ins.invalid ? "invalid" : ""}`} title={marked ? mark!.title : undefined}>
        <td className="a">{ins.address.toString(16).padStart(addressDigits, "0")}:</td>
        <td className="b">{ins.bytes}</td>
        <td className="t">
          {ins.text}
          {target && <span className="sym"> &lt;{target}&gt;</span>}
          {note && <span className="note"> # {note}</span>}
        </td>
      </tr>,
    );
    for (const r of relocs) {
      if (r.address >= ins.address && r.address < end)
        rows.push(
          <tr key={`r${r.address}`} className="reloc">
            <td className="a">{r.address.toString(16).padStart(addressDigits, "0")}:</td>
            <td className="b" />
            <td className="t">{r.text}</td>
          </tr>,
        );
    }
  }
  return (
    <AsmScroll label={label}>
      <table className="asm" aria-label={label}>
        <thead className="sr-only">
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Bytes</th>
            <th scope="col">Instruction</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </AsmScroll>
  );
}

/**
 * A listing keeps one instruction to a line, as objdump prints it: too narrow for that, the
 * listing (not the page or the card) scrolls sideways, and it takes focus so the keyboard can.
 */
export function AsmScroll({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={`asm-scroll ${className}`} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
