// One entry point over both disassemblers. Each engine is loaded on first use only, through the
// loader the host supplies (Node in tests and the CLI, the workers in the page).
import { disassembleArm, type CapstoneModule } from "./arm.ts";
import { disassembleX86, type IcedModule } from "./x86.ts";
import type { DisasmArch, Insn } from "./types.ts";

export type { DisasmArch, Insn } from "./types.ts";

export interface EngineLoaders {
  iced(): Promise<IcedModule>;
  capstone(): Promise<CapstoneModule>;
}

/**
 * Engines loaded ahead, then used synchronously (the audit decodes inside one synchronous pass).
 * `decode` throws for an arch whose engine was not loaded first.
 */
export interface SyncDisassembler {
  load(arch: DisasmArch): Promise<void>;
  decode(arch: DisasmArch, bytes: Uint8Array, address: bigint): Insn[];
}

export function createSyncDisassembler(loaders: EngineLoaders): SyncDisassembler {
  let iced: Promise<IcedModule> | null = null;
  let capstone: Promise<CapstoneModule> | null = null;
  let icedReady: IcedModule | null = null;
  let capstoneReady: CapstoneModule | null = null;
  return {
    async load(arch) {
      if (arch === "x86_64") icedReady = await (iced ??= loaders.iced());
      else capstoneReady = await (capstone ??= loaders.capstone());
    },
    decode(arch, bytes, address) {
      if (arch === "x86_64") {
        if (!icedReady) throw new Error("x86-64 decoder used before it was loaded");
        return disassembleX86(icedReady, bytes, address);
      }
      if (!capstoneReady) throw new Error(`${arch} decoder used before it was loaded`);
      return disassembleArm(capstoneReady, arch, bytes, address);
    },
  };
}

export function createDisassembler(loaders: EngineLoaders): (arch: DisasmArch, bytes: Uint8Array, address: bigint) => Promise<Insn[]> {
  const engines = createSyncDisassembler(loaders);
  return async (arch, bytes, address) => {
    await engines.load(arch);
    return engines.decode(arch, bytes, address);
  };
}

const ARCH_OF_MACHINE: Record<number, DisasmArch> = { 62: "x86_64", 183: "aarch64", 40: "arm32" };

/**
 * The synchronous decoder for an image's ELF machine, its engine loaded; undefined for a machine
 * no engine handles or an engine that fails to load (the audit then skips what needs decoding).
 */
export async function decoderForMachine(engines: SyncDisassembler, machine: number): Promise<SyncDisassembler["decode"] | undefined> {
  const arch = ARCH_OF_MACHINE[machine];
  if (!arch) return undefined;
  try {
    await engines.load(arch);
    return engines.decode;
  } catch {
    return undefined;
  }
}
