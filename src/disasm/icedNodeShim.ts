// iced-x86 ships only its Node build, whose glue reads its wasm with fs/path/util. In the
// browser worker those three imports resolve here (see vitePlugin.ts): the worker fetches the
// wasm from this origin first and hands the bytes over before importing iced.
// The bytes live on the worker's global, not in this module: the dev server's dependency
// optimizer bundles its own copy of this shim into iced-x86, and both copies must see them.
const slot = globalThis as { __livepatchLensIcedWasm?: Uint8Array };

export function provideIcedWasm(bytes: Uint8Array): void {
  slot.__livepatchLensIcedWasm = bytes;
}

export function readFileSync(): Uint8Array {
  const bytes = slot.__livepatchLensIcedWasm;
  if (!bytes) throw new Error("iced-x86 wasm requested before it was fetched");
  return bytes;
}

export function join(...parts: string[]): string {
  return parts.join("/");
}

const decoder = globalThis.TextDecoder;
const encoder = globalThis.TextEncoder;
export { decoder as TextDecoder, encoder as TextEncoder };

export default { readFileSync, join, TextDecoder: decoder, TextEncoder: encoder };
