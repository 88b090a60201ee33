// capstone-js ships no types; arm.ts describes the part of its API this project uses.
declare module "@alexaltea/capstone-js" {
  const factory: (options?: { wasmBinary?: Uint8Array }) => Promise<unknown>;
  export default factory;
}
