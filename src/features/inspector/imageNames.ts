// An image's symbols by name, spelled as Xen looks them up (so an undefined symbol in a payload
// resolves as the simulated UPLOAD resolves it); built once per image and shared by every view.
// The other way, what the views call an address in the image, is imageNameAt() in src/elf.
import { xenImage } from "../../audit/index.ts";
import type { ElfFile } from "../../elf/index.ts";
import type { ImageNames } from "./symbolize.ts";

const namesCache = new WeakMap<ElfFile, ImageNames>();

export function imageNames(name: string, elf: ElfFile): ImageNames {
  let n = namesCache.get(elf);
  if (!n) {
    const x = xenImage(name, elf);
    n = { file: name, lookup: (s) => x.lookup(s)?.addr ?? null };
    namesCache.set(elf, n);
  }
  return n;
}
