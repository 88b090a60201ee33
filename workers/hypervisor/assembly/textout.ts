// A growing UTF-16 text buffer. The event log and the big JSON answers (a payload's details) are
// written into one: each character is stored once, where building them by concatenation copied
// a record's text again for every field appended to it (most of a 2,000-function payload's
// details time).

/** The character of hex digit `d` (0..15), lower case: how the wasm spells every hex digit. */
export function hexDigit(d: i32): u16 {
  return <u16>(d < 10 ? 0x30 + d : 0x57 + d);
}

// Pointer-level writers: each stores at `at` (room reserved by the caller) and returns where it
// ended. TextOut's methods use them, so does the log's compact write line (one reserve a line),
// and fmt.ts's string versions write into a string of the length they need.

/** How many hex digits `v` has (1 for 0). */
export function hexDigitCount(v: u64): i32 {
  let n = 1;
  for (let x = v >> 4; x != 0; x >>= 4) n++;
  return n;
}

/** Decimal digits of `v` at `at`; returns the position after them. */
export function storeU64(at: usize, v: u64): usize {
  let digits: usize = 1;
  for (let x = v / 10; x != 0; x /= 10) digits++;
  let p = at + ((digits - 1) << 1);
  let x = v;
  for (let i: usize = 0; i < digits; i++) {
    store<u16>(p, <u16>(0x30 + <i32>(x % 10)));
    x /= 10;
    p -= 2;
  }
  return at + (digits << 1);
}

export function storeI64(at: usize, v: i64): usize {
  if (v >= 0) return storeU64(at, <u64>v);
  store<u16>(at, 0x2d);
  return storeU64(at + 2, <u64>0 - <u64>v);
}

/** The hex digits of `v`, zero-padded to at least `width`. */
export function storeHex(at: usize, v: u64, width: i32 = 1): usize {
  let n = hexDigitCount(v);
  if (n < width) n = width;
  let x = v;
  for (let i = n - 1; i >= 0; i--) {
    store<u16>(at + (<usize>i << 1), hexDigit(<i32>(x & 15)));
    x >>= 4;
  }
  return at + (<usize>n << 1);
}

/** "0x" and the hex digits of `v`. */
export function storeAddr(at: usize, v: u64): usize {
  store<u32>(at, 0x00780030);
  return storeHex(at + 4, v);
}

export function storeHexBytes(at: usize, b: Uint8Array, n: i32): usize {
  for (let i = 0; i < n; i++) {
    const v = <i32>unchecked(b[i]);
    store<u16>(at + (<usize>i << 2), hexDigit(v >> 4));
    store<u16>(at + (<usize>i << 2) + 2, hexDigit(v & 15));
  }
  return at + (<usize>n << 2);
}

/** `<length>:<chars>`: any character may follow, a newline included. */
export function storeCounted(at: usize, s: string): usize {
  const p = storeU64(at, <u64>s.length);
  store<u16>(p, 0x3a);
  const n = <usize>s.length << 1;
  memory.copy(p + 2, changetype<usize>(s), n);
  return p + 2 + n;
}


export class TextOut {
  buf: ArrayBuffer;
  /** Bytes written (two per character). */
  used: i32 = 0;

  constructor(capacity: i32 = 1 << 16) {
    this.buf = new ArrayBuffer(capacity);
  }

  /** Room for `extra` more bytes. */
  reserve(extra: i32): void {
    const need = this.used + extra;
    if (need <= this.buf.byteLength) return;
    let cap = this.buf.byteLength << 1;
    while (cap < need) cap <<= 1;
    const next = new ArrayBuffer(cap);
    memory.copy(changetype<usize>(next), changetype<usize>(this.buf), <usize>this.used);
    this.buf = next;
  }

  /** Where the next character goes (valid until the next reserve()). */
  @inline get end(): usize {
    return changetype<usize>(this.buf) + <usize>this.used;
  }

  char(c: i32): void {
    this.reserve(2);
    store<u16>(this.end, <u16>c);
    this.used += 2;
  }

  raw(s: string): void {
    const n = s.length << 1;
    this.reserve(n);
    memory.copy(this.end, changetype<usize>(s), <usize>n);
    this.used += n;
  }

  /** Moves `used` to `end`, a position a pointer-level writer returned. */
  @inline private upTo(end: usize): void {
    this.used = <i32>(end - changetype<usize>(this.buf));
  }

  u64(v: u64): void {
    this.reserve(40);
    this.upTo(storeU64(this.end, v));
  }

  i64(v: i64): void {
    this.reserve(42);
    this.upTo(storeI64(this.end, v));
  }

  /** An address as a JSON string, "0x…" (u64 does not fit a JSON number). */
  jsonAddr(v: u64): void {
    this.reserve(40);
    const at = this.end;
    store<u16>(at, 0x22);
    const end = storeAddr(at + 2, v);
    store<u16>(end, 0x22);
    this.upTo(end + 2);
  }

  /** `n` bytes of `b` as lower-case hex without separators. */
  hexBytes(b: Uint8Array, n: i32): void {
    this.reserve(n << 2);
    this.upTo(storeHexBytes(this.end, b, n));
  }

  /** Bytes as a JSON string of lower-case hex. */
  jsonHex(b: Uint8Array): void {
    this.char(0x22);
    this.hexBytes(b, b.length);
    this.char(0x22);
  }

  bool(v: bool): void {
    this.raw(v ? "true" : "false");
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped. */
  jsonStr(s: string): void {
    this.char(0x22);
    let from = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c != 0x22 && c != 0x5c && c >= 0x20) continue;
      if (i > from) this.raw(s.substring(from, i));
      if (c == 0x22 || c == 0x5c) {
        this.char(0x5c);
        this.char(c);
      } else {
        this.raw("\\u00");
        this.char(hexDigit((c >> 4) & 15));
        this.char(hexDigit(c & 15));
      }
      from = i + 1;
    }
    if (from == 0) this.raw(s);
    else if (from < s.length) this.raw(s.substring(from));
    this.char(0x22);
  }

  /** The text so far, as one string. */
  toString(): string {
    return String.UTF16.decodeUnsafe(changetype<usize>(this.buf), <usize>this.used);
  }

  /** Empties it; a buffer grown past `keepBelow` bytes is given back. */
  clear(keepBelow: i32, startAt: i32): void {
    this.used = 0;
    if (this.buf.byteLength > keepBelow) this.buf = new ArrayBuffer(startAt);
  }
}
