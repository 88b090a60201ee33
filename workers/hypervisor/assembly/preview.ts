// previewPatch(): per function, what APPLY would write and where, from planPatch(), the code
// applyFunc() writes with. JSON; the shape is PatchPreview in src/protocol/hypervisor.ts.
import { jsonStr } from "./events";
import { Payload, HOOK_APPLY } from "./payload";
import { planPatch, INSN_BRANCH } from "./patch";
import { memRead } from "./memory";
import { hex64, toHex } from "./bytes";
import { ruleName } from "./rules";

export function previewJson(p: Payload): string {
  const viaHook = p.hasHook(HOOK_APPLY);
  // One string per function, joined once (appending to one growing string was quadratic).
  const items = new Array<string>(p.funcs.length);
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const st = p.fstate[i];
    const plan = planPatch(p, i, st.applied != 0 ? <i32>st.patchOffset : -1);
    let old: Uint8Array | null;
    if (st.applied != 0) old = st.insnBuffer.slice(0, st.savedLen);
    else old = memRead(plan.at, plan.insn.length);
    let s = '{"index":' + i.toString() + ',"name":' + jsonStr(f.name);
    s += ',"oldAddr":' + jsonStr(hex64(f.oldAddr)) + ',"addr":' + jsonStr(hex64(plan.at)) + ',"patchOffset":' + plan.patchOffset.toString();
    s += ',"insn":' + jsonStr(plan.kind == INSN_BRANCH ? "branch" : "nop");
    s += ',"target":' + (plan.kind == INSN_BRANCH ? jsonStr(hex64(f.newAddr)) : "null");
    s += ',"bytes":' + jsonStr(toHex(plan.insn)) + ',"old":' + (old === null ? "null" : jsonStr(toHex(old)));
    s += ',"applied":' + (st.applied != 0 ? "true" : "false") + ',"viaHook":' + (viaHook ? "true" : "false");
    s += ',"fault":' + (plan.fault >= 0 ? jsonStr(ruleName(plan.fault)) : "null");
    s += ',"faultMessage":' + (plan.fault >= 0 ? jsonStr(plan.faultMessage.length > 0 ? plan.faultMessage : plan.explanation) : "null") + "}";
    items[i] = s;
  }
  return "[" + items.join(",") + "]";
}
