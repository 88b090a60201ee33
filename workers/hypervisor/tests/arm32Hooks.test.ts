// ARM32 hooks that take a struct payload (pre/post-apply, apply/revert action) run on the A32
// interpreter with the struct laid out as Xen's arm32 (ILP32) build lays it out. The sample
// arm32/xen_payload_hooks.livepatch (fixtures/payloads/payload_hooks.c) reads p->name, p->nfuncs,
// p->funcs[i].name and writes p->fstate[i].applied. Expected values:
// - the offsets its code uses, from `arm-linux-gnueabihf-objdump -d` of the committed sample
//   (gcc 12 compiled them from the C struct, not from the simulator's table): name at 196
//   (`add r6, r4, #196`), nfuncs at 64, fstate at 60, funcs at 56, fstate[].applied at +4, strides
//   92 (livepatch_func) and 40 (livepatch_fstate);
// - console lines from the hooks' printk formats in the C source and Xen's own lines from
//   xen/common/livepatch.c (livepatch_action(), livepatch_do_action(), do_livepatch_work());
// - instruction counts by hand from the objdump listing (below, per hook).
import { describe, expect, it } from "vitest";
import { APPLIED, CHECKED, EOPNOTSUPP, addr, apply, booted, bytesAt, eventsOf, funcs, lines, replace, revert, upload } from "./harness.ts";
import { Edit, payloadBytes } from "./support/payloads.ts";

const NAME = "xen_payload_hooks";
const EACCES = 13;

function le32(v: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.toString("hex");
}

function hookRuns(hv: Awaited<ReturnType<typeof booted>>) {
  return eventsOf(hv, "hook").map((e) => (e.executed ? { hook: e.hook, executed: true, outcome: e.outcome, returned: e.returned, instructions: e.instructions, calls: e.calls } : { hook: e.hook, executed: false }));
}

describe("arm32 hooks that take a struct payload", () => {
  it("the hook code reads the ILP32 offsets objdump shows: name 196, nfuncs 64, funcs 56, fstate 60, fstate[].applied +4", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", NAME)).toBe(0);
    const at = (sym: string, off: number, len = 4) => bytesAt(hv, hv.payloadSymbol(sym)!.addr + BigInt(off), len);
    // payload_hooks_pre_apply+0x08: add r6, r4, #196 (&p->name); +0x18: ldr r2, [r4, #64] (p->nfuncs)
    expect(at("payload_hooks_pre_apply", 0x08)).toBe(le32(0xe28460c4));
    expect(at("payload_hooks_pre_apply", 0x18)).toBe(le32(0xe5942040));
    // payload_hooks_apply+0x38: ldr r3, [r5, #60] (p->fstate); +0x40: ldr ip, [r5, #56] (p->funcs);
    // +0x54: add fp, fp, #40 (sizeof fstate); +0x5c: str r9, [r3, #4] (fstate[i].applied = 1)
    expect(at("payload_hooks_apply", 0x38)).toBe(le32(0xe595303c));
    expect(at("payload_hooks_apply", 0x40)).toBe(le32(0xe595c038));
    expect(at("payload_hooks_apply", 0x54)).toBe(le32(0xe28bb028));
    expect(at("payload_hooks_apply", 0x5c)).toBe(le32(0xe5839004));
  });

  it("APPLY runs pre-apply, the apply action hook and post-apply to their end; REVERT the revert action hook", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", NAME)).toBe(0);
    const extraBefore = hv.xlInfo().fields.find((x) => x.key === "xen_extra");
    expect(extraBefore).toMatchObject({ value: "-unstable", outcome: "returned" });
    const [f] = funcs(hv, NAME);
    const old = addr(f.oldAddr);
    const before = bytesAt(hv, old, 4);

    expect(apply(hv, NAME)).toBe(0);
    expect(hv.get(NAME)).toEqual({ ret: 0, state: APPLIED, rc: 0 });
    expect(lines(hv)).toEqual([
      `livepatch: ${NAME}: Verifying enabled expectations for all functions`,
      `livepatch: ${NAME}: Calling pre-apply hook function`,
      `${NAME}: pre-apply hook, 1 function(s)`,
      `livepatch: ${NAME}: Calling apply action hook function`,
      `${NAME}: apply action: xen_extra_version marked applied`,
      `livepatch: ${NAME}: Calling post-apply hook function with rc=0`,
      `${NAME}: post-apply hook: xen_extra_version applied=1`,
      `livepatch: ${NAME} finished APPLY with rc=0`,
    ]);
    // By hand from objdump -d:
    // pre-apply: 10 up to `blx r5` (printk), ldrb/cmp/bne (3), movw/movt/mov/b (4), then per byte
    // name[i] for i = 1..17 the loop's ldrb/ldrb/cmp/beq and cmp r0, #0/popeq (6): 17 + 17 * 6 = 119.
    // apply action, nfuncs 1: push/ldr/cmp/beq (4), 0x10..0x34 (10), one pass of 0x38..0x6c (14),
    // mov/pop (2) = 30. post-apply: ldr/cmp/bxeq (3), 0x0c..0x30 (10), 0x34..0x60 (12), pop (1) = 26.
    expect(hookRuns(hv)).toEqual([
      { hook: "preapply", executed: true, outcome: "returned", returned: 0, instructions: 119, calls: 1 },
      { hook: "apply", executed: true, outcome: "returned", returned: 0, instructions: 30, calls: 1 },
      { hook: "postapply", executed: true, outcome: "returned", returned: undefined, instructions: 26, calls: 1 },
    ]);
    expect(eventsOf(hv, "run-stop")).toEqual([]);
    // The action hook marked the function through p->fstate: the simulator's fstate[0] (what
    // was_action_consistent() reads) says applied, and nothing was patched.
    expect(hv.payload(NAME)!.funcs[0].applied).toBe(true);
    expect(bytesAt(hv, old, 4)).toBe(before);
    expect(eventsOf(hv, "write")).toEqual([]);
    expect(hv.xlInfo().fields.find((x) => x.key === "xen_extra")).toMatchObject({ value: "-unstable", outcome: "returned" });

    const seen = lines(hv).length;
    expect(revert(hv, NAME)).toBe(0);
    expect(hv.get(NAME)).toEqual({ ret: 0, state: CHECKED, rc: 0 });
    expect(lines(hv).slice(seen)).toEqual([
      `livepatch: ${NAME}: Calling revert action hook function`,
      `${NAME}: revert action: xen_extra_version marked reverted`,
      `livepatch: ${NAME} finished REVERT with rc=0`,
    ]);
    // revert action: as apply plus `mov r9, fp` before the loop: 4 + 10 + 14 + 2 = 30
    expect(hookRuns(hv).slice(3)).toEqual([{ hook: "revert", executed: true, outcome: "returned", returned: 0, instructions: 30, calls: 1 }]);
    expect(hv.payload(NAME)!.funcs[0].applied).toBe(false);
    expect(hv.halted()).toBe(false);
  });

  it.each([
    // 'r' != 'x' at name[0]: 10 + ldrb/cmp/bne (3) + 0x5c..0x78 (8) = 21 instructions
    ["renamed", 21],
    // equal up to name[17], NUL against '_': 17 + 16 * 6 + the 17th pass's 4 + 0x5c..0x78 (8) = 125
    [`${NAME}_v2`, 125],
  ])("uploaded as %s, pre-apply refuses APPLY: Xen returns its -EACCES, status rc -EACCES, state CHECKED", async (name, instructions) => {
    const hv = await booted("arm32", 2);
    expect(hv.upload(name, payloadBytes("arm32", NAME))).toBe(0);
    expect(apply(hv, name)).toBe(-EACCES);
    expect(hv.get(name)).toEqual({ ret: 0, state: CHECKED, rc: -EACCES });
    // livepatch_action(): the pre-apply hook's rc is the hypercall's and data->rc; no work scheduled
    expect(lines(hv)).toEqual([
      `livepatch: ${name}: Verifying enabled expectations for all functions`,
      `livepatch: ${name}: Calling pre-apply hook function`,
      `${name}: pre-apply hook, 1 function(s)`,
      `${name}: not ${NAME}, refusing`,
      `livepatch: ${name}: pre-apply hook failed (rc=-13), aborting!`,
    ]);
    expect(hookRuns(hv)).toEqual([{ hook: "preapply", executed: true, outcome: "returned", returned: -EACCES, instructions, calls: 2 }]);
    expect(eventsOf(hv, "rendezvous")).toEqual([]);
    expect(hv.payload(name)!.funcs[0].applied).toBe(false);
  });

  it("was_action_consistent() reads what the apply action hook wrote: a hook storing to fstate[0]+8 instead of +4 leaves it NOT_APPLIED with rc 0, and Xen panics", async () => {
    const hv = await booted("arm32", 2);
    const e = new Edit(payloadBytes("arm32", NAME));
    const str = e.dataAt(".text.payload_hooks_apply", 0x5c);
    expect(e.readU32(str)).toBe(0xe5839004); // str r9, [r3, #4]
    e.u32(str, 0xe5839008); // str r9, [r3, #8]: into insn_buffer
    expect(hv.upload(NAME, e.bytes)).toBe(0);
    apply(hv, NAME);
    expect(hookRuns(hv).map((r) => [r.hook, r.outcome, r.returned])).toEqual([
      ["preapply", "returned", 0],
      ["apply", "returned", 0],
    ]);
    // livepatch_do_action(): panic("livepatch: partially applied payload '%s'!\n", data->name)
    expect(hv.halted()).toBe(true);
    expect(lines(hv).some((l) => l.includes(`livepatch: partially applied payload '${NAME}'!`))).toBe(true);
    expect(hv.payload(NAME)!.funcs[0].applied).toBe(false);
  });

  it("REPLACE with it is refused -EOPNOTSUPP: its pre/post-apply hooks are vetoing", async () => {
    const hv = await booted("arm32", 2);
    expect(upload(hv, "arm32", NAME)).toBe(0);
    expect(replace(hv, NAME)).toBe(-EOPNOTSUPP);
    expect(eventsOf(hv, "hook")).toEqual([]);
    expect(hv.get(NAME)).toMatchObject({ state: CHECKED });
  });
});
