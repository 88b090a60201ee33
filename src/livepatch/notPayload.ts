// What to say about an ELF file in which no livepatch sections were found. When the reader could
// not read it whole (a section table past the end of a cut file, garbled section headers), the
// sections may be there and unread: the file is then not called "not a livepatch payload", and the
// first error says why it cannot be told.
import type { ElfFile } from "../elf/index.ts";
import { locatedMessage } from "../elf/errors.ts";

export interface NotPayload {
  /** True when the file was read whole and has no .livepatch.* or .xsplice.* section. */
  certain: boolean;
  sentence: string;
}

export function notPayload(elf: ElfFile): NotPayload {
  const errors = elf.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return { certain: true, sentence: "No .livepatch.* or .xsplice.* sections: this is not a livepatch payload." };
  const first = errors[0];
  const more = errors.length > 1 ? ` and ${errors.length - 1} more error${errors.length > 2 ? "s" : ""}` : "";
  return {
    certain: false,
    sentence: `No .livepatch.* or .xsplice.* section was read, but the file could not be read whole (${locatedMessage(first.message, first.code, first.offset)}${more}): whether it is a livepatch payload cannot be told.`,
  };
}
