// The fields of `xl info` that come from Xen's own functions, produced as the toolstack and Xen
// produce them: libxl_get_version_info() (tools/libs/light/libxl.c) asks XENVER_version,
// XENVER_extraversion2, XENVER_compile_info, XENVER_changeset2 and XENVER_build_id, and
// do_xen_version() / xenver_varbuf_op() (xen/common/kernel.c) answer by calling the image's
// version functions, run here on the interpreter. XENVER_version runs do_xen_version() itself when
// the image has one that answers at boot (boot.ts), so a version function sees the registers Xen's
// code leaves (a NOP-out returns what its caller left in the return register): the samples and
// both real builds (Arm's after the boot's xsm_dt_init() filled xsm_ops). Only an image without a
// do_xen_version() that answers at boot (a stand-in without one; an x86 build with CONFIG_XSM,
// whose xsm_ops xsm_multiboot_init() would fill) gets the two functions called directly,
// xen_minor_version() starting from the registers xen_major_version() left. The string ops are
// always called directly: their do_xen_version() paths copy to a guest buffer the simulator does
// not have. XENVER_version is (major << 16) | minor and xl
// takes major = v >> 16, minor = v & 0xff; the compile-info strings are cut to their fixed
// fields (64/16/32/32 bytes with the NUL); extraversion and changeset are whole. The build-id is
// what xen_build_init() found in the image's note at boot (4.7+: xen_build_id / xen_build_id_len),
// or, in images that have it, what the older `int xen_build_id(const void **p, unsigned int *len)`
// returns.
import { imageFind, imageSymKind, SYM_FUNC, imageAddrOf, is64 } from "../image";
import { isHalted } from "../halt";
import { jsonStr } from "../events";
import { runXen, quietBegin, quietEnd, xenReadFault, RunContext, RunResult, OUTCOME_NAMES, OUTCOME_RETURNED, OUTCOME_CRASHED } from "./runner";
import { runEvent, runStopEvent } from "./report";
import { cString } from "./vsprintf";
import { readLe, readOk, readByte } from "./mem";
import { xzalloc } from "./heap";
import { bootEpoch } from "./runtime";
import { buildInitReturned, buildInitWhy, versionCallerRuns } from "./boot";

/** The longest string Xen hands out through a varbuf op (KB(64)). */
const VARBUF_MAX: i32 = 65536;

class Field {
  key: string;
  value: string | null = null;
  fns: string[] = [];
  outcome: string = "returned";
  detail: string = "";
  constructor(key: string) {
    this.key = key;
  }
}

let ctx = new RunContext();
let down = false;

function fail(f: Field, outcome: string, detail: string): void {
  f.value = null;
  f.outcome = outcome;
  f.detail = detail;
}

/** Calls Xen function `name` for field `f`; null (and `f` says why) when there is no value. */
function call(f: Field, name: string, args: u64[]): RunResult | null {
  f.fns.push(name);
  if (down) {
    fail(f, "not-reached", "the host went down earlier in this command");
    return null;
  }
  const at = imageAddrOf(name);
  if (at == 0) {
    fail(f, "missing", "the image has no " + name + "()");
    return null;
  }
  const r = runXen(at, args, ctx);
  if (!ctx.quiet) {
    if (r.outcome != OUTCOME_RETURNED && r.outcome != OUTCOME_CRASHED) runStopEvent(r, ctx.cpu, null, at);
    runEvent(r, ctx.cpu, name, at, "xl-info");
  }
  if (r.outcome == OUTCOME_RETURNED) return r;
  if (r.outcome == OUTCOME_CRASHED) down = true;
  fail(f, OUTCOME_NAMES[r.outcome], r.outcome == OUTCOME_CRASHED ? r.message : unknownText(r));
  return null;
}

export function unknownText(r: RunResult): string {
  if (r.reason == "unsupported") {
    let b = "";
    for (let i = 0; i < r.bytes.length; i++) b += (i > 0 ? " " : "") + (r.bytes[i] < 16 ? "0" : "") + r.bytes[i].toString(16);
    return "unsupported instruction " + (r.mnemonic.length > 0 ? "'" + r.mnemonic + "' " : "") + "(" + b + ") at 0x" + r.pc.toString(16);
  }
  if (r.reason == "budget") return "still running after " + r.insns.toString() + " instructions (step budget) at 0x" + r.pc.toString(16);
  if (r.reason == "unmodelled" || r.reason == "deadlock") return r.message;
  return r.reason + " at 0x" + r.pc.toString(16);
}

/** The string Xen copies from `p`, at most `max` characters (strlcpy into a fixed field). */
function xenString(f: Field, p: u64, max: i32, fn: string): string | null {
  const s = cString(p, VARBUF_MAX);
  if (s === null) {
    // strlen()/strlcpy() on the returned pointer faults inside the hypercall
    let bad = p;
    for (let i = 0; i < VARBUF_MAX; i++) {
      readByte(p + <u64>i);
      if (!readOk) {
        bad = p + <u64>i;
        break;
      }
    }
    const r = xenReadFault(ctx, bad, imageAddrOf(fn));
    down = true;
    fail(f, "crashed", r.message);
    return null;
  }
  return s.length > max ? s.substring(0, max) : s;
}

function stringField(key: string, fn: string, max: i32): Field {
  const f = new Field(key);
  const r = call(f, fn, []);
  if (r !== null) f.value = xenString(f, r.value, max, fn);
  return f;
}

function hexOf(p: u64, len: u64): string | null {
  let s = "";
  for (let i: u64 = 0; i < len; i++) {
    const b = readByte(p + i);
    if (!readOk) return null;
    s += (b < 16 ? "0" : "") + b.toString(16);
  }
  return s;
}

// Where that older xen_build_id() writes its two results (one heap block per boot).
let scratch: u64 = 0;
let scratchEpoch: u32 = 0;

function buildIdField(): Field {
  const f = new Field("build_id");
  const varAt = imageAddrOf("xen_build_id");
  const lenAt = imageAddrOf("xen_build_id_len");
  const fnIdx = imageFind("xen_build_id");
  if (fnIdx >= 0 && imageSymKind(fnIdx) == SYM_FUNC) {
    // int xen_build_id(const void **p, unsigned int *len), before the variables existed
    if (scratchEpoch != bootEpoch) {
      scratch = xzalloc(16, 8);
      scratchEpoch = bootEpoch;
    }
    const out = scratch;
    const r = call(f, "xen_build_id", [out, out + 8]);
    if (r === null) return f;
    if (<i32>r.value != 0) {
      fail(f, "returned", "xen_build_id() returned " + (<i32>r.value).toString());
      return f;
    }
    f.value = hexOf(readLe(out, is64() ? 8 : 4), readLe(out + 8, 4));
    if (f.value === null) fail(f, "returned", "the build-id pointer xen_build_id() gave is not mapped");
    return f;
  }
  f.fns.push("xen_build_init");
  // XENVER_build_id is xl's last question: once an earlier one crashed Xen, it gets no answer.
  if (down) {
    fail(f, "not-reached", "the host went down earlier in this command");
    return f;
  }
  if (varAt == 0 || lenAt == 0) {
    fail(f, "missing", "the image has neither xen_build_id() nor the xen_build_id variables");
    return f;
  }
  // xen_build_init() ran once at boot (run/boot.ts); XENVER_build_id only reads what it set
  if (!buildInitReturned()) {
    const why = buildInitWhy();
    fail(f, imageAddrOf("xen_build_init") == 0 ? "missing" : "unknown", why.length > 0 ? why : "the image has no xen_build_init()");
    return f;
  }
  const len = readLe(lenAt, 4);
  const p = readLe(varAt, is64() ? 8 : 4);
  // XENVER_build_id: -ENODATA without one; xl then has nothing to print
  if (len == 0) {
    fail(f, "returned", "Xen has no build-id (XENVER_build_id returns -ENODATA)");
    return f;
  }
  f.value = hexOf(p, len);
  return f;
}

function fieldsJson(fields: Field[], hostDown: bool): string {
  let s = '{"hostDown":' + (hostDown ? "true" : "false") + ',"fields":[';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (i > 0) s += ",";
    s += '{"key":' + jsonStr(f.key) + ',"value":' + (f.value === null ? "null" : jsonStr(f.value!)) + ',"outcome":' + jsonStr(f.outcome);
    s += ',"fns":[';
    for (let j = 0; j < f.fns.length; j++) s += (j > 0 ? "," : "") + jsonStr(f.fns[j]);
    s += "]";
    if (f.detail.length > 0) s += ',"detail":' + jsonStr(f.detail);
    s += "}";
  }
  return s + "]}";
}

/**
 * `xl info`'s Xen fields as JSON ({hostDown, fields: [{key, value, outcome, fns, detail?}]}).
 * Quiet: no events, no panic, and every byte written is put back (a look, not a command).
 */
export function xlInfoJson(quiet: bool): string {
  if (isHalted()) return fieldsJson([], true);
  ctx = new RunContext();
  ctx.quiet = quiet;
  ctx.crashWhat = "Xen crashed answering xl info's version hypercalls";
  down = false;
  if (quiet) quietBegin();
  const major = new Field("xen_major");
  const minor = new Field("xen_minor");
  if (versionCallerRuns()) {
    // XENVER_version as the hypercall answers it: do_xen_version(XENVER_version, NULL) on the CPU,
    // which calls the two version functions with the registers its own code leaves
    const r = call(major, "do_xen_version", [0, 0]);
    if (r !== null) {
      const v = <u32>r.value;
      major.value = (<i32>(v >> 16)).toString();
      minor.value = (<i32>(v & 0xff)).toString();
    } else fail(minor, major.outcome, major.detail);
    minor.fns = major.fns = ["do_xen_version", "xen_major_version", "xen_minor_version"];
  } else {
    // No do_xen_version() that answers (boot.ts's versionCallerWhy() says why): its
    // `(xen_major_version() << 16) | xen_minor_version()` as compiled code makes the calls, one after
    // the other, the second starting from the registers the first left (its return register holds
    // the major version)
    const rMaj = call(major, "xen_major_version", []);
    ctx.keepRegs = true;
    const rMin = call(minor, "xen_minor_version", []);
    ctx.keepRegs = false;
    if (rMaj !== null && rMin !== null) {
      const v = (<u32>rMaj.value << 16) | <u32>rMin.value;
      major.value = (<i32>(v >> 16)).toString();
      minor.value = (<i32>(v & 0xff)).toString();
    } else {
      if (rMaj !== null) fail(major, minor.outcome, minor.detail);
      if (rMin !== null) fail(minor, major.outcome, major.detail);
    }
    minor.fns = major.fns = ["xen_major_version", "xen_minor_version"];
  }
  const extra = stringField("xen_extra", "xen_extra_version", VARBUF_MAX);
  const version = new Field("xen_version");
  version.fns = ["xen_major_version", "xen_minor_version", "xen_extra_version"];
  if (major.value !== null && extra.value !== null) version.value = major.value! + "." + minor.value! + extra.value!;
  else if (major.value === null) fail(version, major.outcome, major.detail);
  else fail(version, extra.outcome, extra.detail);
  const compiler = stringField("cc_compiler", "xen_compiler", 63);
  const by = stringField("cc_compile_by", "xen_compile_by", 15);
  const domain = stringField("cc_compile_domain", "xen_compile_domain", 31);
  const date = stringField("cc_compile_date", "xen_compile_date", 31);
  const changeset = stringField("xen_changeset", "xen_changeset", VARBUF_MAX);
  const build = buildIdField();
  if (quiet) quietEnd();
  // xl's order
  return fieldsJson([major, minor, extra, version, changeset, compiler, by, domain, date, build], isHalted());
}
