// Diagnostics of the livepatch layer share the ELF reader's shape, with `LP_` codes.
import type { Diagnostic } from "../elf/index.ts";

export type LpDiagnostic = Diagnostic;
