// The NMI mid-write lesson's claims, checked through the session the page uses: each torn state's
// bytes are built by hand (the first K bytes of APPLY's jmp, e9 rel32 with rel32 = new - (old + 5),
// over the image's own bytes), decoded by iced-x86, and where they jump and what runs there is
// read from xen-syms with the ELF reader, not from the simulator.
import { beforeAll, describe, expect, it } from "vitest";
import { findSymbol, parseElf, readVirtual } from "../elf/index.ts";
import type { ElfFile } from "../elf/types.ts";
import { createDisassembler } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";
import { loadCatalogue } from "./catalogue.ts";
import { stepInputs } from "./inputs.ts";
import type { Scenario } from "./schema.ts";
import { readPublic, sampleBytes, scenarioSession } from "./test-support/session.ts";

const disassemble = createDisassembler(nodeEngines);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

let scenario: Scenario;
const out = new Map<string, string>();
let image: ElfFile;
let minor: bigint;
let jmp: Uint8Array;
let newFn: bigint;
let writes: { addr: string; old: string; new: string }[];

const addr = (name: string) => findSymbol(image, name)!.value;

beforeAll(async () => {
  const entries = await loadCatalogue(async (rel) => readPublic(`scenarios/${rel}`));
  scenario = entries.find((e) => e.id === "nmi-mid-write")!.scenario!;
  const { session, backend } = await scenarioSession(scenario);
  const inputs = stepInputs(scenario);
  for (let i = 0; i < scenario.steps.length; i++) out.set(scenario.steps[i].title!, (await session.run(inputs[i]!)).record.output);
  writes = session.data.events.flatMap((e) => (e.kind === "write" ? [{ addr: e.addr, old: e.old, new: e.new }] : []));
  image = parseElf(sampleBytes("x86_64/xen-syms"));
  minor = addr("xen_minor_version");
  const d = await backend.payload("xen_altcall");
  if (!d.ok || !d.value) throw new Error("xen_altcall is not loaded");
  newFn = BigInt(d.value.symbols.find((s) => s.name === "altcall_minor_version")!.addr);
  const rel = BigInt.asUintN(32, newFn - (minor + 5n));
  jmp = Uint8Array.of(0xe9, ...[0n, 8n, 16n, 24n].map((s) => Number((rel >> s) & 0xffn)));
});

/** xen_minor_version's first 6 bytes with the first k bytes of the jmp stored. */
function torn(k: number): Uint8Array {
  const b = readVirtual(image, minor, 6)!.slice();
  b.set(jmp.subarray(0, k));
  return b;
}

async function firstInsn(bytes: Uint8Array, at: bigint) {
  return (await disassemble("x86_64", bytes, at))[0];
}

describe("NMI mid-write lesson", () => {
  it("starts from mov $0x17,%eax; ret (23, Xen's XEN_SUBVERSION) and a jmp to altcall_minor_version", async () => {
    expect(hex(torn(0))).toBe("b8 17 00 00 00 c3");
    expect(out.get("The bytes before")).toContain(hex(torn(0)));
    expect((await firstInsn(jmp, minor)).target).toBe(newFn);
  });

  it("one byte in: a jmp into xen_deny's padding, whose 00 00 writes through %rax", async () => {
    const insn = await firstInsn(torn(1), minor);
    // e9 17 00 00 00: minor + 5 + 0x17.
    expect(insn.text).toBe(`jmp 0x${(minor + 0x1cn).toString(16)}`);
    expect(insn.target).toBe(addr("xen_deny") + 0xcn);
    expect((await firstInsn(readVirtual(image, insn.target!, 2)!, insn.target!)).text).toBe("add %al,(%rax)");
    const o = out.get("One byte in: a crash")!;
    expect(o).toContain(`torn ${hex(torn(1))}`);
    expect(o).toContain("ran xen_minor_version -> xen_deny+0xc/");
    expect(scenario.steps[2].explain).toContain(`jmp 0x${insn.target!.toString(16)}`);
    expect(o).toContain("Faulting linear address: 0000000000000000");
  });

  it("two bytes in: a jmp to xen_deny, which returns its string instead of the version", async () => {
    const insn = await firstInsn(torn(2), minor);
    expect(insn.target).toBe(addr("xen_deny"));
    const lea = await firstInsn(readVirtual(image, addr("xen_deny"), 8)!, addr("xen_deny"));
    const str = readVirtual(image, lea.memAddress!, 9)!;
    expect(new TextDecoder().decode(str)).toBe("<denied>\0");
    expect(out.get("Two bytes in: a wrong answer")).toContain(`returned 0x${lea.memAddress!.toString(16)}`);
  });

  it("three bytes in: a jmp into the middle of xen_stub_2036, which returns 2036", async () => {
    const insn = await firstInsn(torn(3), minor);
    expect(insn.target).toBe(addr("xen_stub_2036") + 0x10n);
    expect(out.get("Three bytes in: someone else's code")).toContain(`returned 0x${(2036).toString(16)}`);
  });

  it("under the rendezvous the handler is not entered and the whole jmp runs: 3 * 8 + 2", () => {
    const o = out.get("The same NMI under Xen's rendezvous")!;
    expect(o).toContain(`torn ${hex(torn(2))}: NMI swallowed, xen_minor_version not entered`);
    expect(o).toContain(`released: ${hex(torn(5))}`);
    expect(o).toContain(`returned 0x${(3 * 8 + 2).toString(16)}`);
    expect(out.get("#MC is left alone")).toBe(`xen_minor_version() = 0x${(3 * 8 + 2).toString(16)}\n`);
  });

  it("leaves no trace: the real APPLY still finds the image's bytes and writes the whole jmp", () => {
    expect(out.get("Apply, for real")).toContain("completed");
    const w = writes.find((e) => BigInt(e.addr) === minor)!;
    expect(w.old).toBe(hex(torn(0).subarray(0, 5)).replaceAll(" ", ""));
    expect(w.new).toBe(hex(jmp).replaceAll(" ", ""));
  });
});
