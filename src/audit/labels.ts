// What the audit's findings call a payload's funcs records: funcRecordLabel() with the name every
// view gives the record (funcLabel() and ImageContext.label()): its own name, else, when it is NULL
// or empty, the image's name for the old address the simulated Xen resolved (or the file's own
// non-zero old_addr when nothing was placed), else the symbol old_addr is relocated against. A
// record whose name in the file is not a C string (the model has none) is called by the name the
// simulated Xen read, as Xen's own lines print it.
import { funcRecordLabel, heldOldAddr, recordTargetName, type LivepatchModel } from "../livepatch/index.ts";
import type { Placement } from "./host.ts";
import type { XenImage } from "./image.ts";

export type RecordLabel = (index: number, name: string | null | undefined) => string;

export function recordLabels(model: LivepatchModel | null, placement: Placement | null, image: XenImage | null): RecordLabel {
  return (index, name) => {
    const pf = placement?.patches.find((p) => p.index === index);
    // The name the simulated Xen read (up to the NUL in its memory) when the file's is not a C string.
    if (!name && pf?.name) name = pf.name;
    if (name) return funcRecordLabel(index, name);
    const fn = model?.funcs[index];
    const old = pf ? BigInt(pf.oldAddr) : fn ? heldOldAddr(fn) : null;
    const imageName = image && old !== null ? image.nameAt(old) : null;
    return funcRecordLabel(index, null, fn ? recordTargetName(fn, imageName) : imageName);
  };
}
