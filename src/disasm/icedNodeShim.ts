// iced-x86 ships only its Node build, whose glue reads its wasm with fs/path/util. In the
// browser worker those three imports resolve here (see vitePlugin.ts): the worker fetches the
// wasm from this origin first and hands the bytes over before importing iced.
let wasmBytes: Uint8Array | null = null;

export function provideIcedWasm(bytes: Uint8Array): void {
  wasmBytes = bytes;
}

export function readFileSync(): Uint8Array {
  if (!wasmBytes) throw new Error("iced-x86 wasm requested before it was fetched");
  return wasmBytes;
}

export function join(...parts: string[]): string {
  return parts.join("/");
}

const decoder = globalThis.TextDecoder;
const encoder = globalThis.TextEncoder;
export { decoder as TextDecoder, encoder as TextEncoder };

export default { readFileSync, join, TextDecoder: decoder, TextEncoder: encoder };
