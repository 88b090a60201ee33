// The altcall lesson's claims, checked through the session the page uses: the bytes each step
// shows are decoded by iced-x86 (not the simulator) and held to Xen's rules computed by hand
// (xen/arch/x86/alternative.c apply_alt_calls(): rel32 = dest - (site + 6), dest past an endbr64;
// NULL -> ud2 x3); the sites as compiled are read from the payload file with the ELF reader.
import { beforeAll, describe, expect, it } from "vitest";
import { parseElf, relocAddend, relocSymbol } from "../elf/index.ts";
import { createDisassembler, type Insn } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";
import { loadCatalogue } from "./catalogue.ts";
import { stepInputs } from "./inputs.ts";
import type { Scenario } from "./schema.ts";
import { readPublic, sampleBytes, scenarioSession } from "./test-support/session.ts";

const disassemble = createDisassembler(nodeEngines);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

let scenario: Scenario;
/** Each step's output, by step title. */
const out = new Map<string, { output: string; status: number; explain: string }>();
let symbols: Map<string, bigint>;

beforeAll(async () => {
  const entries = await loadCatalogue(async (rel) => readPublic(`scenarios/${rel}`));
  scenario = entries.find((e) => e.id === "altcall")!.scenario!;
  const { session, backend } = await scenarioSession(scenario);
  const inputs = stepInputs(scenario);
  for (let i = 0; i < scenario.steps.length; i++) {
    const { record } = await session.run(inputs[i]!);
    out.set(scenario.steps[i].title!, { output: record.output, status: record.status, explain: scenario.steps[i].explain });
  }
  const details = await backend.payload("xen_altcall");
  if (!details.ok || !details.value) throw new Error("xen_altcall is not loaded");
  symbols = new Map(details.value.symbols.map((s) => [s.name, BigInt(s.addr)]));
});

/** The bytes and address a `mem` step printed ("0xADDR: xx xx ..."). */
function dumped(title: string): { addr: bigint; bytes: Uint8Array } {
  const lines = out.get(title)!.output.trim().split("\n");
  const m = /^0x([0-9a-f]+): ([0-9a-f ]+)$/.exec(lines[0])!;
  const bytes = lines.flatMap((l) => l.split(": ")[1].split(" ")).map((x) => parseInt(x, 16));
  return { addr: BigInt(`0x${m[1]}`), bytes: Uint8Array.from(bytes) };
}

async function decoded(title: string): Promise<Insn[]> {
  const { addr, bytes } = dumped(title);
  return disassemble("x86_64", bytes, addr);
}

const sym = (name: string) => symbols.get(name)!;

describe("altcall lesson", () => {
  it("starts from sites that are identical in the file, only one of them listed in .alt_call_sites", () => {
    const elf = parseElf(sampleBytes("x86_64/xen_altcall.livepatch"));
    const text = (name: string) => {
      const s = elf.sections.find((x) => x.name === name)!;
      return hex(elf.bytes.subarray(s.dataOffset, s.dataOffset + Number(s.size)));
    };
    // endbr64; call *0(%rip) with the displacement still to be relocated; ret.
    expect(text(".text.altcall_via_site")).toBe("f3 0f 1e fa ff 15 00 00 00 00 c3");
    expect(text(".text.altcall_via_pointer")).toBe(text(".text.altcall_via_site"));
    expect(text(".text.altcall_unset")).toBe(text(".text.altcall_via_site"));
    const sites = elf.sections.find((x) => x.name === ".rela.alt_call_sites")!;
    const rel = elf.relocationTables.find((t) => t.sectionIndex === sites.index)!;
    const symtab = elf.symbolTables.find((t) => t.sectionType === 2)!;
    const named = Array.from({ length: rel.count }, (_, i) => {
      const target = elf.sections[symtab.shndx[relocSymbol(rel, i)]].name;
      return `${target}+${relocAddend(rel, i)}`;
    });
    expect(named).toEqual([".text.altcall_via_site+4", ".text.altcall_unset+4", ".text.altcall_minor_version+9"]);
  });

  it("shows the unlisted twin as call *disp32(%rip) through altcall_ops.scale, with the explanation's arithmetic", async () => {
    const insns = await decoded("A site as the compiler left it");
    expect(insns.slice(0, 3).map((i) => i.bytes)).toEqual(["f3 0f 1e fa", "ff 15 d6 0f 00 00", "c3"]);
    // objdump -d: "call *0xfd6(%rip)  # <altcall_ops>", the displacement off %rip and where it leads.
    expect(insns[1].text).toBe(`call *0xfd6(%rip) # 0x${sym("altcall_ops").toString(16)}`);
    expect(insns[1].memAddress).toBe(sym("altcall_ops"));
    const next = insns[1].address + 6n;
    expect(out.get("A site as the compiler left it")!.explain).toContain(`0x${next.toString(16)} + 0xfd6 = 0x${sym("altcall_ops").toString(16)}`);
  });

  it("gets 3 * 8 + 2 through the indirect call, the direct call and xen_minor_version once applied", () => {
    const want = `0x${(3 * 8 + 2).toString(16)}`;
    expect(out.get("Run it as built")!.output).toBe(`altcall_via_pointer(0x8) = ${want}\n`);
    expect(out.get("The same result, directly")!.output).toBe(`altcall_via_site(0x8) = ${want}\n`);
    expect(out.get("Xen's function, through the site")!.output).toBe(`xen_minor_version() = ${want}\n`);
  });

  it("reads altcall_scale's address from the first slot and NULL from the second", () => {
    const { addr, bytes } = dumped("The pointer Xen reads");
    expect(addr).toBe(sym("altcall_ops"));
    const v = new DataView(bytes.buffer);
    expect(v.getBigUint64(0, true)).toBe(sym("altcall_scale"));
    expect(v.getBigUint64(8, true)).toBe(0n);
    expect(out.get("The pointer Xen reads")!.explain).toContain(`0x${sym("altcall_scale").toString(16)}: altcall_scale`);
  });

  it("shows the target starting with endbr64 and computing 3x + 2", async () => {
    const insns = await decoded("The target starts with endbr64");
    expect(insns.map((i) => i.text)).toEqual(["endbr64", "lea 0x2(%rdi,%rdi,2),%rax", "ret"]);
  });

  it("devirtualises the listed site to a CS-prefixed direct call of the same length past the endbr64", async () => {
    const insns = await decoded("The listed site, devirtualised");
    const site = sym("altcall_via_site") + 4n;
    const dest = sym("altcall_scale") + 4n;
    expect(insns[1].address).toBe(site);
    expect(insns[1].size).toBe(6);
    expect(insns[1].bytes.startsWith("2e e8")).toBe(true);
    expect(insns[1].target).toBe(dest);
    // objdump names the prefix: "cs call".
    expect(insns[1].text).toBe(`cs call 0x${dest.toString(16)}`);
    expect(insns[2].text).toBe("ret");
    const disp = dest - (site + 6n);
    expect(disp).toBe(-0x16n);
    const explain = out.get("The listed site, devirtualised")!.explain;
    expect(explain).toContain(`(0x${sym("altcall_scale").toString(16)} + 4) - (0x${site.toString(16)} + 6) = -0x16 = 0xffffffea`);
    expect(explain).toContain(`call 0x${dest.toString(16)}`);
  });

  it("seals the NULL site with three ud2 and keeps the ret after it", async () => {
    const insns = await decoded("NULL: the site is sealed");
    expect(insns.slice(0, 5).map((i) => i.text)).toEqual(["endbr64", "ud2", "ud2", "ud2", "ret"]);
  });

  it("keeps nothing live in a caller-saved register across the site in altcall_minor_version", async () => {
    const insns = await decoded("What a callee may destroy");
    expect(insns.slice(0, 4).map((i) => i.text)).toEqual(["endbr64", "mov $0x8,%edi", `cs call 0x${(sym("altcall_scale") + 4n).toString(16)}`, "ret"]);
    expect(insns[2].bytes).toBe("2e e8 b5 ff ff ff");
  });

  it("refuses the call *%rax site, and Xen's line shows the bytes the file has there", async () => {
    expect(out.get("A site that is not CALL *RIPREL")!.status).toBe(1);
    const elf = parseElf(sampleBytes("x86_64/xen_altcall_bad.livepatch"));
    const s = elf.sections.find((x) => x.name === ".text.altcall_bad_minor_version")!;
    const site = elf.bytes.subarray(s.dataOffset + 0xb, s.dataOffset + 0xb + 6);
    const insns = await disassemble("x86_64", site, 0n);
    expect(insns.map((i) => i.text)).toEqual(["call *%rax", "add $0x1,%eax", "ret"]);
    expect(out.get("What Xen printed")!.output).toContain(`[${hex(site)}] not CALL *RIPREL`);
  });
});
