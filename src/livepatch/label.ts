// What every view calls a livepatch_func: its name when the record has one, else the symbol its
// old_addr is relocated against (Xen patches that address; a payload like xen_nop leaves name NULL),
// else its index. One spelling, so the list, the card, the diagram and the Overview agree.
import { decodeBytes, printable, SHF_EXECINSTR, type ElfSection } from "../elf/index.ts";
import { hexNum } from "./bytes.ts";
import type { LivepatchFunc, PointerTarget } from "./types.ts";

/** How every view shows a field whose relocation's symbol the reader could not resolve (PointerTarget "unresolved"). */
export const UNRESOLVED = "(unresolved)";
/** What names a record whose name field is unresolved (recordTargetName()). */
export const UNRESOLVED_NAME = "name unresolved";

/**
 * A record's name string as the tool's labels print it: a control character (C0, DEL, C1), which
 * would break the CLI's lines or drive a terminal (ESC), as `\xNN`, and a byte that is not UTF-8
 * (decodeName() holds it as U+DC80 + byte) as `\xNN` too: the one spelling of a payload's name
 * bytes in the CLI's text and JSON, the page and the simulator's console (escapeText()). The wasm
 * escapes its own labels the same way (escapeName() in workers/hypervisor/assembly/payload.ts). A
 * symbol is spelled as readelf spells it instead (printable(): `.L3^B1`), in every view and in
 * the labels below.
 */
export function escapeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\x00-\x1f\x7f-\x9f\udc80-\udcff]/gu, (c) => {
    const v = c.charCodeAt(0);
    return `\\x${(v >= 0xdc80 ? v - 0xdc00 : v).toString(16).padStart(2, "0")}`;
  });
}

/** escapeName() on each line and tab-separated field of `text`, its newlines and tabs kept: Xen's console lines as the tool shows them. */
export function escapeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]/u.test(text)) return text;
  return text
    .split("\n")
    .map((line) => line.split("\t").map(escapeName).join("\t"))
    .join("\n");
}

/**
 * A name's bytes as a string that keeps every byte: UTF-8 where the bytes are UTF-8, and each byte
 * that is not as the lone surrogate U+DC80 + byte, which escapeName() spells `\xNN`. The one
 * decoding of names: src/elf's string tables use it too (decodeBytes()).
 */
export const decodeName = decodeBytes;

/** decodeName() undone: the bytes a name string holds (UTF-8, and U+DC80 + byte as that byte). */
export function nameBytes(name: string): Uint8Array {
  const out: number[] = [];
  for (const c of name) {
    const v = c.codePointAt(0)!;
    if (v >= 0xdc80 && v <= 0xdcff) out.push(v - 0xdc00);
    else out.push(...utf8.encode(c));
  }
  return new Uint8Array(out);
}

const utf8 = new TextEncoder();

/** A name's bytes as the tool spells them: escapeName(decodeName(bytes)). */
export function spellName(bytes: Uint8Array): string {
  return escapeName(decodeName(bytes));
}

/**
 * How the tool's own words name one `.livepatch.funcs` record (audit findings): its index and the
 * name every view gives it (recordName(), else `targetName`: recordTargetName()), "(unnamed)" when
 * nothing names it: `funcs[0] (xen_extra_version)`, `funcs[0] (xen_minor_version)` for xen_nop's
 * NULL name patching xen_minor_version, `funcs[0] (unnamed)`. The wasm spells a nameless record
 * `funcs[<index>] (unnamed)` (funcRecordLabel() in workers/hypervisor/assembly/payload.ts); the audit
 * names it here instead (recordLabels() in src/audit/labels.ts). Where Xen prints the name itself
 * ("%s"), the quoted line keeps what Xen prints.
 */
export function funcRecordLabel(index: number, name: string | null | undefined, targetName: string | null = null): string {
  return `funcs[${index}] (${name ? escapeName(name) : (targetName ?? "unnamed")})`;
}

/**
 * A line the simulated Xen worded about record `index` (a typed failure's explanation), with a
 * nameless record called `label` instead of the wasm's `funcs[<index>] (unnamed)`: the wasm holds
 * no image names, the host does. `label` is funcRecordLabel()'s, so only that exact token changes.
 */
export function nameNamelessRecord(text: string, index: number, label: string): string {
  return text.split(funcRecordLabel(index, null)).join(label);
}

/** The record's own name as a label (escapeName()); null when its name is NULL or empty. */
export function recordName(fn: LivepatchFunc): string | null {
  return fn.name.text ? escapeName(fn.name.text) : null;
}

/**
 * What names a record whose own name is NULL or empty (xen_nop's patches by address): the image's
 * name for the address Xen patches (`imageName`: imageNameAt() of the old_addr the simulated Xen
 * resolved, or of the non-zero one the file holds), else the symbol the file relocates old_addr
 * against, spelled as every view spells a symbol (printable(), as targetText() does); null when
 * nothing does (`name unresolved` when a relocation fills the name but its symbol is unresolved). The one rule behind funcLabel() (views) and funcRecordLabel() (findings).
 */
export function recordTargetName(fn: LivepatchFunc, imageName: string | null = null): string | null {
  if (imageName !== null) return imageName;
  const t = fn.oldAddr.target;
  if (t.kind === "symbol" && !t.symbol.startsWith("#")) return `${printable(t.symbol)}${t.addend === 0n ? "" : `${t.addend < 0n ? "-" : "+"}0x${(t.addend < 0n ? -t.addend : t.addend).toString(16)}`}`;
  // A relocation fills the name but its symbol is unresolved: the record is not known to be nameless.
  if (fn.name.target.kind === "unresolved") return UNRESOLVED_NAME;
  return null;
}

/**
 * What every view calls a record (see the head of this file): recordName(), else
 * recordTargetName(), else its index.
 */
export function funcLabel(fn: LivepatchFunc, imageName: string | null = null): string {
  return recordName(fn) ?? recordTargetName(fn, imageName) ?? `#${fn.index}`;
}

/** An addend after a name, spaced as readelf -r spells it: ` + 0x8`, ` - 0x4`. */
export function signedAddend(a: bigint): string {
  return a < 0n ? ` - ${hexNum(-a)}` : ` + ${hexNum(a)}`;
}

/**
 * Where a pointer leads, as every view prints it (a livepatch_func's or a hook's pointer field, an
 * alternative's, exception-table entry's, bug frame's or alt_call site's self-relative one): NULL,
 * an absolute value, symbol ± addend, or (unresolved), a control character in the name shown as readelf shows it
 * (a GNU as local label .L3^B1 holds byte 0x02).
 */
export function targetText(t: PointerTarget): string {
  if (t.kind === "null") return "NULL";
  if (t.kind === "absolute") return hexNum(t.value);
  if (t.kind === "unresolved") return UNRESOLVED;
  return `${printable(t.symbol)}${t.addend === 0n ? "" : signedAddend(t.addend)}`;
}

/**
 * What APPLY does with a record, as far as its new_addr tells: NULL blanks the old function with
 * NOPs, anything else is jumped to (xen/arch/x86/livepatch.c, arch_livepatch_apply(): `if ( func->new_addr )` a jump, else NOPs; arm64 alike), and
 * an unresolved new_addr (unresolvedSymbol()) is neither, since its value is not known.
 */
export function patchKind(fn: LivepatchFunc): "jump" | "nop" | "unknown" {
  const t = fn.newAddr.target;
  return t.kind === "null" ? "nop" : t.kind === "unresolved" ? "unknown" : "jump";
}

/**
 * Where the old function lives, in words under its box: Xen's text, unless the address Xen would
 * patch is not known: old_addr unresolved, or NULL with the name Xen would look up unresolved.
 */
export function oldCodeWhere(fn: LivepatchFunc): string {
  const t = fn.oldAddr.target;
  return t.kind === "unresolved" || (t.kind === "null" && fn.name.target.kind === "unresolved") ? UNRESOLVED : "hypervisor text";
}

/**
 * Where the code new_addr leads to lives, in words under the new function's box: the payload's
 * text (a symbol defined in an executable section; another section is named), the hypervisor
 * (a symbol undefined here, which Xen resolves), an absolute address the file holds, or
 * (unresolved), said as every view says it; "" for NULL (nothing is jumped to).
 */
export function newCodeWhere(t: PointerTarget, sections: readonly ElfSection[]): string {
  if (t.kind === "null") return "";
  if (t.kind === "unresolved") return UNRESOLVED;
  if (t.kind === "absolute") return "absolute address in the file";
  if (!t.defined) return "resolved by the hypervisor";
  const s = t.sectionIndex !== undefined ? sections[t.sectionIndex] : undefined;
  if (s && (s.flags & BigInt(SHF_EXECINSTR)) === 0n) return `payload ${s.name ? printable(s.name) : `section ${s.index}`} (not code)`;
  return "payload text";
}

/**
 * The old_addr a record holds outright (a non-zero value with no relocation): the address Xen
 * patches before any symbol lookup, known from the file alone; null otherwise.
 */
export function heldOldAddr(fn: LivepatchFunc): bigint | null {
  const t = fn.oldAddr.target;
  return t.kind === "absolute" && t.value !== 0n ? t.value : null;
}
