// The simulated host after a panic: it answers no hypercall and runs no code again. The console
// says so, naming the command during which it panicked, instead of issuing a hypercall whose
// answer (the wasm's −ENOSYS for "down") no Xen would give and xen-livepatch would never print.

/** The console step during which the host panicked: its number in the session (1 = the first) and its text (a command, or a raw action). */
export interface PanicAt {
  step: number;
  command: string;
}

/** What a command says when the host panicked during its hypercall (tool and raw actions alike). */
export const PANICKED_IN_HYPERCALL = "the host panicked during this hypercall, which never returns; see dmesg";

/** One wording for every command refused after the panic (tool and simulator commands alike). */
export function downSince(at: PanicAt | null): string {
  return at ? `the host is down since the panic at step ${at.step} (${at.command}); nothing answers, see dmesg` : "the host is down since an earlier panic; nothing answers, see dmesg";
}
