// printk as Xen's console driver does it (vprintk_common() and printk_prefix_check() in
// xen/drivers/char/console.c): format into a 1024-byte buffer, cut it into lines, read each line's
// log-level markers ("<0>".."<3>" for XENLOG_ERR..XENLOG_DEBUG, "<G>" for guest-provoked) and
// drop the markers, then print the line when its level is under the threshold: a release build
// prints ERR, WARNING and INFO (and guest ERR/WARNING), a debug build (xenlog.ts) everything. A line without
// a newline at the end is continued by the next printk on that CPU.
import { LEVEL_ERR, LEVEL_WARNING, LEVEL_INFO, LEVEL_DEBUG } from "../events";
import { STACK_CPUS } from "./layout";
import { debugBuild } from "../xenlog";

const LEVEL_NAMES: string[] = [LEVEL_ERR, LEVEL_WARNING, LEVEL_INFO, LEVEL_DEBUG];
/** XENLOG_DEFAULT / XENLOG_GUEST_DEFAULT. */
const DEFAULT_LEVEL: i32 = 2;
const GUEST_DEFAULT_LEVEL: i32 = 1;

/** One complete console line. */
export class PrintedLine {
  constructor(
    public text: string,
    public level: string,
    public cpu: i32,
  ) {}
}

export class CpuLine {
  text: string = "";
  level: i32 = DEFAULT_LEVEL;
  print: bool = true;
  continued: bool = false;
}

let partial: CpuLine[] = [];

export function resetPrintk(): void {
  partial = [];
  for (let i = 0; i < STACK_CPUS; i++) partial.push(new CpuLine());
}

/** A snapshot of every CPU's unfinished line, for a run that must leave no trace. */
export function savePrintk(): CpuLine[] {
  const out: CpuLine[] = [];
  for (let i = 0; i < partial.length; i++) {
    const c = new CpuLine();
    c.text = partial[i].text;
    c.level = partial[i].level;
    c.print = partial[i].print;
    c.continued = partial[i].continued;
    out.push(c);
  }
  return out;
}

export function restorePrintk(saved: CpuLine[]): void {
  partial = saved;
}

/** printk_prefix_check(): strips the markers at `s`, sets level and whether the line prints. */
function prefixCheck(s: string, st: CpuLine): string {
  let level = -1;
  let guest = false;
  let i = 0;
  while (i + 2 < s.length && s.charCodeAt(i) == 0x3c && s.charCodeAt(i + 2) == 0x3e) {
    const c = s.charCodeAt(i + 1);
    if (c == 0x47) {
      guest = true;
      if (level == -1) level = GUEST_DEFAULT_LEVEL;
    } else if (c >= 0x30 && c <= 0x33) level = c - 0x30;
    i += 3;
  }
  if (level == -1) level = DEFAULT_LEVEL;
  st.level = level;
  // Release thresholds: host lower 3 (ERR, WARNING, INFO print), guest upper 2 (ERR and WARNING
  // are rate-limited, which this simulator never hits); a debug build prints every level.
  st.print = debugBuild || (guest ? level < 2 : level < 3);
  return s.substring(i);
}

/** Splits formatted text into the lines `cpu` completes, in order (printed ones only). */
export function printkText(text: string, cpu: i32): PrintedLine[] {
  if (partial.length == 0) resetPrintk();
  const st = partial[cpu < 0 || cpu >= partial.length ? 0 : cpu];
  const out: PrintedLine[] = [];
  let from = 0;
  for (;;) {
    const nl = text.indexOf("\n", from);
    let piece = nl < 0 ? text.substring(from) : text.substring(from, nl);
    if (nl < 0 && piece.length == 0) break;
    if (!st.continued) {
      piece = prefixCheck(piece, st);
      st.text = "";
    }
    st.text += piece;
    if (nl < 0) {
      st.continued = true;
      break;
    }
    if (st.print) out.push(new PrintedLine(st.text, LEVEL_NAMES[st.level], cpu));
    st.text = "";
    st.continued = false;
    from = nl + 1;
  }
  return out;
}

/** The console level name of XENLOG level `n`. */
export function levelName(n: i32): string {
  return n >= 0 && n < 4 ? LEVEL_NAMES[n] : LEVEL_INFO;
}
