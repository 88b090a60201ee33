// previewPatch(): per function, what APPLY would write and where, from planPatch(), the code
// applyFunc() writes with. JSON; the shape is PatchPreview in src/protocol/hypervisor.ts.
import { Payload, HOOK_APPLY } from "./payload";
import { planPatch, INSN_NOP } from "./patch";
import { memRead } from "./memory";
import { TextOut } from "./textout";
import { ruleName } from "./rules";

export function previewJson(p: Payload): string {
  const viaHook = p.hasHook(HOOK_APPLY);
  const o = new TextOut(64 + p.funcs.length * 480);
  o.char(0x5b);
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const st = p.fstate[i];
    const plan = planPatch(p, i, st.applied != 0 ? <i32>st.patchOffset : -1);
    let old: Uint8Array | null;
    if (st.applied != 0) old = st.insnBuffer.slice(0, st.savedLen);
    else old = memRead(plan.at, plan.insn.length);
    if (i > 0) o.char(0x2c);
    o.raw('{"index":');
    o.i64(i);
    o.raw(',"name":');
    o.jsonStr(f.name);
    o.raw(',"oldAddr":');
    o.jsonAddr(f.oldAddr);
    o.raw(',"addr":');
    o.jsonAddr(plan.at);
    o.raw(',"patchOffset":');
    o.i64(plan.patchOffset);
    o.raw(',"insn":');
    // A BRK in place of a branch Xen could not encode (or ARM32's store that faults) is still the branch the record asks for.
    o.jsonStr(plan.kind != INSN_NOP ? "branch" : "nop");
    o.raw(',"target":');
    if (plan.kind != INSN_NOP) o.jsonAddr(f.newAddr);
    else o.raw("null");
    o.raw(',"bytes":');
    o.jsonHex(plan.insn);
    o.raw(',"old":');
    if (old === null) o.raw("null");
    else o.jsonHex(old);
    o.raw(',"applied":');
    o.bool(st.applied != 0);
    o.raw(',"viaHook":');
    o.bool(viaHook);
    o.raw(',"fault":');
    if (plan.fault >= 0) o.jsonStr(ruleName(plan.fault));
    else o.raw("null");
    o.raw(',"faultMessage":');
    if (plan.fault >= 0) o.jsonStr(plan.faultMessage.length > 0 ? plan.faultMessage : plan.explanation);
    else o.raw("null");
    o.raw(',"trap":');
    if (plan.trap >= 0) o.jsonStr(ruleName(plan.trap));
    else o.raw("null");
    o.raw(',"trapMessage":');
    if (plan.trap >= 0) o.jsonStr(plan.trapExplanation);
    else o.raw("null");
    o.char(0x7d);
  }
  o.char(0x5d);
  return o.toString();
}
