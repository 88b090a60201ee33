// An NMI reaching a CPU (arch_livepatch_mask() in xen/arch/x86/livepatch.c). Outside a rendezvous do_nmi handles it. Inside one (x86),
// the master's NMI callback swallows every NMI, so it is lost; the NMI is still taken, though:
// the entry stub and do_nmi run, and if that path goes through a function this action rewrites
// (with plain stores, no int3 staging), an NMI landing mid-write would execute half-written
// code. The simulator writes instantaneously, so that part is reported as a labelled hazard,
// not simulated. ARM has no NMI here; only SError is masked, on the master.
import { begin, end, fStr, fAddr } from "./events";
import { arch, ARCH_X86_64, imageFind, imageSymAddr, imageSymSize } from "./image";
import { Payload } from "./payload";
import { appliedStack, cmdName, CMD_REPLACE } from "./actions";

/** The NMI path used when an NMI names none. Absent from an image, it matches nothing. */
export const DEFAULT_NMI_PATH = "do_nmi";

function overlaps(a: u64, alen: u64, b: u64, blen: u64): bool {
  const ae = a + (alen == 0 ? 1 : alen);
  const be = b + (blen == 0 ? 1 : blen);
  return a < be && b < ae;
}

/** Functions this action writes: the payload's own, and for REPLACE every applied payload's. */
function targets(work: Payload, cmd: i32): Payload[] {
  const out: Payload[] = [];
  if (cmd == CMD_REPLACE) for (let i = 0; i < appliedStack.length; i++) if (appliedStack[i] !== work) out.push(appliedStack[i]);
  out.push(work);
  return out;
}

function tornHazards(cpu: i32, work: Payload, cmd: i32, path: string): void {
  const syms = (path.length > 0 ? path : DEFAULT_NMI_PATH).split(",");
  const ps = targets(work, cmd);
  // Bounded: at most 16 path symbols, and each payload's function count is bounded at upload.
  for (let k = 0; k < syms.length && k < 16; k++) {
    const sym = syms[k].trim();
    const idx = sym.length > 0 ? imageFind(sym) : -1;
    if (idx < 0) continue;
    const sa = imageSymAddr(idx);
    const sz = <u64>imageSymSize(idx);
    for (let j = 0; j < ps.length; j++) {
      const p = ps[j];
      for (let i = 0; i < p.funcs.length; i++) {
        const f = p.funcs[i];
        if (f.oldAddr == 0 || !overlaps(sa, sz, f.oldAddr, <u64>f.oldSize)) continue;
        // A modelled hazard, not simulated: the view explains it from these fields.
        begin("nmi", cpu, work.name);
        fStr("phase", "torn");
        fStr("via", sym);
        fStr("action", cmdName(cmd));
        fStr("func", f.name);
        fAddr("addr", f.oldAddr);
        fStr("patchedBy", p.name);
        end();
      }
    }
  }
}

/** Reports an NMI on `cpu`. `masked`: a rendezvous holds NMIs; `work`/`cmd`: its action. */
export function nmiArrives(cpu: i32, masked: bool, work: Payload | null, cmd: i32, path: string): void {
  if (arch != ARCH_X86_64) {
    begin("nmi", cpu, null);
    fStr("phase", "arm");
    end();
    return;
  }
  if (!masked || work === null) {
    begin("nmi", cpu, null);
    fStr("phase", "handled");
    end();
    return;
  }
  begin("nmi", cpu, work.name);
  fStr("phase", "lost");
  end();
  tornHazards(cpu, work, cmd, path);
}
