// The parse result as the page uses it. Provisional until src/protocol/parse.ts lands; the page
// reads only these members.
import type { ElfFile } from "../elf/index.ts";
import type { LivepatchModel } from "../livepatch/types.ts";

export interface ParsedFile {
  fileName: string;
  role: "payload" | "image" | "other";
  elf: ElfFile;
  livepatch: LivepatchModel | null;
}
