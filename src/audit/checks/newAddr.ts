// Where a record's new_addr leads: Xen checks only that the branch reaches it (prepare_payload() ->
// arch_livepatch_verify_func() / livepatch_verify_distance(), ±2 GiB on x86), never what is there,
// and writes a branch to it at APPLY (arch_livepatch_apply()). So the first call of the patched
// function runs whatever new_addr points at. The reviewer's rule: new_addr is the start of a
// function in the payload's own text (a region Xen maps executable). Payload data (its ro and rw
// regions), an address in none of the image's or the payload's sections, or image data is not code:
// the first call takes a fatal page fault (an instruction fetch from a non-executable page). The
// middle of a function, a spot in the payload's text no function holds, or Xen's own code runs, but
// not as a replacement function the payload was built to provide. A NOP-out (new_addr 0) and a
// new_addr the reader could not resolve (fields-unresolved) are not judged.
import { STT_FUNC, printable, symbolInSection, type ElfFile } from "../../elf/index.ts";
import type { LivepatchModel } from "../../livepatch/index.ts";
import type { PatchPreview, PlacedSection } from "../../protocol/hypervisor.ts";
import { hexAddr } from "../context.ts";
import type { XenImage } from "../image.ts";
import type { RecordLabel } from "../labels.ts";
import type { RuleId } from "../rules.ts";

export interface NewAddrFinding {
  id: Extract<RuleId, "func-new-addr-not-code" | "func-new-addr-not-function-start">;
  index: number;
  message: string;
}

const REGION_WORDS: Record<PlacedSection["region"], string> = { text: "text", ro: "read-only data", rw: "writable data" };
const FAULT = "not code: the first call of the patched function branches there and takes a fatal page fault (an instruction fetch from a page Xen maps non-executable)";

export function reviewNewAddr(elf: ElfFile, model: LivepatchModel, sections: readonly PlacedSection[], patches: readonly PatchPreview[], image: XenImage | null, label: RecordLabel): NewAddrFinding[] {
  const out: NewAddrFinding[] = [];
  for (const pf of patches) {
    const fn = model.funcs[pf.index];
    const kind = fn?.newAddr.target.kind;
    if (!fn || kind === "null" || kind === "unresolved" || pf.insn !== "branch" || !pf.target) continue;
    const at = BigInt(pf.target);
    const who = `${label(pf.index, pf.name)}: new_addr ${hexAddr(at)}`;
    const push = (id: NewAddrFinding["id"], message: string) => out.push({ id, index: pf.index, message });
    const sec = sections.find((s) => s.size > 0 && at >= BigInt(s.addr) && at < BigInt(s.addr) + BigInt(s.size));
    if (sec) {
      const off = at - BigInt(sec.addr);
      // The payload's FUNC or OBJECT symbol holding it (a FUNC first), as `name` or `name+0x..`.
      const sym = symbolInSection(elf, sec.index, off);
      const func = sym?.type === STT_FUNC;
      const what = `${sym ? `${sym.label} in ` : ""}${printable(sec.name)}${sym ? "" : `+0x${off.toString(16)}`}, the payload's ${REGION_WORDS[sec.region]}`;
      if (sec.region !== "text") push("func-new-addr-not-code", `${who} is ${what}, ${FAULT}`);
      else if (!func || !sym.start)
        push("func-new-addr-not-function-start", `${who} is ${what}, ${func ? "not the start of a function: the branch enters it mid-way" : "not inside any function"}`);
      continue;
    }
    if (!image) continue; // a stand-in Xen's addresses are assumed (unchecked-symbols)
    const isec = image.sectionAt(at);
    const name = image.nameAt(at);
    const t = fn.newAddr.target;
    // An undefined symbol Xen found in neither: another payload's export (resolve_symbols()).
    if (!isec && t.kind === "symbol" && !t.defined) push("func-new-addr-not-function-start", `${who} is ${t.symbol}, resolved outside this payload and ${image.file}: another payload's code, which must stay loaded for as long as this one is applied`);
    else if (!isec) push("func-new-addr-not-code", `${who} is outside the payload and every section of ${image.file}, ${FAULT}`);
    else if (!isec.exec) push("func-new-addr-not-code", `${who} is ${name ? `${name} in ` : ""}${image.file}'s ${printable(isec.name)}, ${FAULT}`);
    else {
      const sym = image.symbolAt(at);
      const mid = !sym || !sym.func || sym.addr !== at;
      push(
        "func-new-addr-not-function-start",
        `${who} is ${name ?? "an address"} in ${image.file}'s ${printable(isec.name)}, ${mid ? "the middle of Xen's own code" : "Xen's own function"}, not a function of this payload: the patched function runs Xen's code from there`,
      );
    }
  }
  return out;
}
