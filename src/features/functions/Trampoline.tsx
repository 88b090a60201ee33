// What Xen would write over the old function, next to the bytes it replaces, both disassembled.
import type { ElfFile } from "../../elf/index.ts";
import type { LivepatchFunc, LivepatchModel } from "../../livepatch/index.ts";
import { bytesHex, hex } from "../format.ts";
import { CodeListing } from "./CodeListing.tsx";
import { JumpDiagram } from "./JumpDiagram.tsx";
import type { ImageContext } from "./useImageContext.ts";
import { useDisasm } from "./useDisasm.ts";
import { newCodeWhere, oldCodeWhere, patchKind, targetText } from "../../livepatch/label.ts";

// Enough of the old function to show whole instructions around the patched bytes.
const OLD_CONTEXT_BYTES = 32;

export function Trampoline({ fn, model, elf, ctx }: { fn: LivepatchFunc; model: LivepatchModel; elf: ElfFile; ctx: ImageContext }) {
  const arch = model.arch;
  const patch = ctx.patch(fn.index);
  const name = ctx.label(fn);
  const writeAt = patch ? patch.oldAddr + BigInt(patch.patchOffset) : null;
  const written = useDisasm(arch, patch && patch.bytes.length ? patch.bytes : null, writeAt);
  const oldLen = Math.min(Math.max(fn.oldSize, patch ? patch.patchOffset + patch.bytes.length : 0), OLD_CONTEXT_BYTES);
  const oldBytes = patch && ctx.image ? ctx.readOld(patch.oldAddr, oldLen) : null;
  const old = useDisasm(arch, oldBytes, patch ? patch.oldAddr : null);
  const digits = model.pointerSize * 2;
  const overlap = ctx.overlap(fn.index);
  const earlierFn = overlap ? model.funcs[overlap.earlier] : undefined;
  const earlierName = overlap ? `funcs[${overlap.earlier}]${earlierFn ? ` (${ctx.label(earlierFn)})` : ""}` : "";
  const newName = fn.newAddr.target.kind === "null" ? null : targetText(fn.newAddr.target);

  // Why there is no address: said the same way in the diagram's two places.
  const noAddr = ctx.pending ? "placing…" : ctx.notPlaced ? "not placed: upload refused" : "no preview";

  return (
    <section className="trampoline" aria-label="Trampoline">
      <h4>What Xen writes at the old function</h4>
      <JumpDiagram
        oldName={name}
        oldAddr={patch?.oldAddr ?? null}
        oldSize={fn.oldSize}
        newName={newName}
        newAddr={patch && patch.kind === "trampoline" ? patch.newAddr : null}
        newSize={fn.newSize}
        kind={patch?.trap ? "trap" : patchKind(fn)}
        oldWhere={oldCodeWhere(fn)}
        newWhere={newCodeWhere(fn.newAddr.target, elf.sections)}
        patchLabel={patch ? (patch.kind === "nop" ? `${patch.bytes.length} bytes of NOPs` : `${patch.trap ? "BRK #2, not a jump: " : ""}${bytesHex(patch.bytes)} at +${patch.patchOffset}`) : noAddr}
        noAddr={noAddr}
      />
      {!patch ? (
        <p className="warn">
          {ctx.pending
            ? "Placing the payload in the simulated hypervisor…"
            : ctx.notPlaced
              ? `The simulated hypervisor does not place this payload: ${ctx.notPlaced}`
              : "The simulated hypervisor has no preview of this function."}
        </p>
      ) : (
        <>
          <p className={patch.trap ? "assume bad" : "assume"}>
            {patch.description}. <span className="muted">Assuming {patch.assumed}.</span>
            {ctx.image && !ctx.matches && <span className="bad"> The loaded image {ctx.image.name} is not the one this payload's xen_depends names.</span>}
          </p>
          <div className="code-pair">
            <div>
              <h5>
                Written at <code>{writeAt !== null ? hex(writeAt) : "?"}</code> ({patch.bytes.length} bytes)
              </h5>
              {patch.bytes.length === 0 ? <p className="muted">Nothing is written.</p> : <CodeListing label="Bytes Xen writes" state={written} nameAt={ctx.nameAt} addressDigits={digits} />}
            </div>
            <div>
              <h5>
                {overlap ? "Xen's bytes" : "Replaced bytes"} {ctx.image ? <>from {ctx.image.name}</> : null}
              </h5>
              {overlap && (
                <p className="bad">
                  {earlierName} writes {hex(overlap.from)}..{hex(overlap.to)} first: APPLY saves its {overlap.earlierInsn === "nop" ? "NOPs" : "branch"} for this record, not the bytes below, and
                  REVERT, which restores the records in order, writes them back last, so Xen&apos;s code is not restored (audit: func-writes-overlap).
                </p>
              )}
              {ctx.image ? (
                oldBytes ? (
                  <CodeListing
                    label="Old function bytes"
                    state={old}
                    nameAt={ctx.nameAt}
                    addressDigits={digits}
                    mark={{ start: writeAt!, end: writeAt! + BigInt(patch.bytes.length), title: "overwritten by the patch" }}
                  />
                ) : (
                  <p className="warn">{ctx.image.name} has no file bytes at {hex(patch.oldAddr)}.</p>
                )
              ) : (
                <p className="muted">Load a xen-syms to see the original bytes.</p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
