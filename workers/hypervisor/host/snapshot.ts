// Whole-instance snapshots of the hypervisor wasm, for tests that start thousands of short runs from
// one booted state (the fuzz properties): its linear memory plus every mutable global. asc keeps a
// module's globals private, so `exportMutableGlobals` rewrites a copy of the binary to export each
// one as SNAPSHOT_GLOBAL_PREFIX + index; the page and the CLI load the module as built.
//
// A small reader of the wasm binary format (sections, imports, globals, exports) rather than
// binaryen: binaryen.js takes seconds to load in every test worker for this one rewrite.

export const SNAPSHOT_GLOBAL_PREFIX = "__snapshot_global_";

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const EXTERNAL_GLOBAL = 3;

class Reader {
  constructor(
    readonly b: Uint8Array,
    public at: number,
  ) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Error(`wasm binary ends early at byte ${this.at}`);
    return this.b[this.at++];
  }
  /** Unsigned or signed LEB128: only the length matters here, and the unsigned value when it fits. */
  leb(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      if (shift < 32) v |= (x & 0x7f) << shift;
      shift += 7;
      if (!(x & 0x80)) return v >>> 0;
    }
  }
  skip(n: number): void {
    this.at += n;
  }
  name(): void {
    this.skip(this.leb());
  }
  limits(): void {
    const flags = this.byte();
    this.leb();
    if (flags & 1) this.leb();
  }
  /** A constant expression, up to and including its `end`. */
  constExpr(): void {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) this.leb(); // i32/i64.const, global.get, ref.func
      else if (op === 0x43) this.skip(4); // f32.const
      else if (op === 0x44) this.skip(8); // f64.const
      else if (op === 0xd0) this.byte(); // ref.null heap type
      else if (!(op >= 0x6a && op <= 0x6c) && !(op >= 0x7c && op <= 0x7e)) throw new Error(`unexpected opcode 0x${op.toString(16)} in a global's initialiser`);
    }
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let x = n & 0x7f;
    n >>>= 7;
    if (n) x |= 0x80;
    out.push(x);
  } while (n);
  return out;
}

/** A copy of the module `wasm` that also exports each of its mutable globals. */
export function exportMutableGlobals(wasm: Uint8Array): Uint8Array<ArrayBuffer> {
  const r = new Reader(wasm, 8);
  let importedGlobals = 0;
  const mutable: number[] = [];
  let exportsHeader = -1;
  let exportsAt = -1;
  let exportsEnd = -1;
  while (r.at < wasm.length) {
    const header = r.at;
    const id = r.byte();
    const size = r.leb();
    const start = r.at;
    const end = start + size;
    if (id === SECTION_IMPORT) {
      for (let n = r.leb(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) r.leb(); // function: type index
        else if (kind === 1) {
          r.byte(); // table: element type, limits
          r.limits();
        } else if (kind === 2) r.limits(); // memory
        else if (kind === EXTERNAL_GLOBAL) {
          r.skip(2); // value type, mutability
          importedGlobals++;
        } else if (kind === 4) {
          r.byte(); // tag: attribute, type index
          r.leb();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === SECTION_GLOBAL) {
      const n = r.leb();
      for (let i = 0; i < n; i++) {
        const type = r.byte();
        if (type === 0x63 || type === 0x64) r.leb(); // (ref null? ht)
        if (r.byte() === 1) mutable.push(importedGlobals + i);
        r.constExpr();
      }
    } else if (id === SECTION_EXPORT) {
      exportsHeader = header;
      exportsAt = start;
      exportsEnd = end;
    }
    r.at = end;
  }
  if (exportsAt < 0) throw new Error("the module has no export section");

  const body = new Reader(wasm, exportsAt);
  const count = body.leb();
  const entries = wasm.subarray(body.at, exportsEnd);
  const added: number[] = [];
  for (const index of mutable) {
    const name = new TextEncoder().encode(SNAPSHOT_GLOBAL_PREFIX + index);
    added.push(...uleb(name.length), ...name, EXTERNAL_GLOBAL, ...uleb(index));
  }
  const content = [...uleb(count + mutable.length), ...entries, ...added];
  const before = wasm.subarray(0, exportsHeader);
  const after = wasm.subarray(exportsEnd);
  const section = [SECTION_EXPORT, ...uleb(content.length), ...content];
  const out = new Uint8Array(before.length + section.length + after.length);
  out.set(before, 0);
  out.set(section, before.length);
  out.set(after, before.length + section.length);
  return out;
}

/** Memory and globals of one instance at one moment. */
export interface InstanceState {
  readonly memory: Uint8Array;
  readonly globals: readonly (number | bigint)[];
}

/** The instance's exported snapshot globals, in index order; empty when the module has none. */
export function snapshotGlobals(exports: object): WebAssembly.Global[] {
  const found: [number, WebAssembly.Global][] = [];
  for (const key in exports) {
    if (!key.startsWith(SNAPSHOT_GLOBAL_PREFIX)) continue;
    found.push([Number(key.slice(SNAPSHOT_GLOBAL_PREFIX.length)), (exports as Record<string, WebAssembly.Global>)[key]]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

export function captureInstance(memory: WebAssembly.Memory, globals: readonly WebAssembly.Global[]): InstanceState {
  return { memory: new Uint8Array(memory.buffer).slice(), globals: globals.map((g) => g.value as number | bigint) };
}

/**
 * Puts `state` back. False when this memory has grown past the snapshot's size: linear memory
 * cannot shrink, and the allocator would take the extra pages for its own, so the caller moves
 * to a fresh instance (which starts smaller) and restores into that.
 */
export function restoreInstance(memory: WebAssembly.Memory, globals: readonly WebAssembly.Global[], state: InstanceState): boolean {
  const size = memory.buffer.byteLength;
  if (size > state.memory.length) return false;
  if (size < state.memory.length) memory.grow((state.memory.length - size) / 65536);
  new Uint8Array(memory.buffer).set(state.memory);
  for (let i = 0; i < globals.length; i++) globals[i].value = state.globals[i];
  return true;
}
