// The LIST hypercall (livepatch_list() in xen/common/livepatch.c, the 4.21+ ABI): probe mode (nr == 0) reports the payload count,
// the buffer sizes a full listing needs and `payload_version`; fetch mode copies entries from
// `idx` on into buffers whose capacities come in as name_total_size/metadata_total_size.
// The answer is a JSON object carrying the return value and every OUT field of the struct.
import { E2BIG, EINVAL, ENOBUFS, ENOSYS } from "./errno";
import { begin, end, fStr, fInt, fU64, objBegin, objEnd, jsonStr } from "./events";
import { payloads, payloadVersion, DANG_MODINFO } from "./payload";
import { touch } from "./dangling";
import { isHalted } from "./halt";
import { opFlagsError, argFail, opFlagsFail } from "./op";
import * as R from "./rules";
import { metadataText } from "./get";

/** Xen's cap on `nr` per call. */
export const LIST_MAX_NR: u32 = 1024;

class ListOut {
  rc: i32 = 0;
  nr: u32 = 0;
  version: u32 = 0;
  nameTotal: u32 = 0;
  metaTotal: u32 = 0;
  entries: string = "";
  /** Entries written by a fetch. */
  written: u32 = 0;
}

/** A name's bytes with its NUL: the host passes names as bytes, one character each. */
function nameBytes(name: string): u32 {
  return <u32>name.length + 1;
}

function metaBytes(m: Uint8Array | null): u32 {
  return m === null ? 0 : <u32>m.length;
}

function toJson(o: ListOut, idx: u32): string {
  return (
    '{"rc":' + o.rc.toString() + ',"idx":' + idx.toString() + ',"nr":' + o.nr.toString() + ',"version":' + o.version.toString() +
    ',"nameTotal":' + o.nameTotal.toString() + ',"metaTotal":' + o.metaTotal.toString() + ',"entries":[' + o.entries + "]}"
  );
}

/** Argument checks in Xen's order; 0 or −errno (the struct then comes back as it went in). */
function listArgs(nr: u32, pad: u32, idx: u32, opFlags: u32): i32 {
  if (opFlagsError(opFlags) != 0) return opFlagsFail(null, "LIST", opFlags);
  if (nr > LIST_MAX_NR) {
    argFail(null, "LIST", R.R_LIST_NR, -E2BIG, "nr " + nr.toString() + " is above 1024");
    return -E2BIG;
  }
  if (pad != 0) {
    argFail(null, "LIST", R.R_LIST_PAD, -EINVAL, "xen_sysctl_livepatch_list.pad is not zero (0x" + pad.toString(16) + ")");
    return -EINVAL;
  }
  const count = <u32>payloads.length;
  if (count > 0 && idx >= count) {
    argFail(null, "LIST", R.R_LIST_IDX, -EINVAL, "idx " + idx.toString() + " is not below the payload count " + count.toString());
    return -EINVAL;
  }
  return 0;
}

function probe(o: ListOut): void {
  let names: u32 = 0;
  let meta: u32 = 0;
  for (let i = 0; i < payloads.length; i++) {
    names += nameBytes(payloads[i].name);
    meta += metaBytes(payloads[i].modinfo);
  }
  o.nr = <u32>payloads.length;
  o.nameTotal = names;
  o.metaTotal = meta;
}

function fetch(o: ListOut, idx: u32, nr: u32, nameCap: u32, metaCap: u32): void {
  const count = <u32>payloads.length;
  let walked: u32 = 0;
  let written: u32 = 0;
  let nameUsed: u32 = 0;
  let metaUsed: u32 = 0;
  let entries = "";
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    // Xen counts every entry it walks, skipped ones and the one that did not fit included:
    // that is why "remaining" comes out one too small after -ENOBUFS.
    walked++;
    if (walked <= idx) continue;
    const nl = nameBytes(p.name);
    const ml = metaBytes(p.modinfo);
    // The copy of the metadata reads through a pointer into a freed upload buffer: it faults.
    if (ml > 0 && <u64>nameUsed + nl <= <u64>nameCap && <u64>metaUsed + ml <= <u64>metaCap && !touch(p, DANG_MODINFO, 0, "LIVEPATCH_LIST")) return;
    if (<u64>nameUsed + nl > <u64>nameCap || <u64>metaUsed + ml > <u64>metaCap) {
      // Xen counts the entry that did not fit as walked: "remaining" comes out one too small.
      o.rc = -ENOBUFS;
      break;
    }
    if (written > 0) entries += ",";
    entries +=
      '{"name":' + jsonStr(p.name) + ',"state":' + p.state.toString() + ',"rc":' + p.rc.toString() +
      ',"metadata":' + jsonStr(metadataText(p.modinfo)) + ',"nameLen":' + nl.toString() + ',"metaLen":' + ml.toString() + "}";
    nameUsed += nl;
    metaUsed += ml;
    written++;
    if (written >= nr) break;
  }
  o.nr = count - walked;
  o.nameTotal = nameUsed;
  o.metaTotal = metaUsed;
  o.entries = entries;
  o.written = written;
  if (o.rc == 0) o.rc = <i32>written;
}

/** The LIST hypercall with its events; JSON with rc and the struct's OUT fields. */
export function doList(idx: u32, nr: u32, pad: u32, nameCap: u32, metaCap: u32, opFlags: u32): string {
  const o = new ListOut();
  // An early failure copies the struct back unchanged.
  o.nr = nr;
  o.nameTotal = nameCap;
  o.metaTotal = metaCap;
  if (isHalted()) {
    o.rc = -ENOSYS;
    return toJson(o, idx);
  }
  begin("hypercall", 0, null);
  fStr("op", "LIST");
  objBegin("args");
  fU64("idx", idx);
  fU64("nr", nr);
  fU64("nameCap", nameCap);
  fU64("metaCap", metaCap);
  fU64("pad", pad);
  fU64("opFlags", opFlags);
  objEnd();
  end();
  o.rc = listArgs(nr, pad, idx, opFlags);
  if (o.rc == 0) {
    o.version = payloadVersion;
    if (nr == 0) probe(o);
    else fetch(o, idx, nr, nameCap, metaCap);
  }
  // A fault in the hypercall brought the host down: it never returns.
  if (isHalted()) {
    o.rc = -ENOSYS;
    return toJson(o, idx);
  }
  begin("hypercall-return", 0, null);
  fStr("op", "LIST");
  fInt("ret", o.rc);
  if (o.version != 0) {
    objBegin("list");
    fU64("written", o.written);
    fU64("remaining", o.nr);
    fU64("version", o.version);
    fU64("nameTotal", o.nameTotal);
    fU64("metaTotal", o.metaTotal);
    objEnd();
  }
  end();
  return toJson(o, idx);
}
