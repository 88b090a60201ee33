// Bytes at each patched old_addr: the original bytes and the bytes at the cursor, both
// disassembled, the bytes the live patches wrote marked, and the jump drawn to the new function. Reverting shows
// the original bytes again, because the window is rebuilt from the events up to the cursor.
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { useDisasm, type DisasmState } from "../../functions/useDisasm.ts";
import type { DisasmArch } from "../../../disasm/types.ts";
import { imageNameAt, imageSymbolEnd, type ElfFile } from "../../../elf/index.ts";
import { memoryIndex, type MemoryIndex, type PayloadMemory, type WindowAtCursor } from "../../../simulator/memory.ts";
import { useBootedImage } from "../useBootedImage.ts";
import type { PayloadInfo } from "../../../simulator/types.ts";

function Bytes({ bytes, written, label }: { bytes: Uint8Array; written: boolean[] | null; label: string }) {
  return (
    <code className="mem-bytes" aria-label={label}>
      {Array.from(bytes, (b, i) => (
        <span key={i} className={written?.[i] ? "chg" : undefined}>
          {b.toString(16).padStart(2, "0")}
          {i < bytes.length - 1 ? " " : ""}
        </span>
      ))}
    </code>
  );
}

function Listing({ state, base, nameAt, written, past }: { state: DisasmState; base: bigint; nameAt(a: bigint): string | null; written: boolean[] | null; past: { at: number; bytes: number } | null }) {
  if (state.status === "error") return <p className="bad">Could not disassemble: {state.message}</p>;
  // data-pending: still disassembling (an export waits for it to be drawn).
  if (state.status !== "ok") return <p className="muted mem-asm" data-pending="">…</p>;
  return (
    <ol className="mem-asm">
      {state.insns.map((ins) => {
        const off = Number(ins.address - base);
        const hot = written?.slice(off, off + ins.size).some(Boolean);
        // A branch's target, or the address a RIP-relative operand reaches (objdump: `# addr <name>`).
        const to = ins.target ?? ins.memAddress ?? null;
        const name = to !== null ? nameAt(to) : null;
        return (
          <li key={off} className={`${hot ? "hot" : ""} ${ins.invalid ? "invalid" : ""}`}>
            <span className="off">+{off.toString(16)}</span>
            <span className="txt">
              {ins.text}
              {name && <span className="sym"> &lt;{name}&gt;</span>}
            </span>
          </li>
        );
      })}
      {past && (
        <li className="muted" title={`old_size is ${past.at}: the window's last ${past.bytes} bytes belong to what follows the function`}>
          <span className="off">+{past.at.toString(16)}</span>
          <span className="txt">past its end</span>
        </li>
      )}
    </ol>
  );
}

/** Marks a window asks for: its function by name, or an address inside it or where it jumps. */
export interface MemoryMarks {
  symbols?: ReadonlySet<string>;
  addrs?: readonly bigint[];
}

/** What the NOW row's marks mean (memory.ts `written`). */
const NOW_TITLE =
  "the bytes at the cursor; marked: every byte the patches live here wrote (Xen copies the whole instruction, livepatch_insn_len() bytes: the 5-byte jmp or the NOPs), even one equal to the byte it replaced";

/**
 * The marks' key, shown on the card (beside its title) wherever the windows are, so an audience
 * reads what a marked byte is without a pointer over it: a sample drawn as the NOW row draws a
 * written byte, and the words. The full wording (the whole instruction, equal bytes) stays its title.
 */
export function MemoryKey() {
  return (
    <span className="mem-key" title={NOW_TITLE}>
      <code className="mem-bytes" aria-hidden="true">
        <span className="chg">e9</span>
      </code>{" "}
      written by a live patch
    </span>
  );
}

/**
 * A window's title: what the card's one symbolizer (nameAt: a loaded payload's symbol, else the
 * booted image's imageNameAt()) calls its first address, so a record whose old_addr is
 * xen_extra_version+1 opens a window titled `xen_extra_version+0x1`, not the record's name at an
 * address that is not where that function starts. Without an image to ask, the name of the record
 * that wrote there, else the address.
 */
const windowLabel = (win: WindowAtCursor["window"], nameAt: (a: bigint) => string | null) => nameAt(win.addr) ?? (win.func || `0x${win.addr.toString(16)}`);

/** A window the marks ask for: its function by name (the record's), or an address inside it or where it jumps. */
function isHot(w: WindowAtCursor, marks: MemoryMarks | undefined): boolean {
  if (!marks) return false;
  const win = w.window;
  const target = w.owner?.target ?? null;
  const end = win.addr + BigInt(win.base.length);
  return (marks.symbols?.has(win.func) ?? false) || (marks.addrs ?? []).some((a) => (a >= win.addr && a < end) || a === target);
}

// A window no write reached since the last step is the same object (simulator/cursorViews.ts):
// while an APPLY plays, the windows already drawn are not drawn again.
const Window = memo(function Window({ w, arch, index, image, hot, memory }: { w: WindowAtCursor; arch: DisasmArch; index: MemoryIndex; image: ElfFile | null; hot: boolean; memory: PayloadMemory }) {
  const { window: win, bytes, changed, written, owner } = w;
  // The listing stops where the patched function ends: the window's last bytes may be the next one's.
  const fnEnd = index.funcEndAt(win.addr, image ? (x) => imageSymbolEnd(image, x) : null);
  const shown = fnEnd !== null ? Math.min(bytes.length, Number(fnEnd - win.addr)) : bytes.length;
  const past = shown < bytes.length ? { at: shown, bytes: bytes.length - shown } : null;
  const original = useDisasm(arch, win.base.subarray(0, shown), win.addr);
  const now = useDisasm(arch, bytes.subarray(0, shown), win.addr);
  const patched = changed.some(Boolean);
  const target = owner?.target ?? null;
  const nameAt = (a: bigint) => index.nameAt(a, image ? (x) => imageNameAt(image, x) : null, memory);
  const label = windowLabel(win, nameAt);
  const targetName = target !== null ? nameAt(target) : null;
  return (
    <article className={`mem-window ${patched ? "patched" : "original"} ${hot ? "scn-hot" : ""}`} aria-label={`Memory at ${label}`}>
      <header>
        <code className="mem-func">{label}</code> <span className="muted mono">0x{win.addr.toString(16)}</span>
        <span className="spacer" />
        {owner ? (
          <span className="badge payload">patched by {owner.payload}</span>
        ) : patched && w.last?.by === "revert" ? (
          // No live patch owns these bytes, yet they are not Xen's: the REVERT wrote back what another record of its own had put here.
          <span className="badge image bad" title={`${w.last.payload}'s REVERT wrote back bytes that differ from the ones Xen booted with`}>
            not restored by REVERT of {w.last.payload}
          </span>
        ) : (
          <span className="badge image">{patched ? "changed" : "original bytes"}</span>
        )}
      </header>
      <div className="mem-grid">
        <span className="mem-head" title="the bytes as Xen booted, before any payload wrote here">at boot</span>
        <Bytes bytes={win.base} written={null} label={`${label} original bytes`} />
        <Listing state={original} base={win.addr} nameAt={nameAt} written={null} past={past} />
        <span className="mem-head" title={NOW_TITLE}>
          now
        </span>
        <Bytes bytes={bytes} written={written} label={`${label} bytes now`} />
        <Listing state={now} base={win.addr} nameAt={nameAt} written={written} past={past} />
      </div>
      {target !== null && owner?.brk ? (
        // Xen wrote BRK #2 because it could not encode the branch: no jump, a trap (patch.ts INSN_BRK).
        <div className="mem-jump mem-trap" aria-label={`BRK #2 instead of a jump to ${targetName ?? `0x${target.toString(16)}`}`}>
          <span>
            <code>brk #2</code>, not a jump to <code>{targetName ?? "the new function"}</code> <span className="muted mono">0x{target.toString(16)}</span>: Xen could not encode that branch
            (A64 instructions must be word aligned), so the first call traps and the host panics
          </span>
        </div>
      ) : target !== null && (
        <div className="mem-jump" aria-label={`jump to ${targetName ?? `0x${target.toString(16)}`}`}>
          <svg viewBox="0 0 60 24" className="mem-arrow" aria-hidden="true">
            <path d="M2,12 C20,2 38,22 52,12" />
            <path d="M46,7 L54,12 L46,17" />
          </svg>
          <span>
            jumps to <code>{targetName ?? "the new function"}</code> <span className="muted mono">0x{target.toString(16)}</span>
          </span>
        </div>
      )}
    </article>
  );
});

/** Windows drawn at first, and added per step as the list is scrolled to its end. */
const BATCH = 24;

/** The end of a long list: draws the next windows when it scrolls into view, or on a click. */
function More({ left, onMore }: { left: number; onMore(): void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver !== "function") return;
    const io = new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && onMore());
    io.observe(el);
    return () => io.disconnect();
  }, [onMore]);
  return (
    <button ref={ref} type="button" className="mem-more" onClick={onMore}>
      {left} more {left === 1 ? "window" : "windows"}: show {Math.min(left, BATCH)} more
    </button>
  );
}

/**
 * `windows` and `memory` are the cursor's views (useDerivedViews): `memory`, where the payloads are
 * at the cursor, is the same object while no upload or unload was passed, so a playback step
 * redraws no window for it.
 */
export function MemoryView({ windows, memory, arch, payloads, marks }: { windows: WindowAtCursor[]; memory: PayloadMemory; arch: string | null; payloads: Record<string, PayloadInfo>; marks?: MemoryMarks }) {
  const a = useMemo<DisasmArch>(() => (arch === "aarch64" || arch === "arm32" ? arch : "x86_64"), [arch]);
  const image = useBootedImage();
  const index = useMemo(() => memoryIndex(payloads), [payloads]);
  // A 2,000-function APPLY opens 2,000 windows: drawn all at once, with their listings, they took
  // the page seconds. The first BATCH are drawn, more as the list is scrolled; a window the marks
  // ask for is always among those drawn.
  const [shown, setShown] = useState(BATCH);
  const more = useMemo(() => () => setShown((n) => n + BATCH), []);
  const hot = useMemo(() => windows.map((w) => isHot(w, marks)), [windows, marks]);
  if (!windows.length) return <p className="hint sim-empty">Nothing patched yet. The bytes at each old_addr appear here once an action writes them.</p>;
  const count = Math.min(windows.length, Math.max(shown, hot.lastIndexOf(true) + 1));
  return (
    <div className="mem-list">
      {windows.slice(0, count).map((w, i) => (
        <Window key={w.window.addr.toString()} w={w} arch={a} index={index} image={image} hot={hot[i]} memory={memory} />
      ))}
      {count < windows.length && <More left={windows.length - count} onMore={more} />}
    </div>
  );
}
