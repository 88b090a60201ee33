// What the audit's findings call a payload's funcs records: funcRecordLabel() with the name every
// view gives the record (funcLabel() and ImageContext.label()): its own name, else, when it is NULL
// or empty, the image's name for the old address the simulated Xen resolved (or the file's own
// non-zero old_addr when nothing was placed), else the symbol old_addr is relocated against.
import { funcRecordLabel, heldOldAddr, recordTargetName, type LivepatchModel } from "../livepatch/index.ts";
import type { Placement } from "./host.ts";
import type { XenImage } from "./image.ts";

export type RecordLabel = (index: number, name: string | null | undefined) => string;

export function recordLabels(model: LivepatchModel | null, placement: Placement | null, image: XenImage | null): RecordLabel {
  return (index, name) => {
    if (name) return funcRecordLabel(index, name);
    const fn = model?.funcs[index];
    const pf = placement?.patches.find((p) => p.index === index);
    const old = pf ? BigInt(pf.oldAddr) : fn ? heldOldAddr(fn) : null;
    const imageName = image && old !== null ? image.nameAt(old) : null;
    return funcRecordLabel(index, null, fn ? recordTargetName(fn, imageName) : imageName);
  };
}
