// An image's symbols by name, spelled as Xen looks them up (so an undefined symbol in a payload
// resolves as the simulated UPLOAD resolves it); built once per image and shared by every view.
// And the other way: what the views call an address in the image.
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

// What the views call an address in the image: imageNameAt() in src/elf (the audit names a
// nameless funcs record with it too); where the function holding it ends: imageSymbolEnd().
export { imageNameAt, imageSymbolEnd } from "../../elf/index.ts";
