// Where a memory window's listing stops. Values from `readelf -sW public/samples/x86_64/xen-syms`:
// xen_extra_version is 8 bytes at 0xffff82d040200110 (the size its livepatch_func's old_size
// carries in the hello world sample).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { freedHolder, hexToBytes, memoryIndex, rewinder, windowAt, windowsAt, type ByteWrite } from "./memory.ts";
import { cursorDeriver } from "./cursorViews.ts";
import type { PayloadInfo, TimelineItem } from "./types.ts";
import type { LoggedEvent } from "../protocol/hypervisor.ts";

const hello: PayloadInfo = {
  name: "xen_hello_world",
  funcs: [{ name: "xen_extra_version", oldAddr: "0xffff82d040200110", newAddr: "0xffff82d040400050", oldSize: 8, newSize: 8 }],
  symbols: [],
  hooks: [],
};

const funcEndAt = (addr: bigint, payloads: Record<string, PayloadInfo>) => memoryIndex(payloads).funcEndAt(addr);
const memoryNameAt = (addr: bigint, payloads: Record<string, PayloadInfo>, inImage: ((a: bigint) => string | null) | null) => memoryIndex(payloads).nameAt(addr, inImage);

describe("funcEndAt", () => {
  it("the end of the patched function that holds the address", () => {
    expect(funcEndAt(0xffff82d040200110n, { hello })).toBe(0xffff82d040200118n);
    // An ENDBR64 target is written 4 bytes in: still the same function.
    expect(funcEndAt(0xffff82d040200114n, { hello })).toBe(0xffff82d040200118n);
  });

  it("the image's own symbol sets the end, over a payload's old_size", () => {
    // nm -S public/samples/x86_64/xen-syms: xen_extra_version is 8 bytes at 0xffff82d040200110.
    // xen_expectations_fail claims old_size 6 for it; a failed APPLY never wrote there.
    const failing: PayloadInfo = { ...hello, name: "xen_expectations_fail", funcs: hello.funcs.map((f) => ({ ...f, oldSize: 6 })) };
    const image = (a: bigint) => (a >= 0xffff82d040200110n && a < 0xffff82d040200118n ? 0xffff82d040200118n : null);
    const ix = memoryIndex({ xen_expectations_fail: failing, hello });
    expect(ix.funcEndAt(0xffff82d040200110n)).toBe(0xffff82d040200116n);
    expect(ix.funcEndAt(0xffff82d040200110n, image)).toBe(0xffff82d040200118n);
    // Where the image knows no symbol, the payloads' records still say.
    expect(ix.funcEndAt(0xffff82d040200110n, () => null)).toBe(0xffff82d040200116n);
  });

  it("no end for an address no loaded payload patches", () => {
    expect(funcEndAt(0xffff82d040200118n, { hello })).toBeNull();
    expect(funcEndAt(0xffff82d040200110n, {})).toBeNull();
  });
});

describe("memoryNameAt", () => {
  // readelf -sW public/samples/x86_64/xen-syms: __x86_return_thunk is 2 bytes at 0xffff82d0402101a9.
  const image = (a: bigint) => (a === 0xffff82d0402101a9n ? "__x86_return_thunk" : null);
  const withSym: PayloadInfo = { ...hello, symbols: [{ name: "xen_hello_world", addr: "0xffff82d040400050", size: 8 }] };

  it("a symbol name with a control character is spelled as readelf -sW spells it (^[), as the inspector does", () => {
    const esc: PayloadInfo = { ...hello, symbols: [{ name: "xen\x1bhello_world", addr: "0xffff82d040400050", size: 8 }] };
    expect(memoryNameAt(0xffff82d040400050n, { hello: esc }, null)).toBe("xen^[hello_world in xen_hello_world");
  });

  it("a loaded payload's symbol first, then Xen's through the image lookup", () => {
    expect(memoryNameAt(0xffff82d040400050n, { hello: withSym }, image)).toBe("xen_hello_world");
    expect(memoryNameAt(0xffff82d0402101a9n, { hello: withSym }, image)).toBe("__x86_return_thunk");
  });

  it("nothing when neither names the address, or no image is known", () => {
    expect(memoryNameAt(0xffff82d040400051n, { hello: withSym }, image)).toBeNull();
    expect(memoryNameAt(0xffff82d0402101a9n, { hello: withSym }, null)).toBeNull();
  });
});

describe("memoryIndex", () => {
  // The definition, written as a scan: the first record (payload order, then funcs order) whose
  // [old_addr, old_addr + old_size) holds the address; the first named symbol at the address.
  const scanEnd = (addr: bigint, ps: PayloadInfo[]) => {
    for (const p of ps) for (const f of p.funcs) if (addr >= BigInt(f.oldAddr) && addr < BigInt(f.oldAddr) + BigInt(f.oldSize)) return BigInt(f.oldAddr) + BigInt(f.oldSize);
    return null;
  };
  const scanName = (addr: bigint, ps: PayloadInfo[]) => {
    for (const p of ps) for (const s of p.symbols) if (BigInt(s.addr) === addr && s.name) return s.name === p.name ? s.name : `${s.name} in ${p.name}`;
    return null;
  };
  const at = fc.integer({ min: 0, max: 64 });
  const payload = (i: number) =>
    fc.record({
      funcs: fc.array(fc.record({ at, size: fc.integer({ min: 0, max: 24 }) }), { maxLength: 6 }),
      symbols: fc.array(fc.record({ at, name: fc.constantFrom("", "f", "g", `p${i}`) }), { maxLength: 6 }),
    });

  it("answers as a scan of every payload does, overlapping and empty records included", () => {
    fc.assert(
      fc.property(fc.tuple(payload(0), payload(1), payload(2)), fc.array(at, { minLength: 1, maxLength: 20 }), (raw, queries) => {
        const ps: PayloadInfo[] = raw.map((r, i) => ({
          name: `p${i}`,
          funcs: r.funcs.map((f) => ({ name: "", oldAddr: `0x${(0x1000 + f.at).toString(16)}`, newAddr: "0x0", oldSize: f.size, newSize: 0 })),
          symbols: r.symbols.map((s) => ({ name: s.name, addr: `0x${(0x1000 + s.at).toString(16)}`, size: 0 })),
          hooks: [],
        }));
        const ix = memoryIndex(Object.fromEntries(ps.map((p) => [p.name, p])));
        for (const q of queries) {
          const a = 0x1000n + BigInt(q);
          expect(ix.funcEndAt(a)).toBe(scanEnd(a, ps));
          expect(ix.nameAt(a, null)).toBe(scanName(a, ps));
        }
      }),
    );
  });
});

describe("rewinder", () => {
  // The definition: undo every write, newest first, byte by byte where it falls in the window.
  function naive(live: Uint8Array, addr: bigint, writes: readonly ByteWrite[]): Uint8Array {
    const base = live.slice();
    for (let i = writes.length - 1; i >= 0; i--)
      writes[i].before.forEach((b, j) => {
        const off = writes[i].addr + BigInt(j) - addr;
        if (off >= 0n && off < BigInt(base.length)) base[Number(off)] = b;
      });
    return base;
  }
  const write = fc.record({ at: fc.integer({ min: 0, max: 96 }), before: fc.uint8Array({ minLength: 1, maxLength: 31 }) });

  it("undoes the same bytes as undoing every write, for overlapping writes at any address", () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), fc.integer({ min: 0, max: 100 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (ws, at, live) => {
        const writes = ws.map((w) => ({ addr: 0x1000n + BigInt(w.at), before: w.before }) as ByteWrite);
        const addr = 0x1000n + BigInt(at);
        expect(rewinder(writes)(live, addr)).toEqual(naive(live, addr, writes));
      }),
    );
  });
});

describe("windowsAt", () => {
  // The definition is windowAt() of each window against every write; windowsAt() hands each window
  // only the writes that reach it. Windows overlap, some are longer than WINDOW_BYTES, writes
  // stack, revert and straddle window edges.
  const write = fc.record({
    at: fc.integer({ min: 0, max: 80 }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    payload: fc.constantFrom("a", "b"),
    by: fc.constantFrom("apply" as const, "revert" as const),
  });
  // Mostly WINDOW_BYTES (16), sometimes a longer one (what was written near a mapping's end).
  const window = fc.record({ at: fc.integer({ min: 0, max: 80 }), base: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 17, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 8 })) });

  it("equals windowAt() of every window against every write", () => {
    fc.assert(
      fc.property(fc.array(window, { maxLength: 12 }), fc.array(write, { maxLength: 30 }), (ws, wr) => {
        const windows = ws.map((w) => ({ addr: 0x1000n + BigInt(w.at), base: w.base, func: "f" })).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
        const writes: ByteWrite[] = wr.map((w) => ({ addr: 0x1000n + BigInt(w.at), before: new Uint8Array(w.bytes.length), after: w.bytes, payload: w.payload, by: w.by, func: "f", target: null, brk: false }));
        expect(windowsAt(windows, writes)).toEqual(windows.map((w) => windowAt(w, writes)));
      }),
      { numRuns: 500 },
    );
  });
});

describe("windowAt, byte by byte", () => {
  // Written out per byte in bigints, as the card's definition reads: a write lands where its
  // address plus its index falls inside the window, whatever side of the window it starts on.
  const write = fc.record({ at: fc.integer({ min: 0, max: 60 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) });

  it("puts each applied byte where it belongs and marks every byte an apply wrote", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.array(write, { maxLength: 12 }), (at, base, wr) => {
        const window = { addr: 0x2000n + BigInt(at), base, func: "f" };
        const writes: ByteWrite[] = wr.map((w) => ({ addr: 0x2000n + BigInt(w.at), before: new Uint8Array(w.bytes.length), after: w.bytes, payload: "p", by: "apply", func: "f", target: null, brk: false }));
        const bytes = base.slice();
        const written = Array.from(base, () => false);
        for (const w of writes)
          w.after.forEach((b, j) => {
            const off = w.addr + BigInt(j) - window.addr;
            if (off >= 0n && off < BigInt(base.length)) {
              bytes[Number(off)] = b;
              written[Number(off)] = true;
            }
          });
        const got = windowAt(window, writes);
        expect(got.bytes).toEqual(bytes);
        expect(got.written).toEqual(written);
        expect(got.changed).toEqual(Array.from(bytes, (b, i) => b !== base[i]));
      }),
      { numRuns: 500 },
    );
  });

  it("reads the simulator's hex as bytes, in either case", () => {
    expect([...hexToBytes("e9fB0fa0ff")]).toEqual([0xe9, 0xfb, 0x0f, 0xa0, 0xff]);
    expect(hexToBytes("")).toHaveLength(0);
  });
});

// QA s28 #7: dup_same (two records on xen_extra_version) loaded, reverted, unloaded: its REVERT
// leaves funcs[0]'s jmp at xen_extra_version, into the text Xen freed at UNLOAD
// (common/livepatch.c free_payload()). The card must not call that target a live symbol.
describe("where the payloads are at the cursor", () => {
  let seq = 0;
  const ev = (e: Record<string, unknown>): TimelineItem => ({ type: "event", event: { t: 0, cpu: -1, seq: seq++, ...e } as unknown as LoggedEvent });
  const region = (addr: bigint, size: number) => ({ addr: `0x${addr.toString(16)}`, size });
  // The page's placement of dup_same on the real xen-syms (the QA's screenshot): text at 0xffff82d040600000.
  const TEXT = 0xffff82d040600000n;
  const placed = (payload: string, base: bigint) => ev({ kind: "placed", payload, funcs: 2, pages: 3, text: region(base, 0x2f), rw: region(base + 0x1000n, 0x68), ro: region(base + 0x2000n, 0x40) });
  const state = (payload: string, s: string) => ev({ kind: "state", payload, state: s, statusRc: 0 });
  const dup: PayloadInfo = { name: "dup_same", funcs: [], symbols: [{ name: "xen_hello_world", addr: `0x${TEXT.toString(16)}`, size: 0x2f }], hooks: [] };
  const timeline = [placed("dup_same", TEXT), state("dup_same", "CHECKED"), state("dup_same", "APPLIED"), state("dup_same", "CHECKED"), state("dup_same", "UNLOADED")];
  const ix = memoryIndex({ dup_same: dup });
  const image = () => null;
  /** Where the payloads are after the first `cursor` items, as the card gets it (the cursor's views). */
  const memoryAt = (items: TimelineItem[], cursor: number) => cursorDeriver().at(items, cursor, 1, []).memory;

  it("while uploaded, the payload's symbol names its text; once unloaded, the address is its freed memory", () => {
    const loaded = memoryAt(timeline, 4);
    expect(ix.nameAt(TEXT, image, loaded)).toBe("xen_hello_world in dup_same");
    const gone = memoryAt(timeline, 5);
    expect(gone.placed.size).toBe(0);
    expect(ix.nameAt(TEXT, image, gone)).toBe("freed memory of unloaded dup_same");
    // Any byte of any of its regions, not only where a symbol was.
    expect(freedHolder(gone, TEXT + 0x1000n + 0x67n)).toBe("dup_same");
    expect(freedHolder(gone, TEXT + 0x1000n + 0x68n)).toBeNull();
    // Before its upload the payload names nothing (the cursor is before `placed`).
    expect(ix.nameAt(TEXT, image, memoryAt(timeline, 0))).toBeNull();
  });

  it("a region a later upload places again is that payload's, not freed", () => {
    // other's rw page lands on dup_same's old text, its ro page on dup_same's old rw page.
    const again = [...timeline, placed("other", TEXT - 0x1000n)];
    const m = memoryAt(again, again.length);
    expect(freedHolder(m, TEXT)).toBeNull();
    expect(m.freed.map((f) => f.start)).toEqual([TEXT + 0x2000n]);
    // dup_same's symbol does not name other's text.
    expect(ix.nameAt(TEXT, () => "xen_something", m)).toBe("xen_something");
  });
});
