// Codes shared by the interpreter and its callers (wasm exports, host wrapper in host/cpu.ts).
// The host mirrors these numbers in host/cpu.ts; they are a contract.

export const ARCH_X86_64: i32 = 1;
export const ARCH_AARCH64: i32 = 2;
export const ARCH_ARM32: i32 = 3;

// Why a run stopped.
export const STOP_RETURNED: i32 = 1; // the function returned to the caller's sentinel
export const STOP_SERVICE: i32 = 2; // a call reached a registered native service
export const STOP_FAULT: i32 = 3; // an exception (see FAULT_*), with its fixup when one exists
export const STOP_UNSUPPORTED: i32 = 4; // an instruction this interpreter does not implement
export const STOP_BUDGET: i32 = 5; // the step budget ran out
export const STOP_HALT: i32 = 6; // x86 hlt: nothing will ever wake this CPU
export const STOP_NOT_STARTED: i32 = 7; // resume without a paused run, or a bad call

// What went wrong, independent of the architecture's vector numbering.
export const FAULT_NONE: i32 = 0;
export const FAULT_UNMAPPED: i32 = 1; // no page at the address
export const FAULT_NONCANONICAL: i32 = 2; // x86: address not sign-extended from bit 47
export const FAULT_WRITE_RO: i32 = 3; // write to a read-only or executable page
export const FAULT_FETCH_NX: i32 = 4; // instruction fetch from a mapped page that is not executable
export const FAULT_DIVIDE: i32 = 5; // x86 #DE: divide by zero or quotient overflow
export const FAULT_UNDEFINED: i32 = 6; // ud2, an opcode invalid in this mode, A64 UDF, bad LOCK
export const FAULT_BREAKPOINT: i32 = 7; // int3, A64 brk (the immediate is kept)
export const FAULT_GP: i32 = 8; // x86 #GP not about an address (instruction longer than 15 bytes)
export const FAULT_PC_ALIGN: i32 = 9; // A64: branch to an address that is not a multiple of 4
export const FAULT_ALIGNMENT: i32 = 10; // A32: unaligned data access with HSCTLR.A set (Xen's arm32)

// x86 vectors.
export const X86_DE: i32 = 0;
export const X86_BP: i32 = 3;
export const X86_UD: i32 = 6;
export const X86_SS: i32 = 12;
export const X86_GP: i32 = 13;
export const X86_PF: i32 = 14;
// x86 page-fault error code bits.
export const PFEC_PRESENT: u32 = 1;
export const PFEC_WRITE: u32 = 2;
export const PFEC_INSN: u32 = 16;

// A64 exception classes (ESR_ELx.EC) for the faults this interpreter raises.
export const A64_EC_UNKNOWN: i32 = 0x00;
export const A64_EC_IABT: i32 = 0x21;
export const A64_EC_PC_ALIGN: i32 = 0x22;
export const A64_EC_DABT: i32 = 0x25;
export const A64_EC_BRK: i32 = 0x3c;

/** Where a run "returns" to: the return address planted by cpuCall; never fetched. */
export const RETURN_SENTINEL: u64 = 0xfffffffffffff000;
