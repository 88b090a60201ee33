// Enter on a selected row: go to what the row points at, and select that thing's bytes in the hex
// view (opened if it was closed). The bytes are selected after the target view has revealed its
// own pick, so they are the last word.
import type { ElfFile } from "../../elf/index.ts";
import type { NavTarget } from "../../state/nav.ts";
import { selectFileView } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";

export interface Bytes {
  offset: number;
  size: number;
  label: string;
}

// A view switch renders in the background; give up waiting for its reveal after this many frames.
const MAX_FRAMES = 120;

export function follow(fileId: string, target: NavTarget | null, bytes: Bytes | null): void {
  const { ui } = useLens.getState();
  if (target) ui.navigate(fileId, target);
  ui.showHex();
  if (!bytes) return;
  const select = () => {
    useLens.getState().ui.selectBytes({ fileId, ...bytes });
  };
  if (!target) return select();
  let frames = 0;
  const wait = () => {
    // The target view has revealed (and selected) its item once the pending reveal is consumed.
    if (selectFileView(useLens.getState(), fileId).reveal === null || ++frames > MAX_FRAMES) select();
    else requestAnimationFrame(wait);
  };
  requestAnimationFrame(wait);
}

/** File bytes of a symbol: `value` is a section offset in a relocatable file, an address otherwise. */
export function symbolBytes(elf: ElfFile, shndx: number, value: bigint, size: bigint): { offset: number; size: number } | null {
  const s = elf.sections[shndx];
  if (!s || shndx === 0 || s.dataSize === 0) return null;
  const within = elf.header.type === 1 ? value : value - s.addr;
  if (within < 0n || within >= BigInt(s.dataSize)) return null;
  return { offset: s.dataOffset + Number(within), size: Math.max(1, Math.min(Number(size), s.dataSize - Number(within))) };
}
