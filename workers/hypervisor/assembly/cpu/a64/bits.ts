// The A64 pseudocode's DecodeBitMasks and helpers shared by the logical-immediate and bitfield
// instructions.

/** Bits [lo, lo+width) of an instruction word. */
// @ts-ignore: decorator
@inline export function field(insn: u32, lo: u32, width: u32): u32 {
  return (insn >> lo) & ((1 << width) - 1);
}

/** Sign-extends the low `bits` bits of `v`. */
// @ts-ignore: decorator
@inline export function sext(v: u64, bits: u64): u64 {
  const s = 64 - bits;
  return <u64>(<i64>(v << s) >> s);
}

/** Results of decodeBitMasks. */
export let wmask: u64 = 0;
export let tmask: u64 = 0;

// @ts-ignore: decorator
@inline export function ones(n: u64): u64 {
  return n >= 64 ? u64.MAX_VALUE : (<u64>1 << n) - 1;
}

/** Rotate right within `esize` bits. */
// @ts-ignore: decorator
@inline export function rorN(v: u64, r: u64, esize: u64): u64 {
  if (r == 0) return v;
  return ((v >> r) | (v << (esize - r))) & ones(esize);
}

function replicate(v: u64, esize: u64): u64 {
  let out = v;
  for (let s = esize; s < 64; s <<= 1) out |= out << s;
  return out;
}

/**
 * DecodeBitMasks(N, imms, immr, immediate, datasize) into wmask/tmask; false for an
 * unallocated encoding.
 */
export function decodeBitMasks(n: u32, imms: u32, immr: u32, immediate: bool, datasize: u32): bool {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined == 0) return false;
  const len = 31 - clz<u32>(combined);
  if (len < 1) return false;
  const esize = <u64>1 << <u64>len;
  if (esize > <u64>datasize) return false;
  const levels = <u32>(esize - 1);
  if (immediate && (imms & levels) == levels) return false;
  const s = <u64>(imms & levels);
  const r = <u64>(immr & levels);
  const d = (s - r) & (esize - 1);
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  wmask = replicate(rorN(welem, r, esize), esize) & ones(<u64>datasize);
  tmask = replicate(telem, esize) & ones(<u64>datasize);
  return true;
}
