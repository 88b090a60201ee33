// Failures. A check records what failed through fail(): its rule id, the errno, the console
// line(s) Xen prints for it (none where Xen is silent), a simulator-side explanation, and where
// it is in the uploaded file. report() then emits the console lines and one typed
// `check-failed` event (shape: CheckFailedEvent in src/protocol/hypervisor.ts).
import { begin, end, fStr, fInt, fBytes, objBegin, objEnd, consoleLine, LEVEL_ERR } from "./events";
import { ruleName } from "./rules";

/** Where a failure is: file range, section, function, relocation, symbol; compared bytes. */
export class Loc {
  offset: i64 = -1;
  length: i64 = 0;
  section: string | null = null;
  sectionIndex: i32 = -1;
  funcIndex: i32 = -1;
  funcName: string | null = null;
  relocSection: string | null = null;
  relocSectionIndex: i32 = -1;
  relocIndex: i32 = -1;
  symIndex: i32 = -1;
  symName: string | null = null;
  expected: Uint8Array | null = null;
  actual: Uint8Array | null = null;
  /** Another payload the check compared against (the top of the applied stack, say). */
  other: string | null = null;

  range(offset: u64, length: u64): Loc {
    this.offset = <i64>offset;
    this.length = <i64>length;
    return this;
  }

  sec(name: string, index: i32): Loc {
    this.section = name;
    this.sectionIndex = index;
    return this;
  }

  func(index: i32, name: string | null): Loc {
    this.funcIndex = index;
    this.funcName = name;
    return this;
  }

  reloc(section: string, sectionIndex: i32, index: i32): Loc {
    this.relocSection = section;
    this.relocSectionIndex = sectionIndex;
    this.relocIndex = index;
    return this;
  }

  sym(index: i32, name: string): Loc {
    this.symIndex = index;
    this.symName = name;
    return this;
  }

  bytes(expected: Uint8Array, actual: Uint8Array | null): Loc {
    this.expected = expected;
    this.actual = actual;
    return this;
  }

  against(name: string): Loc {
    this.other = name;
    return this;
  }
}

export function at(offset: u64, length: u64): Loc {
  return new Loc().range(offset, length);
}

export let failRule: i32 = -1;
export let failRc: i32 = 0;
export let failLines: string = "";
export let failExplanation: string = "";
export let failLoc: Loc | null = null;

/** The payload the current hypercall is about, for "livepatch: NAME: ..." lines. */
export let diagName: string = "";

export function resetDiag(name: string = ""): void {
  failRule = -1;
  failRc = 0;
  failLines = "";
  failExplanation = "";
  failLoc = null;
  diagName = name;
}

/** "livepatch: NAME: " + msg, as Xen's LIVEPATCH "%s: ..." lines read. */
export function lp(msg: string): string {
  return "livepatch: " + diagName + ": " + msg;
}

/**
 * Records a failed check and returns -rc. `lines`: what Xen prints ("\n" between lines; "" when
 * Xen prints nothing). `explanation`: the simulator's own words, never printed on the console.
 */
export function fail(rule: i32, rc: i32, lines: string, explanation: string = "", loc: Loc | null = null): i32 {
  failRule = rule;
  failRc = -rc;
  failLines = lines;
  failExplanation = explanation;
  failLoc = loc;
  return -rc;
}

/** `line` (Xen's words), then the simulator's `detail` in parentheses when there is one. */
function quoted(line: string, detail: string): string {
  return detail.length > 0 ? line + " (" + detail + ")" : line;
}

/**
 * A failure Xen reports on the console (`lines`, Xen's words, "\n" between lines): the event's
 * explanation, and so the audit's finding, leads with Xen's first line, the simulator's `detail`
 * after it in parentheses, as a reviewer searching the host's console for the finding's text finds it.
 */
export function failQuoting(rule: i32, rc: i32, lines: string, detail: string, loc: Loc | null = null): i32 {
  const nl = lines.indexOf("\n");
  return fail(rule, rc, lines, quoted(nl >= 0 ? lines.substring(0, nl) : lines, detail), loc);
}

/**
 * A failure whose one Xen line (`line`) the caller has already printed, where Xen prints it (a hook's
 * veto, a rendezvous timeout): the explanation leads with it as failQuoting()'s does, without a
 * second console line.
 */
export function failPrinted(rule: i32, rc: i32, line: string, detail: string, loc: Loc | null = null): i32 {
  return fail(rule, rc, "", quoted(line, detail), loc);
}

/** One more console line for the recorded failure (a caller's follow-up message). */
export function failAppend(line: string): void {
  failLines = failLines.length > 0 ? failLines + "\n" + line : line;
}

/** The recorded failure's console lines (each at XENLOG_ERR unless given) and its event. */
export function report(payload: string | null, op: string, rcKind: string, cpu: i32 = 0): void {
  if (failRule < 0) return;
  if (failLines.length > 0) {
    const parts = failLines.split("\n");
    for (let i = 0; i < parts.length; i++) consoleLine(payload, parts[i], LEVEL_ERR, cpu);
  }
  begin("check-failed", cpu, payload);
  fStr("rule", ruleName(failRule));
  fStr("op", op);
  fInt("rc", failRc);
  fStr("rcKind", rcKind);
  fStr("explanation", failExplanation.length > 0 ? failExplanation : failLines);
  const l = failLoc;
  if (l !== null) {
    if (l.offset >= 0) {
      fInt("offset", l.offset);
      fInt("length", l.length);
    }
    const s = l.section;
    if (s !== null && s.length > 0) fStr("section", s);
    if (l.sectionIndex >= 0) fInt("sectionIndex", l.sectionIndex);
    if (l.funcIndex >= 0) {
      objBegin("func");
      fInt("index", l.funcIndex);
      const n = l.funcName;
      if (n !== null) fStr("name", n);
      objEnd();
    }
    const rs = l.relocSection;
    if (rs !== null) {
      objBegin("reloc");
      fStr("section", rs);
      fInt("sectionIndex", l.relocSectionIndex);
      fInt("index", l.relocIndex);
      objEnd();
    }
    const sn = l.symName;
    if (sn !== null) {
      objBegin("symbol");
      fInt("index", l.symIndex);
      fStr("name", sn);
      objEnd();
    }
    const ex = l.expected;
    if (ex !== null) fBytes("expected", ex);
    const ac = l.actual;
    if (ac !== null) fBytes("actual", ac);
    const o = l.other;
    if (o !== null) fStr("other", o);
  }
  end();
  failRule = -1;
}
