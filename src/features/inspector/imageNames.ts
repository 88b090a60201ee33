// An image's symbols by name, spelled as Xen looks them up (so an undefined symbol in a payload
// resolves as the simulated UPLOAD resolves it); built once per image and shared by every view.
// And the other way: what the views call an address in the image.
import { xenImage } from "../../audit/index.ts";
import { printable, symbolAt, symbolBefore, type ElfFile } from "../../elf/index.ts";
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

/**
 * The image's function containing `address`, else (as objdump -d does) the nearest symbol before
 * it in its section, as `name` or `name+0x..`: how the Functions view and the simulator's memory
 * card name a branch target in Xen (e.g. `<__x86_return_thunk>`) or a RIP-relative operand's
 * address (`<_srodata+0x11>`).
 */
export function imageNameAt(elf: ElfFile, address: bigint): string | null {
  const s = symbolAt(elf, address) ?? symbolBefore(elf, address);
  if (!s) return null;
  const d = address - s.value;
  const name = printable(s.name);
  return d === 0n ? name : `${name}+0x${d.toString(16)}`;
}
