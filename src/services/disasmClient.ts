// Page-side client of the disassembly worker, started on first use. A request that fails or
// hangs becomes a message in the view, never an exception.
import * as Comlink from "comlink";
import type { DisasmWorkerApi } from "../disasm/disasm.worker.ts";
import type { DisasmArch, Insn } from "../disasm/types.ts";

let worker: Worker | null = null;
let remote: Comlink.Remote<DisasmWorkerApi> | null = null;

function ensure(): Comlink.Remote<DisasmWorkerApi> {
  if (!remote) {
    worker = new Worker(new URL("../disasm/disasm.worker.ts", import.meta.url), { type: "module", name: "disasm" });
    remote = Comlink.wrap<DisasmWorkerApi>(worker);
  }
  return remote;
}

function restart(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
}

const TIMEOUT_MS = 15_000;

export async function disassemble(arch: DisasmArch, bytes: Uint8Array, address: bigint): Promise<{ ok: true; value: Insn[] } | { ok: false; error: string }> {
  const call = ensure().disassemble(arch, bytes.slice(), address);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ ok: false; error: string }>((resolve) => {
    timer = setTimeout(() => {
      restart();
      resolve({ ok: false, error: "the disassembler did not answer in time" });
    }, TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      call.catch((e: unknown) => {
        restart();
        return { ok: false as const, error: e instanceof Error ? e.message : String(e) };
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
