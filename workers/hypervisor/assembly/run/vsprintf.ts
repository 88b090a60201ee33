// Xen's vsnprintf() semantics (xen/common/vsprintf.c) over simulated memory: flags `-+ #0`, a
// width and precision (digits or `*`), the qualifiers h l ll L z Z, the conversions c s p n % o x X
// d i u, and the %p extensions Xen code uses in hooks: %pS/%ps (symbol+offset/size, with the
// payload's name for payload code) and %*ph/%*phC/%*phD/%*phN (a hex buffer). %pb, %pd, %pp and
// %pv read structures this simulator does not lay out; they print the pointer instead.
//
// Arguments come from an ArgSource (registers, then the stack, of the stopped call). A string or
// buffer argument that is not mapped is where Xen would take a fatal page fault: formatting stops
// and `faultAt` names the address.
import { PAGE_SIZE } from "../memory";
import { readByte, readOk, writeInt } from "./mem";
import { symbolText } from "./symbolize";
import { is64 } from "../image";

const ZEROPAD: i32 = 1;
const SIGN: i32 = 2;
const PLUS: i32 = 4;
const SPACE: i32 = 8;
const LEFT: i32 = 16;
const SPECIAL: i32 = 32;
const LARGE: i32 = 64;

const SMALL = "0123456789abcdefghijklmnopqrstuvwxyz";
const BIG = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** vprintk_common()'s buffer is 1024 bytes: at most 1023 characters survive. */
export const PRINTK_BUF: i32 = 1024;
/** How far a %s argument is read looking for its NUL. */
const MAX_STRING: i32 = 4096;

/** %p's default width: 2 * sizeof(void *) hex digits. */
function pointerDigits(): i32 {
  return is64() ? 16 : 8;
}

export abstract class ArgSource {
  /** The next integer argument (64 bits; the caller narrows it as va_arg would). */
  abstract next(): u64;
  /** The next 64-bit argument (long long): one slot on LP64; ILP32 sources override it. */
  wide(): u64 {
    return this.next();
  }
}

class Out {
  codes: i32[] = [];
  count: i32 = 0;
  cap: i32;
  constructor(size: i32) {
    this.cap = size - 1;
  }
  put(c: i32): void {
    if (this.count < this.cap) this.codes.push(c);
    this.count++;
  }
  text(): string {
    return String.fromCharCodes(this.codes);
  }
}

/** The formatted text, or the fault that stopped it. */
export class Formatted {
  text: string = "";
  /** Non-zero: Xen would fault reading this address. */
  faultAt: u64 = 0;
}

function number(o: Out, n: u64, base: i32, sizeIn: i32, precisionIn: i32, typeIn: i32): void {
  let num = n;
  let size = sizeIn;
  let precision = precisionIn;
  let type = typeIn;
  const digits = (type & LARGE) != 0 ? BIG : SMALL;
  if ((type & LEFT) != 0) type &= ~ZEROPAD;
  const c = (type & ZEROPAD) != 0 ? 0x30 : 0x20;
  let sign = 0;
  if ((type & SIGN) != 0) {
    if (<i64>num < 0) {
      sign = 0x2d;
      num = <u64>0 - num;
      size--;
    } else if ((type & PLUS) != 0) {
      sign = 0x2b;
      size--;
    } else if ((type & SPACE) != 0) {
      sign = 0x20;
      size--;
    }
  }
  if ((type & SPECIAL) != 0) {
    if (num == 0) type &= ~SPECIAL;
    else if (base == 16) size -= 2;
    else if (base == 8) size--;
    else type &= ~SPECIAL;
  }
  const tmp: i32[] = [];
  if (num == 0) tmp.push(0x30);
  else
    while (num != 0) {
      tmp.push(digits.charCodeAt(<i32>(num % <u64>base)));
      num /= <u64>base;
    }
  let i = tmp.length;
  if (i > precision) precision = i;
  size -= precision;
  // The padding loops keep vsprintf.c's post-decrement: a loop that ran leaves size at -1.
  if ((type & (ZEROPAD | LEFT)) == 0) while (size-- > 0) o.put(0x20);
  if (sign != 0) o.put(sign);
  if ((type & SPECIAL) != 0) {
    o.put(0x30);
    if (base == 16) o.put(digits.charCodeAt(33));
  }
  if ((type & LEFT) == 0) while (size-- > 0) o.put(c);
  while (i < precision--) o.put(0x30);
  while (i-- > 0) o.put(tmp[i]);
  while (size-- > 0) o.put(0x20);
}

/** The C string at `at` (latin-1), at most `max` bytes; null when a byte before its NUL is not mapped. */
export function cString(at: u64, max: i32): string | null {
  const codes: i32[] = [];
  for (let i = 0; i < max; i++) {
    const b = readByte(at + <u64>i);
    if (!readOk) return null;
    if (b == 0) break;
    codes.push(b);
  }
  return String.fromCharCodes(codes);
}

let badAddr: u64 = 0;

/** The first address of [at, at+len) that is not readable, or 0. */
function firstBad(at: u64, len: i32): u64 {
  for (let i = 0; i < len; i++) {
    readByte(at + <u64>i);
    if (!readOk) return at + <u64>i;
  }
  return 0;
}

function putString(o: Out, s: string, fieldWidth: i32, precision: i32, flags: i32): void {
  let len = s.length;
  if (precision >= 0 && precision < len) len = precision;
  let w = fieldWidth;
  if ((flags & LEFT) == 0) while (len < w--) o.put(0x20);
  for (let i = 0; i < len; i++) o.put(s.charCodeAt(i));
  while (len < w--) o.put(0x20);
}

/** pointer(): returns how many extra format characters it consumed. */
function pointer(o: Out, fmt: string, at: i32, arg: u64, fieldWidthIn: i32, precision: i32, flagsIn: i32): i32 {
  let fieldWidth = fieldWidthIn;
  let flags = flagsIn;
  const ext = at + 1 < fmt.length ? fmt.charCodeAt(at + 1) : 0;
  if (ext == 0x68) {
    // 'h': a raw buffer as hex, the byte count from the field width (0..64)
    let used = 1;
    let sep = 0x20;
    const mod = at + 2 < fmt.length ? fmt.charCodeAt(at + 2) : 0;
    if (mod == 0x43) sep = 0x3a;
    else if (mod == 0x44) sep = 0x2d;
    else if (mod == 0x4e) sep = 0;
    if (mod == 0x43 || mod == 0x44 || mod == 0x4e) used = 2;
    if (fieldWidth <= 0) return used;
    if (fieldWidth > 64) fieldWidth = 64;
    const bad = firstBad(arg, fieldWidth);
    if (bad != 0) {
      badAddr = bad;
      return used;
    }
    for (let i = 0; ; ) {
      number(o, <u64>readByte(arg + <u64>i), 16, 2, -1, ZEROPAD);
      if (++i == fieldWidth) break;
      if (sep != 0) o.put(sep);
    }
    return used;
  }
  if (ext == 0x73 || ext == 0x53) {
    // 's' / 'S': symbol, '+0xoff/0xsize' (always for S, when off != 0 for s), ' [payload]'
    const s = symbolText(arg, ext == 0x53);
    if (s !== null) {
      putString(o, s, -1, -1, 0);
      return 1;
    }
    // Not in any text region: the plain pointer.
    if (fieldWidth == -1) {
      fieldWidth = pointerDigits();
      flags |= ZEROPAD;
    }
    number(o, arg, 16, fieldWidth, precision, flags);
    return 1;
  }
  const skip = ext == 0x62 || ext == 0x64 || ext == 0x70 || ext == 0x76 ? (ext == 0x62 && at + 2 < fmt.length && fmt.charCodeAt(at + 2) == 0x6c ? 2 : 1) : 0;
  if (fieldWidth == -1) {
    fieldWidth = pointerDigits();
    flags |= ZEROPAD;
  }
  number(o, arg, 16, fieldWidth, precision, flags);
  return skip;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** Formats `fmt` (already read from memory) with arguments from `args`, as Xen's vsnprintf. */
export function vsnprintf(fmt: string, args: ArgSource, size: i32 = PRINTK_BUF): Formatted {
  const o = new Out(size);
  const r = new Formatted();
  badAddr = 0;
  let i = 0;
  const n = fmt.length;
  while (i < n && badAddr == 0) {
    const ch = fmt.charCodeAt(i);
    if (ch != 0x25) {
      o.put(ch);
      i++;
      continue;
    }
    let flags = 0;
    i++;
    for (; i < n; i++) {
      const f = fmt.charCodeAt(i);
      if (f == 0x2d) flags |= LEFT;
      else if (f == 0x2b) flags |= PLUS;
      else if (f == 0x20) flags |= SPACE;
      else if (f == 0x23) flags |= SPECIAL;
      else if (f == 0x30) flags |= ZEROPAD;
      else break;
    }
    let fieldWidth = -1;
    if (i < n && isDigit(fmt.charCodeAt(i))) {
      fieldWidth = 0;
      while (i < n && isDigit(fmt.charCodeAt(i))) fieldWidth = fieldWidth * 10 + fmt.charCodeAt(i++) - 0x30;
    } else if (i < n && fmt.charCodeAt(i) == 0x2a) {
      i++;
      fieldWidth = <i32>args.next();
      if (fieldWidth < 0) {
        fieldWidth = -fieldWidth;
        flags |= LEFT;
      }
    }
    let precision = -1;
    if (i < n && fmt.charCodeAt(i) == 0x2e) {
      i++;
      if (i < n && isDigit(fmt.charCodeAt(i))) {
        precision = 0;
        while (i < n && isDigit(fmt.charCodeAt(i))) precision = precision * 10 + fmt.charCodeAt(i++) - 0x30;
      } else if (i < n && fmt.charCodeAt(i) == 0x2a) {
        i++;
        precision = <i32>args.next();
      }
      if (precision < 0) precision = 0;
    }
    let qualifier = -1;
    if (i < n) {
      const q = fmt.charCodeAt(i);
      if (q == 0x68 || q == 0x6c || q == 0x4c || q == 0x5a || q == 0x7a) {
        qualifier = q;
        i++;
        if (q == 0x6c && i < n && fmt.charCodeAt(i) == 0x6c) {
          qualifier = 0x4c;
          i++;
        }
      }
    }
    let base = 10;
    const conv = i < n ? fmt.charCodeAt(i) : 0;
    if (conv == 0x63) {
      if ((flags & LEFT) == 0) while (--fieldWidth > 0) o.put(0x20);
      o.put(<i32>(args.next() & 0xff));
      while (--fieldWidth > 0) o.put(0x20);
      i++;
      continue;
    }
    if (conv == 0x73) {
      const p = args.next();
      let s: string | null = "<NULL>";
      if (p >= PAGE_SIZE) {
        s = cString(p, precision >= 0 && precision < MAX_STRING ? precision : MAX_STRING);
        if (s === null) {
          badAddr = firstBad(p, MAX_STRING);
          break;
        }
      }
      putString(o, s as string, fieldWidth, precision, flags);
      i++;
      continue;
    }
    if (conv == 0x70) {
      i += pointer(o, fmt, i, args.next(), fieldWidth, precision, flags) + 1;
      continue;
    }
    if (conv == 0x6e) {
      // %n stores how many characters were produced so far (an int, a long with 'l' or 'z').
      const p = args.next();
      const wide = (qualifier == 0x6c || qualifier == 0x5a || qualifier == 0x7a) && is64();
      if (!writeInt(p, <u64>o.count, wide ? 8 : 4)) {
        badAddr = p;
        break;
      }
      i++;
      continue;
    }
    if (conv == 0x25) {
      o.put(0x25);
      i++;
      continue;
    }
    if (conv == 0x6f) base = 8;
    else if (conv == 0x58 || conv == 0x78) {
      if (conv == 0x58) flags |= LARGE;
      base = 16;
    } else if (conv == 0x64 || conv == 0x69) flags |= SIGN;
    else if (conv != 0x75) {
      o.put(0x25);
      if (conv != 0) {
        o.put(conv);
        i++;
      }
      continue;
    }
    i++;
    const raw = qualifier == 0x4c ? args.wide() : args.next();
    let num: u64;
    if (qualifier == 0x4c) num = raw;
    // long and size_t are 64 bits on LP64, 32 (as int) on ILP32 (arm32)
    else if ((qualifier == 0x6c || qualifier == 0x5a || qualifier == 0x7a) && is64()) num = raw;
    else if (qualifier == 0x68) num = (flags & SIGN) != 0 ? <u64>(<i64>(<i16>raw)) : <u64>(<u16>raw);
    else num = (flags & SIGN) != 0 ? <u64>(<i64>(<i32>raw)) : <u64>(<u32>raw);
    number(o, num, base, fieldWidth, precision, flags);
  }
  r.text = o.text();
  r.faultAt = badAddr;
  return r;
}
