// Disassembly of a byte range in the disassembly worker; the view shows a placeholder meanwhile.
import { useEffect, useState } from "react";
import type { DisasmArch, Insn } from "../../disasm/types.ts";
import { disassemble } from "../../services/disasmClient.ts";

export type DisasmState = { status: "idle" | "loading" } | { status: "ok"; insns: Insn[] } | { status: "error"; message: string };

export function useDisasm(arch: DisasmArch | null, bytes: Uint8Array | null, address: bigint | null): DisasmState {
  const [state, setState] = useState<DisasmState>({ status: "idle" });
  const key = bytes && arch && address !== null ? `${arch}:${address}:${Array.from(bytes.subarray(0, 256)).join(",")}:${bytes.length}` : "";
  useEffect(() => {
    if (!key || !bytes || !arch || address === null) {
      setState({ status: "idle" });
      return;
    }
    let live = true;
    setState({ status: "loading" });
    void disassemble(arch, bytes, address).then((r) => {
      if (!live) return;
      setState(r.ok ? { status: "ok", insns: r.value } : { status: "error", message: r.error });
    });
    return () => {
      live = false;
    };
    // `key` captures bytes/arch/address by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}
