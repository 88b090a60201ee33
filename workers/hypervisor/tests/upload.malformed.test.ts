// One malformed payload per upload check (livepatch_elf_load(), load_payload_data() and
// prepare_payload() in xen/common/livepatch{,_elf}.c, the arch relocation code), each built by
// editing a real sample, each asserting Xen's exact return code, its rule id, and where Xen logs
// one, the console line (transcript.test.ts quotes every message with its Xen function).
import { describe, expect, it } from "vitest";
import type { HypervisorApi } from "../host/api.ts";
import { bootArch, Edit, firstPayloadBase, payloadBytes, type SampleArch } from "./support/payloads.ts";

const EINVAL = -22;
const EOPNOTSUPP = -95;
const ENOENT = -2;
const EEXIST = -17;
const EOVERFLOW = -75;
const ENOSYS = -38;
const ENODATA = -61;
const ENOSPC = -28;
const ERANGE = -34;

interface Case {
  name: string;
  arch?: SampleArch;
  base: string;
  edit: (e: Edit) => unknown;
  rc: number;
  /** The rule id the failure event carries (every refused case has one). */
  rule?: string;
  line?: string;
  /** Bytes instead of an edit result (for truncation and the like). */
  bytes?: (e: Edit) => Uint8Array;
}

async function run(c: Case): Promise<{ hv: HypervisorApi; rc: number; size: number }> {
  const arch = c.arch ?? "x86_64";
  const hv = await bootArch(arch);
  const e = new Edit(payloadBytes(arch, c.base));
  c.edit(e);
  const bytes = c.bytes ? c.bytes(e) : e.bytes;
  const rc = hv.upload("p", bytes);
  return { hv, rc, size: bytes.length };
}

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(`${c.name} → ${c.rc}`, async () => {
        const { hv, rc, size } = await run(c);
        expect(rc).toBe(c.rc);
        if (c.line !== undefined) expect(hv.consoleLines().at(-1)).toBe(`livepatch: p: ${c.line}`);
        const failed = hv.events().filter((e) => e.kind === "check-failed");
        if (rc !== 0) {
          expect(c.rule, "a refused case names its rule").toBeDefined();
          expect(failed).toHaveLength(1);
          const f = failed[0];
          expect(f).toMatchObject({ payload: "p", op: "UPLOAD", rule: c.rule, rc, rcKind: "hypercall" });
          if (f.offset !== undefined) expect(f.offset + (f.length ?? 0)).toBeLessThanOrEqual(size);
          expect(f.explanation.length).toBeGreaterThan(5);
          expect(hv.list()).toEqual([]);
          expect(hv.readMemory(firstPayloadBase(hv, c.arch ?? "x86_64"), 1)).toBeNull();
        } else {
          expect(failed).toEqual([]);
          expect(hv.readMemory(firstPayloadBase(hv, c.arch ?? "x86_64"), 1)).not.toBeNull();
        }
      });
    }
  });
}

const NOP = "xen_nop";
const EXP = "xen_expectations";
const HELLO = "xen_hello_world";
const ALT = "xen_alternatives";
const funcs = ".livepatch.funcs";

// Xen reads the header as its own class and byte order; when the field it trips on only looks wrong
// because the file has another layout, the explanation says which.
describe("a header refused because it has another layout says so", () => {
  const refusal = async (arch: SampleArch, bytes: Uint8Array) => {
    const hv = await bootArch(arch);
    expect(hv.upload("p", bytes)).toBe(EOPNOTSUPP);
    return hv.events().find((e) => e.kind === "check-failed");
  };
  it("an ELFCLASS32 payload on x86_64: Xen's e_phnum is its e_shentsize and e_shnum", async () => {
    // arm32 hello world: e_shentsize 40, e_shnum 34 (readelf -h) sit where Elf64_Ehdr has e_phnum.
    const f = await refusal("x86_64", payloadBytes("arm32", HELLO));
    expect(f).toMatchObject({ rule: "elf-header-unsupported", offset: 56, length: 2 });
    // xen/common/livepatch_elf.c livepatch_header_check(): "%s: Invalid ELF payload\n".
    expect(f?.explanation).toBe("livepatch: p: Invalid ELF payload (the file is ELFCLASS32 and Xen reads its header as the ELFCLASS64 layout it loads; read so, the file has program headers)");
  });
  it("a big-endian payload: e_version 1 read little-endian is 0x01000000", async () => {
    const e = new Edit(payloadBytes("aarch64", NOP));
    e.u8(5, 2).u32(20, 0x01000000);
    const f = await refusal("aarch64", e.bytes);
    expect(f).toMatchObject({ rule: "elf-header-unsupported", offset: 20, length: 4 });
    expect(f?.explanation).toBe("livepatch: p: Invalid ELF payload (the file is big-endian and Xen reads its header little-endian; read so, e_version is not 1)");
  });
  it("a big-endian x86_64 header that passes the common checks names its byte order", async () => {
    const e = new Edit(payloadBytes("x86_64", NOP));
    e.u8(5, 2);
    const hv = await bootArch("x86_64");
    expect(hv.upload("p", e.bytes)).toBe(EOPNOTSUPP);
    // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type\n".
    expect(hv.events().find((x) => x.kind === "check-failed")?.explanation).toBe("livepatch: p: Unsupported ELF Machine type (e_machine 62, ELFCLASS64, big-endian is not what this hypervisor loads)");
  });
});

// A refusal Xen prints one line for leads its explanation (the audit finding's text) with that line,
// word for word, so a reviewer finds it on the host's console; the simulator's detail follows.
describe("a refusal with one Xen line quotes it first", () => {
  const explanation = async (base: string, edit: (e: Edit) => unknown, rc: number) => {
    const e = new Edit(payloadBytes("x86_64", base));
    edit(e);
    const hv = await bootArch("x86_64");
    expect(hv.upload("p", e.bytes)).toBe(rc);
    return hv.events().find((x) => x.kind === "check-failed")?.explanation;
  };
  it("ET_EXEC: livepatch_header_check()'s line", async () => {
    // xen/common/livepatch_elf.c livepatch_header_check(): hdr->e_type != ET_REL -> "%s: Invalid ELF payload\n", -EOPNOTSUPP.
    expect(await explanation(NOP, (e) => e.u16(16, 2), EOPNOTSUPP)).toBe("livepatch: p: Invalid ELF payload (e_type is not ET_REL)");
  });
  it("ELFCLASS32 on x86: arch_livepatch_verify_elf()'s line", async () => {
    // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): EI_CLASS != ELFCLASS64 -> "%s: Unsupported ELF Machine type\n".
    expect(await explanation(NOP, (e) => e.u8(4, 1), EOPNOTSUPP)).toBe("livepatch: p: Unsupported ELF Machine type (e_machine 62, ELFCLASS32 is not what this hypervisor loads)");
  });
  it("the other header refusals: livepatch_header_check()'s lines", async () => {
    // xen/common/livepatch_elf.c livepatch_header_check(): !IS_ELF -> "%s: Not an ELF payload\n";
    // e_shstrndx == SHN_UNDEF -> "%s: Section name idx is undefined\n"; e_shnum >= 1024 ->
    // "%s: Too many (%u) sections\n"; e_shoff >= len -> "%s: Bogus e_shoff\n".
    expect(await explanation(NOP, (e) => e.u8(1, 0x46), EINVAL)).toBe("livepatch: p: Not an ELF payload (the file does not start with the ELF magic)");
    expect(await explanation(NOP, (e) => e.u16(62, 0), EINVAL)).toBe("livepatch: p: Section name idx is undefined (e_shstrndx is SHN_UNDEF)");
    expect(await explanation(NOP, (e) => e.u16(60, 1024), EOPNOTSUPP)).toBe("livepatch: p: Too many (1024) sections (Xen takes at most 1023 sections)");
    expect(await explanation(NOP, (e) => e.u32(40, 0x7fffffff), EINVAL)).toBe("livepatch: p: Bogus e_shoff (e_shoff is at or past the end of the file)");
  });
  it("a RELA section whose entries are too small or do not fill it: livepatch_elf_perform_relocs()'s line", async () => {
    // xen/common/livepatch_elf.c livepatch_elf_perform_relocs(): sh_entsize < sizeof(Elf_RelA) (24 on
    // ELF64) or sh_size % sh_entsize -> "%s: Section relative header is corrupted\n", -EINVAL.
    expect(await explanation(EXP, (e) => e.sh(".rela.livepatch.funcs", "entsize", 16n), EINVAL)).toBe(
      "livepatch: p: Section relative header is corrupted (.rela.livepatch.funcs: sh_entsize 16 is smaller than one Elf_Rela (24 bytes))",
    );
    expect(await explanation(EXP, (e) => e.sh(".rela.livepatch.funcs", "size", 0x47n), EINVAL)).toBe(
      "livepatch: p: Section relative header is corrupted (.rela.livepatch.funcs: sh_entsize 24 does not divide sh_size 71)",
    );
  });
});

table("ELF header checks, in Xen's order (livepatch_elf.c: livepatch_header_check())", [
  { name: "shorter than an Elf64_Ehdr", rule: "elf-unparsable", base: NOP, edit: () => 0, bytes: (e) => e.bytes.slice(0, 63), rc: EINVAL },
  { name: "bad magic", rule: "elf-unparsable", base: NOP, edit: (e) => e.u8(1, 0x46), rc: EINVAL, line: "Not an ELF payload" },
  { name: "e_version 2", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u32(20, 2), rc: EOPNOTSUPP, line: "Invalid ELF payload" },
  { name: "EI_VERSION 0", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u8(6, 0), rc: EOPNOTSUPP },
  { name: "EI_ABIVERSION 1", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u8(8, 1), rc: EOPNOTSUPP },
  { name: "EI_OSABI Linux", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u8(7, 3), rc: EOPNOTSUPP },
  { name: "EI_OSABI FreeBSD is accepted", base: NOP, edit: (e) => e.u8(7, 9), rc: 0 },
  { name: "ET_EXEC", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u16(16, 2), rc: EOPNOTSUPP },
  { name: "program headers present", rule: "elf-header-unsupported", base: NOP, edit: (e) => e.u16(56, 1), rc: EOPNOTSUPP },
  { name: "e_machine AArch64 on x86", rule: "elf-arch-unsupported", base: NOP, edit: (e) => e.u16(18, 183), rc: EOPNOTSUPP, line: "Unsupported ELF Machine type" },
  { name: "ELFCLASS32 on x86", rule: "elf-arch-unsupported", base: NOP, edit: (e) => e.u8(4, 1), rc: EOPNOTSUPP },
  { name: "big-endian EI_DATA on x86", rule: "elf-arch-unsupported", base: NOP, edit: (e) => e.u8(5, 2), rc: EOPNOTSUPP },
  { name: "big-endian EI_DATA is not checked on AArch64", arch: "aarch64", base: NOP, edit: (e) => e.u8(5, 2), rc: 0 },
  { name: "ARM32 EABI version 4", rule: "elf-arch-unsupported", arch: "arm32", base: HELLO, edit: (e) => e.u32(36, 0x04000000), rc: EOPNOTSUPP },
  { name: "e_shstrndx SHN_UNDEF", rule: "elf-section-table-bad", base: NOP, edit: (e) => e.u16(62, 0), rc: EINVAL },
  { name: "e_shnum 1024 (tested before shstrndx range)", rule: "elf-too-many-sections", base: NOP, edit: (e) => e.u16(60, 1024), rc: EOPNOTSUPP },
  { name: "e_shstrndx = e_shnum", rule: "elf-section-table-bad", base: NOP, edit: (e) => e.u16(62, e.elf.header.shnum), rc: EINVAL },
  { name: "e_shoff at the end of the file", rule: "elf-section-table-bad", base: NOP, edit: (e) => e.u64(40, BigInt(e.bytes.length)), rc: EINVAL, line: "Bogus e_shoff" },
  { name: "e_shentsize 63", rule: "elf-section-table-bad", base: NOP, edit: (e) => e.u16(58, 63), rc: EINVAL },
  { name: "section table longer than the file", rule: "elf-section-table-bad", base: NOP, edit: (e) => e.u16(60, e.elf.header.shnum + 1), rc: EINVAL, line: "Section header size is corrupted" },
]);

table("section header checks (livepatch_elf.c: elf_resolve_sections())", [
  { name: "data at the ELF header", rule: "section-offset-bad", base: NOP, edit: (e) => e.sh(".rodata.str1.1", "offset", 0x10n), rc: EINVAL },
  { name: "NOBITS data at the ELF header too", rule: "section-offset-bad", base: NOP, edit: (e) => e.sh(".bss", "offset", 0n), rc: EINVAL },
  { name: "data past the end", rule: "section-offset-bad", base: NOP, edit: (e) => e.sh(".rodata.str1.1", "size", BigInt(e.bytes.length)), rc: EINVAL },
  { name: "NOBITS past the end is fine", base: NOP, edit: (e) => e.sh(".bss", "offset", 0x100000n), rc: 0 },
  // sh_offset + sh_size = 2^64 + 1: the sum Xen compares wraps to 1, so its check passes.
  { name: "a size that wraps, on a section Xen never reads, passes as in Xen", base: NOP, edit: (e) => e.sh(".note.GNU-stack", "size", wrapTo1(e, ".note.GNU-stack")), rc: 0 },
  { name: "a size that wraps, on an ALLOC section move_payload() copies", rule: "section-offset-bad", base: NOP, edit: (e) => e.sh(".rodata.str1.1", "size", wrapTo1(e, ".rodata.str1.1")), rc: EINVAL },
  { name: "a size that wraps, on the symbols' string table", rule: "section-offset-bad", base: NOP, edit: (e) => e.sh(".strtab", "size", wrapTo1(e, ".strtab")), rc: EINVAL },
  { name: "a size that wraps, on the relocations of an ALLOC section", rule: "section-offset-bad", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "size", wrapTo1(e, ".rela.livepatch.funcs")), rc: EINVAL },

  { name: "alignment 3", rule: "section-align-not-power-of-two", base: NOP, edit: (e) => e.sh(".rodata.str1.1", "addralign", 3n), rc: EOPNOTSUPP },
  { name: "sh_addr not aligned", rule: "section-addr-misaligned", base: NOP, edit: (e) => e.sh(funcs, "addr", 4n), rc: EINVAL },
  { name: ".bss over 2 MiB", rule: "section-nobits-too-large", base: NOP, edit: (e) => e.sh(".bss", "size", 0x200001n), rc: EINVAL },
  { name: ".bss of exactly 2 MiB", base: NOP, edit: (e) => e.sh(".bss", "size", 0x200000n), rc: 0 },
  { name: "a second SHT_SYMTAB", rule: "symtab-duplicate", base: NOP, edit: (e) => e.sh(".note.GNU-stack", "type", 2), rc: EOPNOTSUPP, line: "Unsupported multiple symbol tables" },
  { name: "symtab sh_link past e_shnum", rule: "symtab-malformed", base: NOP, edit: (e) => e.sh(".symtab", "link", 99), rc: EINVAL },
  { name: "no symbol table", rule: "symtab-missing", base: NOP, edit: (e) => e.sh(".symtab", "type", 1), rc: EINVAL, line: "No symbol table found" },
  { name: "symtab entsize 16", rule: "symtab-malformed", base: NOP, edit: (e) => e.sh(".symtab", "entsize", 16n), rc: EINVAL },
  { name: "symtab size not a multiple of entsize", rule: "symtab-malformed", base: NOP, edit: (e) => e.sh(".symtab", "size", e.section(".symtab").size - 1n), rc: EINVAL },
  { name: "strtab is not SHT_STRTAB", rule: "strtab-malformed", base: NOP, edit: (e) => e.sh(".strtab", "type", 1), rc: EINVAL },
  { name: "strtab does not start with NUL", rule: "strtab-malformed", base: NOP, edit: (e) => e.u8(e.dataAt(".strtab"), 0x41), rc: EINVAL },
  { name: ".shstrtab does not end with NUL", rule: "strtab-malformed", base: NOP, edit: (e) => e.u8(e.dataAt(".shstrtab", Number(e.section(".shstrtab").size) - 1), 0x41), rc: EINVAL },
  { name: "section name outside .shstrtab", rule: "strtab-malformed", base: NOP, edit: (e) => e.sh(".text", "name", 0x1000), rc: EINVAL },
  { name: "symbol name outside .strtab", rule: "strtab-malformed", base: NOP, edit: (e) => e.u32(e.symField(1, "name"), 0x10000), rc: EINVAL },
  {
    name: "ARM32 Thumb mapping symbol $t", rule: "arm32-thumb-symbol",
    arch: "arm32",
    base: HELLO,
    edit: (e) => e.renameSymbol("hello_world_count", "$t"),
    rc: EINVAL,
  },
]);

table("symbols and the generic relocation pass (livepatch_elf.c: livepatch_elf_resolve_symbols(), livepatch_elf_perform_relocs())", [
  { name: "SHN_COMMON symbol", rule: "symbol-common", base: EXP, edit: (e) => e.u16(e.symField(e.symIndex("xen_hello_world"), "shndx"), 0xfff2), rc: EINVAL, line: "Unexpected common symbol: xen_hello_world" },
  { name: "unknown undefined symbol", rule: "symbol-unresolved", base: EXP, edit: (e) => e.renameSymbol("xen_extra_version", "xen_extra_versiom"), rc: ENOENT, line: "Unknown symbol: xen_extra_versiom" },
  { name: "reserved section index", rule: "symbol-section-reserved", base: EXP, edit: (e) => e.u16(e.symField(e.symIndex("xen_hello_world"), "shndx"), 0xff00), rc: EOPNOTSUPP },
  { name: "section index past e_shnum", rule: "symbol-section-out-of-range", base: EXP, edit: (e) => e.u16(e.symField(e.symIndex("xen_hello_world"), "shndx"), 200), rc: EINVAL },
  { name: "relocation section linked to the wrong table", rule: "reloc-section-bad", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "link", 0), rc: EINVAL },
  { name: "RELA entsize 16", rule: "reloc-section-bad", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "entsize", 16n), rc: EINVAL },
  { name: "RELA size not a multiple of entsize", rule: "reloc-section-bad", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "size", 0x47n), rc: EINVAL },
  { name: "SHT_REL on x86", rule: "reloc-rel-unsupported", base: EXP, edit: (e) => e.sh(".rela.livepatch.funcs", "type", 9), rc: EOPNOTSUPP, line: "SHT_REL relocation unsupported" },
  { name: "SHT_REL on AArch64", rule: "reloc-rel-unsupported", arch: "aarch64", base: HELLO, edit: (e) => e.sh(".rela.livepatch.funcs", "type", 9), rc: ENOSYS },
  { name: "relocation against STN_UNDEF", rule: "reloc-symbol-none", base: EXP, edit: (e) => e.relSym(funcs, 0, 0), rc: EOPNOTSUPP, line: "Encountered STN_UNDEF" },
  { name: "relocation symbol past the table", rule: "reloc-symbol-out-of-range", base: EXP, edit: (e) => e.relSym(funcs, 0, 999), rc: EINVAL },
  { name: "relocation symbol index with the top bit set", rule: "reloc-symbol-out-of-range", base: EXP, edit: (e) => e.relSym(funcs, 0, 0x80000010), rc: EINVAL },
  { name: "relocation against a non-ALLOC section's symbol", rule: "reloc-against-ignored-symbol", base: EXP, edit: (e) => e.relSym(funcs, 0, e.sectionSymbol(".note.GNU-stack")), rc: EINVAL },
  { name: "relocations for a target past e_shnum are skipped", base: NOP, edit: (e) => e.sh(".rela.livepatch.funcs", "info", 999), rc: 0 },
]);

/** A section size that makes sh_offset + sh_size come to 2^64 + 1. */
function wrapTo1(e: Edit, name: string): bigint {
  return (1n << 64n) - e.section(name).offset + 1n;
}

const pc32 = ".text.xen_hello_world";
table("x86-64 relocations (arch/x86/livepatch.c: arch_livepatch_perform_rela())", [
  { name: "R_X86_64_64 past the section end", rule: "reloc-offset-out-of-range", base: EXP, edit: (e) => e.u64(e.relField(funcs, 0, "offset"), 100n), rc: EINVAL, line: "Relative relocation offset is past .livepatch.funcs section" },
  { name: "PC32 past the section end", rule: "reloc-offset-out-of-range", base: EXP, edit: (e) => e.u64(e.relField(pc32, 0, "offset"), 6n), rc: EINVAL },
  { name: "PC32 overflow", rule: "reloc-overflow", base: EXP, edit: (e) => e.u64(e.relField(pc32, 0, "addend"), 1n << 32n), rc: EOVERFLOW, line: "Overflow in relocation 0 in .rela.text.xen_hello_world for .text.xen_hello_world" },
  { name: "PLT32 overflows like PC32", rule: "reloc-overflow", base: EXP, edit: (e) => e.relType(pc32, 0, 4).u64(e.relField(pc32, 0, "addend"), 1n << 32n), rc: EOVERFLOW },
  { name: "R_X86_64_32 is unhandled", rule: "reloc-type-unsupported", base: EXP, edit: (e) => e.relType(funcs, 0, 10), rc: EOPNOTSUPP, line: "Unhandled relocation 10" },
  { name: "R_X86_64_NONE is accepted", base: EXP, edit: (e) => e.relType(funcs, 0, 0), rc: 0 },
]);

const a64Jump = ".text.hello_world_load";
table("AArch64 relocations (arch/arm/arm64/livepatch.c: arch_livepatch_perform_rela())", [
  { name: "offset past the section end", rule: "reloc-offset-out-of-range", arch: "aarch64", base: HELLO, edit: (e) => e.u64(e.relField(funcs, 0, "offset"), 102n), rc: EINVAL },
  { name: "ABS64 needs 8 bytes", rule: "reloc-offset-out-of-range", arch: "aarch64", base: HELLO, edit: (e) => e.u64(e.relField(funcs, 0, "offset"), 98n), rc: EINVAL },
  { name: "JUMP26 beyond 128 MiB", rule: "reloc-overflow", arch: "aarch64", base: HELLO, edit: (e) => e.u64(e.relField(a64Jump, 2, "addend"), 1n << 28n), rc: EOVERFLOW },
  { name: "R_AARCH64_NONE is unhandled", rule: "reloc-type-unsupported", arch: "aarch64", base: HELLO, edit: (e) => e.relType(funcs, 0, 0), rc: EOPNOTSUPP },
  { name: "ABS32 of a 64-bit address overflows", rule: "reloc-overflow", arch: "aarch64", base: HELLO, edit: (e) => e.relType(funcs, 0, 258), rc: EOVERFLOW },
  { name: "ABS16 overflows", rule: "reloc-overflow", arch: "aarch64", base: HELLO, edit: (e) => e.relType(funcs, 0, 259), rc: EOVERFLOW },
  { name: "PREL64 is never checked", arch: "aarch64", base: HELLO, edit: (e) => e.relType(".livepatch.hooks.load", 0, 260), rc: 0 },
  { name: "MOVW_UABS_G0 checks the range", rule: "reloc-overflow", arch: "aarch64", base: HELLO, edit: (e) => e.relType(a64Jump, 2, 263), rc: EOVERFLOW },
  { name: "MOVW_UABS_G0_NC does not", arch: "aarch64", base: HELLO, edit: (e) => e.relType(a64Jump, 2, 264), rc: 0 },
  {
    name: "TSTBR14 tests 19 bits (a 64 KiB branch passes)",
    arch: "aarch64",
    base: HELLO,
    edit: (e) => e.relType(a64Jump, 2, 279).relSym(a64Jump, 2, e.sectionSymbol(a64Jump)).u64(e.relField(a64Jump, 2, "addend"), 0x10000n),
    rc: 0,
  },
  {
    name: "TSTBR14 beyond the 19-bit range", rule: "reloc-overflow",
    arch: "aarch64",
    base: HELLO,
    edit: (e) => e.relType(a64Jump, 2, 279).relSym(a64Jump, 2, e.sectionSymbol(a64Jump)).u64(e.relField(a64Jump, 2, "addend"), 0x200000n),
    rc: EOVERFLOW,
  },
]);

table("ARM32 relocations (arch/arm/arm32/livepatch.c: arch_livepatch_perform())", [
  { name: "unhandled type", rule: "reloc-type-unsupported", arch: "arm32", base: HELLO, edit: (e) => e.relType(a64Jump, 2, 10), rc: EOPNOTSUPP },
  // The odd-branch hello keeps gcc's `b printk` (R_ARM_JUMP24, relocation 2 of hello_world_load); the hello has none.
  { name: "JUMP24 beyond 32 MiB", rule: "reloc-overflow", arch: "arm32", base: "xen_hello_world_oddbranch", edit: (e) => e.u32(e.dataAt(a64Jump, 8), 0xea800000), rc: EOVERFLOW },
]);

table("notes and mandatory sections (livepatch.c: check_xen_buildid(), check_special_sections(), prepare_payload())", [
  { name: ".livepatch.xen_depends of 12 bytes", rule: "xen-depends-malformed", base: NOP, edit: (e) => e.sh(".livepatch.xen_depends", "size", 12n), rc: EINVAL },
  { name: ".livepatch.xen_depends of the wrong note type", rule: "xen-depends-malformed", base: NOP, edit: (e) => e.u32(e.dataAt(".livepatch.xen_depends", 8), 4), rc: EINVAL },
  { name: ".livepatch.depends missing", rule: "depends-missing", base: NOP, edit: (e) => e.rename(".livepatch.depends", ".livepatch.dependz"), rc: EINVAL, line: ".livepatch.depends is missing" },
  { name: ".note.gnu.build-id empty", rule: "build-id-missing", base: NOP, edit: (e) => e.sh(".note.gnu.build-id", "size", 0n), rc: EINVAL, line: ".note.gnu.build-id is empty" },
  { name: "nothing to patch", rule: "nothing-to-patch", base: NOP, edit: (e) => e.rename(funcs, ".livepatch.funcz"), rc: EINVAL, line: "Nothing to patch. Aborting..." },
  { name: ".livepatch.funcs empty", rule: "patch-section-empty", base: NOP, edit: (e) => e.sh(".rela.livepatch.funcs", "size", 0n).sh(funcs, "size", 0n), rc: EINVAL, line: ".livepatch.funcs is empty" },
  { name: ".livepatch.funcs of 103 bytes", rule: "funcs-size-not-multiple", base: NOP, edit: (e) => e.sh(funcs, "size", 103n), rc: EINVAL, line: "Wrong size 103 of .livepatch.funcs (must be multiple of 104)" },
  { name: "build-id of another note type", rule: "build-id-malformed", base: NOP, edit: (e) => e.u32(e.dataAt(".note.gnu.build-id", 8), 4), rc: ENODATA },
  { name: "build-id namesz 3", rule: "build-id-malformed", base: NOP, edit: (e) => e.u32(e.dataAt(".note.gnu.build-id", 0), 3), rc: EINVAL },
  { name: "build-id owner not GNU", rule: "build-id-malformed", base: NOP, edit: (e) => e.u8(e.dataAt(".note.gnu.build-id", 12), 0x58), rc: ENODATA },
  { name: "build-id with an empty desc", rule: "build-id-malformed", base: NOP, edit: (e) => e.u32(e.dataAt(".note.gnu.build-id", 4), 0), rc: EINVAL },
  { name: "depends note of another type", rule: "depends-malformed", base: NOP, edit: (e) => e.u32(e.dataAt(".livepatch.depends", 8), 1), rc: ENODATA },
]);

const funcAt = (e: Edit, off: number) => e.dataAt(funcs, off);
table("per-function checks (livepatch.c: prepare_payload(), arch_livepatch_verify_func(), livepatch_verify_distance(), resolve_old_address())", [
  { name: "version 1", rule: "func-version-mismatch", base: EXP, edit: (e) => e.u8(funcAt(e, 32), 1), rc: EOPNOTSUPP, line: "Wrong version (1). Expected 2" },
  { name: "old_size 0", rule: "func-old-size-zero", base: EXP, edit: (e) => e.u32(funcAt(e, 28), 0), rc: EINVAL, line: "Address or size fields are zero" },
  {
    name: "old_addr 0 and an unknown name", rule: "func-old-addr-unresolved",
    base: "xen_replace_world",
    edit: (e) => e.u8(e.dataAt(".rodata.str1.1", "xen_extra_version".length - 1), 0x58),
    rc: ENOENT,
    line: "Could not resolve old address of xen_extra_versioX",
  },
  { name: "x86 trampoline over 4 bytes", rule: "func-old-size-too-small", base: EXP, edit: (e) => e.u32(funcAt(e, 28), 4), rc: EINVAL },
  { name: "x86 trampoline of exactly 5 bytes", base: EXP, edit: (e) => e.u32(funcAt(e, 28), 5), rc: 0 },
  { name: "ENDBR64 function with old_size 8", rule: "func-old-size-too-small", base: "xen_endbr", edit: (e) => e.u32(funcAt(e, 28), 8), rc: EINVAL },
  { name: "ENDBR64 function with old_size 9", base: "xen_endbr", edit: (e) => e.u32(funcAt(e, 28), 9), rc: 0 },
  { name: "x86 NOP of 32 bytes", rule: "func-nop-too-long", base: NOP, edit: (e) => e.u32(funcAt(e, 24), 32).u32(funcAt(e, 28), 40), rc: EOPNOTSUPP },
  { name: "x86 NOP longer than the function", rule: "func-nop-exceeds-old-size", base: NOP, edit: (e) => e.u32(funcAt(e, 24), e.readU32(funcAt(e, 28)) + 1), rc: EINVAL },
  { name: "x86 target beyond ±2 GiB", rule: "func-distance-out-of-range", base: EXP, edit: (e) => e.u64(e.relField(funcs, 1, "addend"), 1n << 32n), rc: EOVERFLOW },
  { name: "ARM64 trampoline over 3 bytes", rule: "func-old-size-too-small", arch: "aarch64", base: HELLO, edit: (e) => e.u32(funcAt(e, 28), 3), rc: EINVAL },
  { name: "ARM64 NOP of 6 bytes", rule: "func-nop-too-long", arch: "aarch64", base: NOP, edit: (e) => e.u32(funcAt(e, 24), 6), rc: EOPNOTSUPP },
  { name: "ARM64 NOP of 32 bytes", rule: "func-nop-too-long", arch: "aarch64", base: NOP, edit: (e) => e.u32(funcAt(e, 24), 32).u32(funcAt(e, 28), 64), rc: EOPNOTSUPP },
  { name: "ARM64 target beyond 128 MiB", rule: "func-distance-out-of-range", arch: "aarch64", base: HELLO, edit: (e) => e.u64(e.relField(funcs, 1, "addend"), 1n << 28n), rc: EOVERFLOW },
  { name: "ARM32 target beyond 32 MiB", rule: "func-distance-out-of-range", arch: "arm32", base: HELLO, edit: (e) => e.u32(e.dataAt(funcs, 4), 0x4000000), rc: EOVERFLOW },
]);

table("hooks and optional sections (livepatch.c: prepare_payload())", [
  { name: "single hook section with two pointers", rule: "hook-size-bad", base: "xen_prepost_hooks", edit: (e) => e.sh(".livepatch.hooks.preapply", "size", 16n), rc: EINVAL },
  {
    name: "load hooks not a multiple of 8", rule: "hook-size-bad",
    base: HELLO,
    edit: (e) => e.sh(".rela.livepatch.hooks.load", "size", 0n).sh(".livepatch.hooks.load", "size", 12n),
    rc: EINVAL,
    line: "Wrong size 12 of .livepatch.hooks.load (must be multiple of 8)",
  },
  { name: ".bug_frames.1 of 12 bytes", rule: "bug-frames-size", base: ALT, edit: (e) => e.sh(".bug_frames.1", "size", 12n), rc: EINVAL },
  { name: ".altinstructions of 13 bytes", rule: "alternatives-malformed", base: ALT, edit: (e) => e.sh(".altinstructions", "size", 13n), rc: EINVAL },
  { name: ".altinstructions without .altinstr_replacement", rule: "alternatives-malformed", base: ALT, edit: (e) => e.rename(".altinstr_replacement", ".altinstr_replacemenX"), rc: EINVAL },
  { name: "replacement longer than origin + padding", rule: "alternatives-too-long", base: ALT, edit: (e) => e.u8(e.dataAt(".altinstructions", 12), 1), rc: ENOSPC },
  { name: "feature outside the featureset", rule: "alternatives-malformed", base: ALT, edit: (e) => e.u16(e.dataAt(".altinstructions", 8), 0x7fff), rc: ERANGE },
  { name: "origin outside the payload text", rule: "alternatives-malformed", base: ALT, edit: (e) => e.u64(e.relField(".altinstructions", 0, "addend"), 0x100000n), rc: EINVAL },
  { name: ".ex_table on AArch64", rule: "section-unsupported-on-arch", arch: "aarch64", base: HELLO, edit: (e) => e.rename(".note.GNU-stack", ".ex_table"), rc: EOPNOTSUPP },
  { name: ".alt_call_sites on AArch64", rule: "section-unsupported-on-arch", arch: "aarch64", base: HELLO, edit: (e) => e.rename(".note.GNU-stack", ".alt_call_sites"), rc: EOPNOTSUPP },
  { name: ".alt_call_sites pointing outside the text", rule: "alt-call-sites-bad", base: ALT, edit: (e) => e.rename(".rodata.bug_file", ".alt_call_sites"), rc: EINVAL },
  { name: ".ex_table of 12 bytes", rule: "ex-table-size", base: ALT, edit: (e) => e.sh(".ex_table", "size", 12n), rc: EINVAL },
  { name: ".modinfo without a final NUL", rule: "modinfo-malformed", base: HELLO, edit: (e) => e.u8(e.dataAt(".modinfo", 15), 0x41), rc: EINVAL, line: "Incorrect metadata format detected" },
  { name: "empty .modinfo", rule: "modinfo-malformed", base: HELLO, edit: (e) => e.sh(".modinfo", "size", 0n), rc: EINVAL },
]);

describe("name, size and flags (livepatch.c: verify_payload(), get_name())", () => {
  const nop = payloadBytes("x86_64", NOP);
  it("unknown op flag bits are refused unless FORCE is set", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("a", nop, 2)).toBe(EINVAL);
    expect(hv.upload("a", nop, 3)).toBe(0);
  });
  it("names count UTF-8 bytes plus the NUL, at most 128", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("n".repeat(128), nop)).toBe(EINVAL);
    expect(hv.upload("é".repeat(64), nop)).toBe(EINVAL);
    expect(hv.upload("é".repeat(63), nop)).toBe(0);
    // Details and preview are looked up by the same name (the host lowers it itself for these).
    expect(hv.payload("é".repeat(63))?.name).toBe("é".repeat(63));
    expect(hv.previewPatch("é".repeat(63))?.length).toBeGreaterThan(0);
    expect(hv.payload("é".repeat(62))).toBeNull();
    expect(hv.previewPatch("é".repeat(62))).toBeNull();
    expect(hv.upload("n".repeat(127), nop)).toBe(EEXIST); // same build-id as the payload above
  });
  it("an embedded NUL cuts the name short", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("abc\0def", nop)).toBe(0);
    expect(hv.list().map((e) => e.name)).toEqual(["abc"]);
    expect(hv.upload("abc", payloadBytes("x86_64", EXP))).toBe(EEXIST);
  });
  it("an empty payload and one over 2 MiB are refused", async () => {
    const hv = await bootArch("x86_64");
    expect(hv.upload("a", new Uint8Array(0))).toBe(EINVAL);
    expect(hv.upload("a", new Uint8Array(2 * 1024 * 1024 + 1))).toBe(EINVAL);
  });
  it("a 1.5 GB payload is refused for its size, as Xen does before it copies a byte", async () => {
    const hv = await bootArch("x86_64");
    const before = hv.events().length;
    // Untouched zero pages: the array costs address space, not memory. Copied into wasm memory
    // first, it ran the simulator's allocator out of memory and reset the host.
    expect(hv.upload("big", new Uint8Array(1_500_000_000))).toBe(EINVAL);
    const events = hv.events().slice(before);
    expect(events.find((e) => e.kind === "hypercall")).toMatchObject({ op: "UPLOAD", args: { size: 1_500_000_000 } });
    expect(events.filter((e) => e.kind === "check-failed").map((e) => (e as { rule?: string }).rule)).toEqual(["payload-too-large"]);
    // The host is still up, with its payload list as before.
    expect(hv.upload("nop", nop)).toBe(0);
    expect(hv.list().map((e) => e.name)).toEqual(["nop"]);
  });
  it("a Xen without a build-id answers -ENODATA", async () => {
    const hv = await bootArch("x86_64");
    hv.boot({ arch: "x86_64", cpus: 1, buildId: null });
    expect(hv.upload("a", nop)).toBe(ENODATA);
  });
});

describe("placement quirk and exports (livepatch.c: move_payload(), build_symbol_table())", () => {
  it("sh_addralign 0 places the section at offset 0 of its region (ROUNDUP(x, 0) = 0)", async () => {
    const hv = await bootArch("x86_64");
    const e = new Edit(payloadBytes("x86_64", HELLO)).sh(".text.xen_hello_world", "addralign", 0n);
    expect(hv.upload("p", e.bytes)).toBe(0);
    const d = hv.payload("p") as unknown as { regions: { text: { addr: string } }; sections: { name: string; addr: string }[] };
    expect(d.sections.find((s) => s.name === ".text.xen_hello_world")!.addr).toBe(d.regions.text.addr);
  });
  it("sh_addralign 0 on .livepatch.funcs puts it over the build-id note, and the refusal names that cause", async () => {
    // xen_nop's sections in the read-only region: the note (1, 36 bytes) at 0, then .rodata.str1.1,
    // the depends notes and .livepatch.funcs (7). ROUNDUP(x, 0) = (x - 1) & ~(0 - 1) = 0, so
    // .livepatch.funcs is copied at 0, over the note; parse_buildid() then reads funcs[0]'s bytes:
    // n_type is bytes 8..11, the low half of new_addr, 0 for a NOP (no relocation fills it), not
    // NT_GNU_BUILD_ID, so xen_build_id_check() returns -ENODATA.
    const hv = await bootArch("x86_64");
    const e = new Edit(payloadBytes("x86_64", NOP)).sh(".livepatch.funcs", "addralign", 0n);
    const funcs = e.section(".livepatch.funcs");
    expect(hv.upload("p", e.bytes)).toBe(ENODATA);
    const [f] = hv.events().filter((x) => x.kind === "check-failed");
    expect(f).toMatchObject({ rule: "build-id-malformed", rc: ENODATA, offset: funcs.header.offset });
    expect(f.explanation).toContain(`section ${funcs.index} (.livepatch.funcs) has sh_addralign 0`);
    expect(f.explanation).toContain("read-only region to 0x0 (ROUNDUP(x, 0) is 0)");
    expect(f.explanation).toContain("over .note.gnu.build-id (36 bytes at offset 0x0)");
    expect(f.explanation).not.toContain("is not a valid GNU build-id note");
  });
  it("ARM: the livepatch window is 2 MiB, so a payload that does not fit gets -ENOMEM", async () => {
    const hv = await bootArch("aarch64");
    const e = new Edit(payloadBytes("aarch64", NOP)).sh(".bss", "size", 0x200000n);
    expect(hv.upload("p", e.bytes)).toBe(-12);
    expect(hv.consoleLines().at(-1)).toBe("livepatch: p: Could not allocate memory for payload");
    // Several small payloads share the window, each after its own guard page.
    expect(hv.upload("a", payloadBytes("aarch64", NOP))).toBe(0);
    expect(hv.upload("b", payloadBytes("aarch64", HELLO))).toBe(0);
  });
  it("a new symbol named like a Xen symbol is a duplicate", async () => {
    const hv = await bootArch("x86_64");
    const e = new Edit(payloadBytes("x86_64", "xen_dup_a")).renameSymbol("shared_counter", "xen_deny");
    expect(hv.upload("p", e.bytes)).toBe(EEXIST);
    expect(hv.consoleLines().at(-1)).toBe("livepatch: p: duplicate new symbol: xen_deny");
  });
  it("an undefined symbol resolves against an earlier payload's export", async () => {
    const hv = await bootArch("x86_64");
    const e = new Edit(payloadBytes("x86_64", EXP)).renameSymbol("xen_extra_version", "shared_counter");
    expect(hv.upload("p", e.bytes)).toBe(ENOENT);
    expect(hv.upload("a", payloadBytes("x86_64", "xen_dup_a"))).toBe(0);
    expect(hv.upload("p", e.bytes)).toBe(0);
    const a = hv.payload("a") as unknown as { symbols: { name: string; addr: string }[] };
    const p = hv.payload("p") as unknown as { funcs: { oldAddr: string }[] };
    expect(p.funcs[0].oldAddr).toBe(a.symbols.find((y) => y.name === "shared_counter")!.addr);
  });
  it("mapping symbols and .L labels in merge sections are not recorded", async () => {
    for (const arch of ["arm32", "aarch64", "x86_64"] as const) {
      const hv = await bootArch(arch);
      expect(hv.upload("p", payloadBytes(arch, HELLO))).toBe(0);
      const names = (hv.payload("p") as unknown as { symbols: { name: string }[] }).symbols.map((y) => y.name);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => /^\$[adx](\.|$)/.test(n) || n.startsWith(".L"))).toEqual([]);
    }
  });
  it("alternatives: the NOT flag and an absent feature keep the original bytes", async () => {
    for (const cpuid of [0x8000 | 26, 21 * 32]) {
      const hv = await bootArch("x86_64");
      const e = new Edit(payloadBytes("x86_64", ALT)).u16(new Edit(payloadBytes("x86_64", ALT)).dataAt(".altinstructions", 8), cpuid);
      expect(hv.upload("p", e.bytes)).toBe(0);
      const d = hv.payload("p") as unknown as { alternatives: number; sections: { name: string; addr: string }[] };
      expect(d.alternatives).toBe(0);
      const alt = BigInt(d.sections.find((s) => s.name === ".altinstructions")!.addr);
      const ent = hv.readMemory(alt, 4)!;
      const orig = alt + BigInt(new DataView(ent.buffer, ent.byteOffset).getInt32(0, true));
      expect(Array.from(hv.readMemory(orig, 3)!)).toEqual([0x90, 0x90, 0x90]);
    }
  });
});
