// One entry point over both disassemblers. Each engine is loaded on first use only, through the
// loader the host supplies (Node in tests, the disassembly worker in the page).
import { disassembleArm, type CapstoneModule } from "./arm.ts";
import { disassembleX86, type IcedModule } from "./x86.ts";
import type { DisasmArch, Insn } from "./types.ts";

export type { DisasmArch, Insn } from "./types.ts";

export interface EngineLoaders {
  iced(): Promise<IcedModule>;
  capstone(): Promise<CapstoneModule>;
}

export function createDisassembler(loaders: EngineLoaders): (arch: DisasmArch, bytes: Uint8Array, address: bigint) => Promise<Insn[]> {
  let iced: Promise<IcedModule> | null = null;
  let capstone: Promise<CapstoneModule> | null = null;
  return async (arch, bytes, address) => {
    if (arch === "x86_64") return disassembleX86(await (iced ??= loaders.iced()), bytes, address);
    return disassembleArm(await (capstone ??= loaders.capstone()), arch, bytes, address);
  };
}
