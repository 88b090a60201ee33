// One transcript per console message the simulated hypervisor prints, each expected line written
// from Xen 4.23's format string (quoted in the comment with the Xen file and function it comes
// from), filled in by hand from an independent parse (src/elf) of the edited sample. A case
// lists every line the upload prints, so a line Xen would not print fails it too. ACTION lines
// are in transcript.actions.test.ts.
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { bootArch, Edit, firstPayloadBase, payloadBytes, type SampleArch } from "./support/payloads.ts";

interface Case {
  /** Xen's format string, its file and function. */
  xen: string;
  arch?: SampleArch;
  base: string;
  edit: (e: Edit) => unknown;
  /** The console lines the upload prints, in order. */
  lines: (e: Edit, hv: HypervisorApi) => string[];
  bytes?: (e: Edit) => Uint8Array;
}

const X = "x86_64";
const NOP = "xen_nop";
const HELLO = "xen_hello_world";
const EXP = "xen_expectations";
const ALT = "xen_alternatives";
const p = (msg: string) => `livepatch: p: ${msg}`;
const hexp = (v: bigint, width = 16) => v.toString(16).padStart(width, "0");

async function uploadLines(c: Case): Promise<{ lines: string[]; e: Edit; hv: HypervisorApi }> {
  const hv = await bootArch(c.arch ?? X);
  const e = new Edit(payloadBytes(c.arch ?? X, c.base));
  c.edit(e);
  const before = hv.consoleLines().length;
  hv.upload("p", c.bytes ? c.bytes(e) : e.bytes);
  return { lines: hv.consoleLines().slice(before), e, hv };
}

function transcripts(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.xen, async () => {
        const { lines, e, hv } = await uploadLines(c);
        expect(lines).toEqual(c.lines(e, hv));
      });
    }
  });
}

transcripts("xen/common/livepatch_elf.c livepatch_header_check() and arch_livepatch_verify_elf()", [
  // "%s: Section header is bigger than payload\n"
  { xen: "livepatch_header_check: Section header is bigger than payload", base: NOP, edit: () => 0, bytes: (e) => e.bytes.slice(0, 63), lines: () => [p("Section header is bigger than payload")] },
  // "%s: Not an ELF payload\n"
  { xen: "livepatch_header_check: Not an ELF payload", base: NOP, edit: (e) => e.u8(0, 0), lines: () => [p("Not an ELF payload")] },
  // "%s: Invalid ELF payload\n"
  { xen: "livepatch_header_check: Invalid ELF payload", base: NOP, edit: (e) => e.u16(16, 2), lines: () => [p("Invalid ELF payload")] },
  // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type\n"
  { xen: "x86 arch_livepatch_verify_elf: Unsupported ELF Machine type", base: NOP, edit: (e) => e.u8(5, 2), lines: () => [p("Unsupported ELF Machine type")] },
  // xen/arch/arm/arm64/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type\n"
  { xen: "arm64 arch_livepatch_verify_elf: Unsupported ELF Machine type", arch: "aarch64", base: NOP, edit: (e) => e.u16(18, 62), lines: () => [p("Unsupported ELF Machine type")] },
  // xen/arch/arm/arm32/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF EABI(%x)\n"
  { xen: "arm32 arch_livepatch_verify_elf: Unsupported ELF EABI(%x)", arch: "arm32", base: HELLO, edit: (e) => e.u32(36, 0x04000200), lines: () => [p("Unsupported ELF EABI(4000200)")] },
  // "%s: Section name idx is undefined\n"
  { xen: "livepatch_header_check: Section name idx is undefined", base: NOP, edit: (e) => e.u16(62, 0), lines: () => [p("Section name idx is undefined")] },
  // "%s: Too many (%u) sections\n"
  { xen: "livepatch_header_check: Too many (%u) sections", base: NOP, edit: (e) => e.u16(60, 1500), lines: () => [p("Too many (1500) sections")] },
  // "%s: Section name idx (%u) is past end of sections (%u)\n"
  {
    xen: "livepatch_header_check: Section name idx (%u) is past end of sections (%u)",
    base: NOP,
    edit: (e) => e.u16(62, e.elf.header.shnum + 3),
    lines: (e) => [p(`Section name idx (${e.elf.header.shnum + 3}) is past end of sections (${e.elf.header.shnum})`)],
  },
  // "%s: Bogus e_shoff\n"
  { xen: "livepatch_header_check: Bogus e_shoff", base: NOP, edit: (e) => e.u64(40, BigInt(e.bytes.length + 5)), lines: () => [p("Bogus e_shoff")] },
  // "%s: Section header size is %u! Expected %zu.\n"
  { xen: "livepatch_header_check: Section header size is %u! Expected %zu.", base: NOP, edit: (e) => e.u16(58, 40), lines: () => [p("Section header size is 40! Expected 64.")] },
  // "%s: Section header size is corrupted\n"
  { xen: "livepatch_header_check: Section header size is corrupted", base: NOP, edit: (e) => e.u16(60, e.elf.header.shnum + 1), lines: () => [p("Section header size is corrupted")] },
]);

transcripts("xen/common/livepatch_elf.c elf_resolve_sections(), elf_resolve_section_names(), elf_get_sym()", [
  // "%s: Section [%u] data %s of payload\n" with "at ELF header"
  {
    xen: "elf_resolve_sections: Section [%u] data at ELF header of payload",
    base: NOP,
    edit: (e) => e.sh(".rodata.str1.1", "offset", 0x10n),
    lines: (e) => [p(`Section [${e.section(".rodata.str1.1").index}] data at ELF header of payload`)],
  },
  // "%s: Section [%u] data %s of payload\n" with "is past end"
  {
    xen: "elf_resolve_sections: Section [%u] data is past end of payload",
    base: NOP,
    edit: (e) => e.sh(".rodata.str1.1", "size", BigInt(e.bytes.length)),
    lines: (e) => [p(`Section [${e.section(".rodata.str1.1").index}] data is past end of payload`)],
  },
  // "%s: Section [%u] alignment (%#"PRIxElfAddr") is not supported\n"
  {
    xen: "elf_resolve_sections: Section [%u] alignment (%#lx) is not supported",
    base: NOP,
    edit: (e) => e.sh(".rodata.str1.1", "addralign", 24n),
    lines: (e) => [p(`Section [${e.section(".rodata.str1.1").index}] alignment (0x18) is not supported`)],
  },
  // "%s: Section [%u] addr (%#"PRIxElfAddr") is not aligned properly (%#"PRIxElfAddr")\n"
  {
    xen: "elf_resolve_sections: Section [%u] addr (%#lx) is not aligned properly (%#lx)",
    base: NOP,
    edit: (e) => e.sh(".livepatch.funcs", "addr", 0x44n),
    lines: (e) => [p(`Section [${e.section(".livepatch.funcs").index}] addr (0x44) is not aligned properly (${"0x" + e.section(".livepatch.funcs").addralign.toString(16)})`)],
  },
  // "%s: Unsupported multiple symbol tables\n"
  { xen: "elf_resolve_sections: Unsupported multiple symbol tables", base: NOP, edit: (e) => e.sh(".note.GNU-stack", "type", 2), lines: () => [p("Unsupported multiple symbol tables")] },
  // "%s: Symbol table idx (%u) to strtab past end (%u)\n"
  {
    xen: "elf_resolve_sections: Symbol table idx (%u) to strtab past end (%u)",
    base: NOP,
    edit: (e) => e.sh(".symtab", "link", 77),
    lines: (e) => [p(`Symbol table idx (77) to strtab past end (${e.elf.header.shnum})`)],
  },
  // "%s: No symbol table found\n"
  { xen: "elf_resolve_sections: No symbol table found", base: NOP, edit: (e) => e.sh(".symtab", "type", 1), lines: () => [p("No symbol table found")] },
  // "%s: Symbol table header is corrupted\n"
  { xen: "elf_resolve_sections: Symbol table header is corrupted", base: NOP, edit: (e) => e.sh(".symtab", "entsize", 16n), lines: () => [p("Symbol table header is corrupted")] },
  // "%s: String table section is corrupted\n"
  { xen: "elf_resolve_sections: String table section is corrupted", base: NOP, edit: (e) => e.u8(e.dataAt(".strtab"), 0x41), lines: () => [p("String table section is corrupted")] },
  // elf_resolve_section_names(): "%s: Section string table is corrupted\n"
  {
    xen: "elf_resolve_section_names: Section string table is corrupted",
    base: NOP,
    edit: (e) => e.u8(e.dataAt(".shstrtab", Number(e.section(".shstrtab").size) - 1), 0x41),
    lines: () => [p("Section string table is corrupted")],
  },
  // elf_resolve_section_names(): "%s: Section %u name is not within .shstrtab\n"
  { xen: "elf_resolve_section_names: Section %u name is not within .shstrtab", base: NOP, edit: (e) => e.sh(".text", "name", 0x1000), lines: (e) => [p(`Section ${e.section(".text").index} name is not within .shstrtab`)] },
  // elf_get_sym(): "%s: Symbol [%u] name is not within .strtab\n"
  { xen: "elf_get_sym: Symbol [%u] name is not within .strtab", base: NOP, edit: (e) => e.u32(e.symField(2, "name"), 0x10000), lines: () => [p("Symbol [2] name is not within .strtab")] },
  // elf_get_sym() with ARM32's arch_livepatch_symbol_deny(): "%s: Symbol '%s' should not be in payload\n"
  { xen: "elf_get_sym: Symbol '%s' should not be in payload", arch: "arm32", base: HELLO, edit: (e) => e.renameSymbol("hello_world_count", "$t.x"), lines: () => [p("Symbol '$t.x' should not be in payload")] },
]);

transcripts("xen/common/livepatch_elf.c livepatch_elf_resolve_symbols() and livepatch_elf_perform_relocs()", [
  // "%s: Unexpected common symbol: %s\n"
  { xen: "livepatch_elf_resolve_symbols: Unexpected common symbol: %s", base: EXP, edit: (e) => e.u16(e.symField(e.symIndex("xen_hello_world"), "shndx"), 0xfff2), lines: () => [p("Unexpected common symbol: xen_hello_world")] },
  // "%s: Unknown symbol: %s\n"
  { xen: "livepatch_elf_resolve_symbols: Unknown symbol: %s", base: EXP, edit: (e) => e.renameSymbol("xen_extra_version", "xen_extra_versiom"), lines: () => [p("Unknown symbol: xen_extra_versiom")] },
  // "%s: Out of bounds symbol section %#x\n"
  { xen: "livepatch_elf_resolve_symbols: Out of bounds symbol section %#x", base: EXP, edit: (e) => e.u16(e.symField(e.symIndex("xen_hello_world"), "shndx"), 0xff05), lines: () => [p("Out of bounds symbol section 0xff05")] },
  // "%s: Relative link of %s is incorrect (%d, expected=%d)\n"
  {
    xen: "livepatch_elf_perform_relocs: Relative link of %s is incorrect (%d, expected=%d)",
    base: EXP,
    edit: (e) => e.sh(".rela.livepatch.funcs", "link", 1),
    lines: (e) => [p(`Relative link of .rela.livepatch.funcs is incorrect (1, expected=${e.section(".symtab").index})`)],
  },
  // "%s: Section relative header is corrupted\n"
  { xen: "livepatch_elf_perform_relocs: Section relative header is corrupted", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "entsize", 16n), lines: () => [p("Section relative header is corrupted")] },
]);

transcripts("arch_livepatch_perform_rela()/_rel() in xen/arch/{x86,arm/arm64,arm/arm32}/livepatch.c", [
  // x86 arch_livepatch_perform_rel(): "%s: SHT_REL relocation unsupported\n"
  { xen: "x86 arch_livepatch_perform_rel: SHT_REL relocation unsupported", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "type", 9), lines: () => [p("SHT_REL relocation unsupported")] },
  // "%s: Encountered STN_UNDEF\n"
  { xen: "x86 arch_livepatch_perform_rela: Encountered STN_UNDEF", base: EXP, edit: (e) => e.relSym(".livepatch.funcs", 0, 0), lines: () => [p("Encountered STN_UNDEF")] },
  // "%s: Relative relocation wants symbol@%u which is past end\n"
  { xen: "x86 arch_livepatch_perform_rela: Relative relocation wants symbol@%u which is past end", base: EXP, edit: (e) => e.relSym(".livepatch.funcs", 0, 999), lines: () => [p("Relative relocation wants symbol@999 which is past end")] },
  // "%s: Relocation against ignored symbol %s cannot be resolved\n" (a section symbol's name is "")
  {
    xen: "x86 arch_livepatch_perform_rela: Relocation against ignored symbol %s cannot be resolved",
    base: EXP,
    edit: (e) => e.relSym(".livepatch.funcs", 0, e.sectionSymbol(".note.GNU-stack")),
    lines: () => [p("Relocation against ignored symbol  cannot be resolved")],
  },
  // "%s: Overflow in relocation %u in %s for %s\n"
  {
    xen: "x86 arch_livepatch_perform_rela: Overflow in relocation %u in %s for %s",
    base: EXP,
    edit: (e) => e.u64(e.relField(".text.xen_hello_world", 0, "addend"), 1n << 32n),
    lines: () => [p("Overflow in relocation 0 in .rela.text.xen_hello_world for .text.xen_hello_world")],
  },
  // "%s: Unhandled relocation %lu\n"
  { xen: "x86 arch_livepatch_perform_rela: Unhandled relocation %lu", base: EXP, edit: (e) => e.relType(".livepatch.funcs", 0, 11), lines: () => [p("Unhandled relocation 11")] },
  // "%s: Relative relocation offset is past %s section\n"
  {
    xen: "x86 arch_livepatch_perform_rela: Relative relocation offset is past %s section",
    base: EXP,
    edit: (e) => e.u64(e.relField(".livepatch.funcs", 0, "offset"), 100n),
    lines: () => [p("Relative relocation offset is past .livepatch.funcs section")],
  },
  // arm64: the same wording, no trailing "!"
  {
    xen: "arm64 arch_livepatch_perform_rela: Relative relocation offset is past %s section",
    arch: "aarch64",
    base: HELLO,
    edit: (e) => e.u64(e.relField(".livepatch.funcs", 0, "offset"), 102n),
    lines: () => [p("Relative relocation offset is past .livepatch.funcs section")],
  },
  {
    xen: "arm64 arch_livepatch_perform_rela: Overflow in relocation %u in %s for %s",
    arch: "aarch64",
    base: HELLO,
    edit: (e) => e.relType(".livepatch.funcs", 0, 258),
    lines: () => [p("Overflow in relocation 0 in .rela.livepatch.funcs for .livepatch.funcs")],
  },
  { xen: "arm64 arch_livepatch_perform_rela: Unhandled relocation %lu", arch: "aarch64", base: HELLO, edit: (e) => e.relType(".livepatch.funcs", 0, 0), lines: () => [p("Unhandled relocation 0")] },
  // xen/arch/arm/arm32/livepatch.c arch_livepatch_perform(): "%s: Relative symbol wants symbol@%u which is past end\n"
  {
    xen: "arm32 arch_livepatch_perform: Relative symbol wants symbol@%u which is past end",
    arch: "arm32",
    base: HELLO,
    edit: (e) => e.relSym(".livepatch.funcs", 0, 500),
    lines: () => [p("Relative symbol wants symbol@500 which is past end")],
  },
  // arm32 arch_livepatch_perform(): "%s: Unhandled relocation #%x\n"
  { xen: "arm32 arch_livepatch_perform: Unhandled relocation #%x", arch: "arm32", base: HELLO, edit: (e) => e.relType(".livepatch.funcs", 0, 0x1a), lines: () => [p("Unhandled relocation #1a")] },
]);

transcripts("xen/common/livepatch.c load_payload_data(): build-ids, sections, prepare_payload()", [
  // check_xen_buildid(): "%s: section %s is missing\n"
  { xen: "check_xen_buildid: section %s is missing", base: NOP, edit: (e) => e.rename(".livepatch.xen_depends", ".livepatch.xen_dependz"), lines: () => [p("section .livepatch.xen_depends is missing")] },
  // check_xen_buildid(): "%s: failed to parse section %s as build-id: %d\n" (parse_buildid() returns -ENODATA for a note of another type)
  {
    xen: "check_xen_buildid: failed to parse section %s as build-id: %d",
    base: NOP,
    edit: (e) => e.u32(e.dataAt(".livepatch.xen_depends", 8), 4),
    lines: () => [p("failed to parse section .livepatch.xen_depends as build-id: -61")],
  },
  {
    xen: "check_xen_buildid: failed to parse section %s as build-id: %d (a 12-byte section)",
    base: NOP,
    edit: (e) => e.sh(".livepatch.xen_depends", "size", 12n),
    lines: () => [p("failed to parse section .livepatch.xen_depends as build-id: -22")],
  },
  // check_xen_buildid(): "%s: build-id mismatch:\n  livepatch: %*phN\n        xen: %*phN\n"
  {
    xen: "check_xen_buildid: build-id mismatch: / livepatch: %*phN / xen: %*phN",
    base: NOP,
    edit: (e) => e.u8(e.dataAt(".livepatch.xen_depends", 16), e.bytes[e.dataAt(".livepatch.xen_depends", 16)] ^ 0x10),
    lines: (e, hv) => {
      const at = e.dataAt(".livepatch.xen_depends", 16);
      return [p("build-id mismatch:"), `  livepatch: ${Buffer.from(e.bytes.subarray(at, at + 20)).toString("hex")}`, `        xen: ${Buffer.from(hv.bootSpec!.buildId!).toString("hex")}`];
    },
  },
  // move_payload(): "%s: Could not allocate memory for payload\n"
  { xen: "move_payload: Could not allocate memory for payload", arch: "aarch64", base: NOP, edit: (e) => e.sh(".bss", "size", 0x200000n), lines: () => [p("Could not allocate memory for payload")] },
  // check_special_sections(): "%s: %s is missing\n" / "%s: %s is empty\n"
  { xen: "check_special_sections: %s is missing", base: NOP, edit: (e) => e.rename(".livepatch.depends", ".livepatch.dependz"), lines: () => [p(".livepatch.depends is missing")] },
  { xen: "check_special_sections: %s is empty", base: NOP, edit: (e) => e.sh(".note.gnu.build-id", "size", 0n), lines: () => [p(".note.gnu.build-id is empty")] },
  // check_patching_sections(): "%s: %s is empty\n" / "%s: Nothing to patch. Aborting...\n"
  { xen: "check_patching_sections: %s is empty", base: NOP, edit: (e) => e.sh(".rela.livepatch.funcs", "size", 0n).sh(".livepatch.funcs", "size", 0n), lines: () => [p(".livepatch.funcs is empty")] },
  { xen: "check_patching_sections: Nothing to patch. Aborting...", base: NOP, edit: (e) => e.rename(".livepatch.funcs", ".livepatch.funcz"), lines: () => [p("Nothing to patch. Aborting...")] },
  // section_ok(): "%s: Wrong size %"PRIuElfWord" of %s (must be multiple of %zu)\n"
  { xen: "section_ok: Wrong size %u of %s (must be multiple of %zu) (funcs)", base: NOP, edit: (e) => e.sh(".livepatch.funcs", "size", 105n), lines: () => [p("Wrong size 105 of .livepatch.funcs (must be multiple of 104)")] },
  {
    xen: "section_ok: Wrong size %u of %s (must be multiple of %zu) (load hooks)",
    base: HELLO,
    edit: (e) => e.sh(".rela.livepatch.hooks.load", "size", 0n).sh(".livepatch.hooks.load", "size", 12n),
    lines: () => [p("Wrong size 12 of .livepatch.hooks.load (must be multiple of 8)")],
  },
  // ARM's struct bug_frame (xen/arch/arm/include/asm/bug.h) is 16 bytes: 24 is not a multiple.
  {
    xen: "section_ok: Wrong size %u of %s (must be multiple of %zu) (ARM bug frames)",
    arch: "aarch64",
    base: HELLO,
    edit: (e) => e.rename(".note.GNU-stack", ".bug_frames.1").sh(e.section(".note.GNU-stack").index, "size", 24n).sh(e.section(".note.GNU-stack").index, "offset", 64n),
    lines: () => [p("Wrong size 24 of .bug_frames.1 (must be multiple of 16)")],
  },
  // prepare_payload(): "%s: Wrong version (%u). Expected %d\n"
  { xen: "prepare_payload: Wrong version (%u). Expected %d", base: EXP, edit: (e) => e.u8(e.dataAt(".livepatch.funcs", 32), 3), lines: () => [p("Wrong version (3). Expected 2")] },
  // prepare_payload(): "%s: Address or size fields are zero\n"
  { xen: "prepare_payload: Address or size fields are zero", base: EXP, edit: (e) => e.u32(e.dataAt(".livepatch.funcs", 28), 0), lines: () => [p("Address or size fields are zero")] },
  // resolve_old_address(): "%s: Could not resolve old address of %s\n"
  {
    xen: "resolve_old_address: Could not resolve old address of %s",
    base: "xen_replace_world",
    edit: (e) => e.u8(e.dataAt(".rodata.str1.1", "xen_extra_version".length - 1), 0x51),
    lines: () => [p("Could not resolve old address of xen_extra_versioQ")],
  },
  // prepare_payload(): "%s: Incorrect metadata format detected\n"
  { xen: "prepare_payload: Incorrect metadata format detected", base: HELLO, edit: (e) => e.u8(e.dataAt(".modinfo", 15), 0x41), lines: () => [p("Incorrect metadata format detected")] },
  // prepare_payload() without CONFIG_HAS_EX_TABLE: "%s: We don't support .ex_table\n"
  { xen: "prepare_payload (ARM): We don't support .ex_table", arch: "aarch64", base: HELLO, edit: (e) => e.rename(".note.GNU-stack", ".ex_table"), lines: () => [p("We don't support .ex_table")] },
  // prepare_payload() without CONFIG_ALTERNATIVE_CALL: "%s: Alternative calls not supported\n"
  { xen: "prepare_payload (ARM): Alternative calls not supported", arch: "aarch64", base: HELLO, edit: (e) => e.rename(".note.GNU-stack", ".alt_call_sites"), lines: () => [p("Alternative calls not supported")] },
  // Silent refusals: arch_livepatch_verify_func() and a build-id note parse_buildid() rejects print nothing.
  { xen: "arch_livepatch_verify_func (x86): silent -EINVAL", base: EXP, edit: (e) => e.u32(e.dataAt(".livepatch.funcs", 28), 4), lines: () => [] },
  { xen: "prepare_payload parse_buildid(): silent -ENODATA", base: NOP, edit: (e) => e.u32(e.dataAt(".note.gnu.build-id", 8), 4), lines: () => [] },
]);

transcripts("prepare_payload() alternatives and xen/arch/x86/alternative.c _apply_alternatives()", [
  // prepare_payload(): "%s .altinstructions provided, but no .altinstr_replacement\n" (no colon after the name)
  {
    xen: "prepare_payload: %s .altinstructions provided, but no .altinstr_replacement",
    base: ALT,
    edit: (e) => e.rename(".altinstr_replacement", ".altinstr_replacemenX"),
    lines: () => ["livepatch: p .altinstructions provided, but no .altinstr_replacement"],
  },
  // _apply_alternatives(): "alt table %p -> %p\n", then "Alt for %ps, replacement size %#x larger than origin %#x\n",
  // then prepare_payload(): "%s applying alternatives failed: %d\n"
  {
    xen: "_apply_alternatives: alt table %p -> %p / Alt for %ps, replacement size %#x larger than origin %#x / %s applying alternatives failed: %d",
    base: ALT,
    edit: (e) => e.u8(e.dataAt(".altinstructions", 12), 0),
    lines: (e, hv) => {
      const table = hv.consoleLines().find((l) => l.startsWith("alt table "))!;
      const [start, end] = /^alt table ([0-9a-f]{16}) -> ([0-9a-f]{16})$/.exec(table)!.slice(1).map((x) => BigInt(`0x${x}`));
      expect(end - start).toBe(BigInt(e.section(".altinstructions").size));
      // Entry 0's orig is .text.xen_alt_major_version + 0 (R_X86_64_PC32, readelf -r), the first
      // non-empty text section: the payload's text base, the first 2 MiB boundary after _end.
      const orig = firstPayloadBase(hv, X);
      const entry = new DataView(e.bytes.buffer, e.dataAt(".altinstructions"));
      const replLen = entry.getUint8(11);
      const origLen = entry.getUint8(10);
      return [table, `Alt for ${hexp(orig)}, replacement size 0x${replLen.toString(16)} larger than origin 0x${origLen.toString(16)}`, "livepatch: p applying alternatives failed: -28"];
    },
  },
]);
