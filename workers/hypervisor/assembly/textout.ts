// A growing UTF-16 text buffer. The event log and the big JSON answers (a payload's details) are
// written into one: each character is stored once, where building them by concatenation copied
// a record's text again for every field appended to it (most of a 2,000-function payload's
// details time).

const HEX = "0123456789abcdef";

export function hexDigit(d: i32): u16 {
  return <u16>(d < 10 ? 0x30 + d : 0x57 + d);
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

  u64(v: u64): void {
    let digits = 1;
    for (let x = v / 10; x != 0; x /= 10) digits++;
    this.reserve(digits << 1);
    let at = this.end + (<usize>(digits - 1) << 1);
    let x = v;
    for (let i = 0; i < digits; i++) {
      store<u16>(at, <u16>(0x30 + <i32>(x % 10)));
      x /= 10;
      at -= 2;
    }
    this.used += digits << 1;
  }

  i64(v: i64): void {
    if (v < 0) {
      this.char(0x2d);
      this.u64(<u64>0 - <u64>v);
    } else this.u64(<u64>v);
  }

  hexDigits(v: u64): void {
    let n = 1;
    for (let x = v >> 4; x != 0; x >>= 4) n++;
    this.reserve(n << 1);
    const at = this.end;
    for (let i = 0; i < n; i++) store<u16>(at + (<usize>i << 1), hexDigit(<i32>((v >> (<u64>(n - 1 - i) * 4)) & 15)));
    this.used += n << 1;
  }

  /** An address as a JSON string, "0x…" (u64 does not fit a JSON number). */
  jsonAddr(v: u64): void {
    this.raw('"0x');
    this.hexDigits(v);
    this.char(0x22);
  }

  /** `n` bytes of `b` as lower-case hex without separators. */
  hexBytes(b: Uint8Array, n: i32): void {
    this.reserve(n << 2);
    const at = this.end;
    for (let i = 0; i < n; i++) {
      const v = <i32>unchecked(b[i]);
      store<u16>(at + (<usize>i << 2), hexDigit(v >> 4));
      store<u16>(at + (<usize>i << 2) + 2, hexDigit(v & 15));
    }
    this.used += n << 2;
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
        this.char(HEX.charCodeAt((c >> 4) & 15));
        this.char(HEX.charCodeAt(c & 15));
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
