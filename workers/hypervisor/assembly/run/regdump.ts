// The part of x86 show_execution_state() (xen/arch/x86/traps.c: show_registers(),
// _show_registers(), show_code()) that the simulated CPU has values for, printed after
// "Xen WARN/BUG at" and an assertion failure, in Xen's format.
//
// Printed: CPU, RIP with %pS, RFLAGS and the context, the general registers, and the code
// bytes around RIP. Not printed, because the simulator has no value that would not be a
// guess: the "----[ Xen-... ]----" banner (build info and taint), the " (d0vN)" vcpu after
// the context, cr0/cr4/cr3/cr2, the fs/gs bases, the segment selectors, the LER MSRs, the
// stack words and the call trace. ARM's dump is not modelled (Arm only reaches do_bug_frame's
// prints for frames in Xen's own image).
import { cpuReg } from "../cpu/api";
import { readByte, readOk } from "./mem";
import { symbolText } from "./symbolize";

/** __HYPERVISOR_CS: the code selector Xen runs with on x86-64. */
const HYPERVISOR_CS: u32 = 0xe008;

function hex(v: u64, width: i32): string {
  let s = v.toString(16);
  while (s.length < width) s = "0" + s;
  return s;
}

function r(n: i32): string {
  return hex(cpuReg(n), 16);
}

/** show_code(): 8 bytes before RIP, the byte at RIP in <>, 15 after; "--" where a read faults. */
function codeLines(rip: u64, out: string[]): void {
  const before: string[] = [];
  let missingBefore = 0;
  for (let i = 1; i <= 8; i++) {
    const b = readByte(rip - <u64>i);
    if (!readOk) {
      missingBefore = 9 - i;
      break;
    }
    before.unshift(hex(<u64>b, 2));
  }
  const after: string[] = [];
  for (let i = 0; i < 16; i++) {
    const b = readByte(rip + <u64>i);
    if (!readOk) break;
    after.push(hex(<u64>b, 2));
  }
  const missingAfter = 16 - after.length;
  const sym = symbolText(rip, false);
  let head = "Xen code around <" + hex(rip, 16) + "> (" + (sym !== null ? sym : hex(rip, 16)) + ")";
  if (missingBefore != 0 || missingAfter != 0) head += " [fault on access]";
  out.push(head + ":");
  let s = "";
  for (let i = 0; i < missingBefore; i++) s += " --";
  for (let i = 0; i < before.length; i++) s += " " + before[i];
  s += after.length > 0 ? " <" + after[0] + ">" : " <-->";
  for (let i = 1; i < 16; i++) s += i < after.length ? " " + after[i] : " --";
  out.push(s);
}

/** The modelled lines of show_execution_state() for the paused run at `rip` on `cpu`. */
export function x86ExecutionState(cpu: i32, rip: u64): string[] {
  const out: string[] = [];
  out.push("CPU:    " + cpu.toString());
  const sym = symbolText(rip, true);
  out.push("RIP:    " + hex(<u64>HYPERVISOR_CS, 4) + ":[<" + hex(rip, 16) + ">]" + (sym !== null ? " " + sym : ""));
  out.push("RFLAGS: " + r(17) + "   CONTEXT: hypervisor");
  // register numbers as cpuReg: rax 0, rcx 1, rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8-r15 8-15
  out.push("rax: " + r(0) + "   rbx: " + r(3) + "   rcx: " + r(1));
  out.push("rdx: " + r(2) + "   rsi: " + r(6) + "   rdi: " + r(7));
  out.push("rbp: " + r(5) + "   rsp: " + r(4) + "   r8:  " + r(8));
  out.push("r9:  " + r(9) + "   r10: " + r(10) + "   r11: " + r(11));
  out.push("r12: " + r(12) + "   r13: " + r(13) + "   r14: " + r(14));
  out.push("r15: " + r(15));
  codeLines(rip, out);
  return out;
}
