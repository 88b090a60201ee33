// previewPatch() against APPLY itself: for every committed sample payload, the bytes the preview
// promises (and where) are exactly the bytes the simulator then writes, read from its write events.
import { describe, expect, it } from "vitest";
import { bootArch, sampleBytes, type SampleArch } from "./support/payloads.ts";
import { ACTION, MS, failures } from "./harness.ts";

const index = JSON.parse(new TextDecoder().decode(sampleBytes("index.json"))) as { path: string; kind: string; arch: string }[];

/** Samples whose APPLY writes nothing of its own, and why (the samples README says so too). */
const NO_WRITES: Record<string, string> = {
  xen_no_xen_buildid: "upload refused",
  xen_wrong_xen_buildid: "upload refused",
  xen_too_small: "upload refused",
  xen_altcall_bad: "upload refused",
  xen_expectations_fail: "expect-mismatch",
  xen_action_hooks: "apply action hook",
  xen_action_hooks_nofunc: "apply action hook",
  xen_payload_hooks: "apply action hook",
};
/**
 * Per arch: Arm's do_bug_frame() refuses a payload's file name, so the pre-apply hook's WARN crashes
 * Xen; arm32 perform_rel() drops bit 0 of a JUMP24's imm24, so the arm32 odd-branch hello's load hook
 * `b printk` lands on printk - 4 and never returns (the host stops there, nothing written).
 */
const CRASHES: Record<string, string> = {
  "aarch64/xen_warn_bug.livepatch": "pre-apply hook crashes",
  "arm32/xen_hello_world_oddbranch.livepatch": "load hook never returns",
};

describe("previewPatch equals what APPLY writes", () => {
  for (const arch of ["x86_64", "aarch64", "arm32"] as SampleArch[]) {
    const paths = index.filter((s) => s.kind === "payload" && s.path.startsWith(`${arch}/`)).map((s) => s.path);
    it(`${arch}: ${paths.length} samples`, async () => {
      let compared = 0;
      for (const path of paths) {
        const name = path.slice(arch.length + 1).replace(/\.livepatch$/, "");
        const hv = await bootArch(arch, 4);
        const rc = hv.upload(name, sampleBytes(path));
        const why = NO_WRITES[name];
        if (rc !== 0) {
          expect(why, `${path} refused with ${rc}`).toBe("upload refused");
          expect(hv.previewPatch(name)).toBeNull();
          continue;
        }
        const preview = hv.previewPatch(name)!;
        expect(preview).toHaveLength(hv.payload(name)!.funcs.length);
        // NODEPS: the stacked samples are previewed and applied straight onto Xen.
        expect(hv.action(name, ACTION.APPLY, 30 * MS, 1)).toBeLessThanOrEqual(0);
        hv.advance(60 * MS);
        const writes = hv.events().flatMap((e) => (e.kind === "write" && e.by === "apply" ? [{ index: e.func.index, addr: e.addr, bytes: e.new, old: e.old }] : []));
        if (why === "apply action hook") {
          expect(preview.every((p) => p.viaHook)).toBe(true);
          expect(writes).toEqual([]);
          continue;
        }
        if (CRASHES[path]) {
          expect(hv.halted(), `${path} crashes`).toBe(true);
          expect(writes).toEqual([]);
          continue;
        }
        if (why === "expect-mismatch") {
          expect(failures(hv).map((f) => f.rule)).toEqual(["expect-mismatch"]);
          expect(writes).toEqual([]);
          continue;
        }
        expect(why, `${path} applied`).toBeUndefined();
        expect(hv.get(name).state).toBe(2);
        expect(preview.every((p) => p.fault === null && !p.viaHook)).toBe(true);
        expect(writes).toEqual(preview.filter((p) => p.bytes !== "").map((p) => ({ index: p.index, addr: p.addr, bytes: p.bytes, old: p.old })));
        expect(writes.length).toBeGreaterThan(0);
        // Once applied, the preview still says what was written and what it replaced.
        const after = hv.previewPatch(name)!;
        expect(after.map((p) => [p.applied, p.addr, p.bytes, p.old])).toEqual(preview.map((p) => [true, p.addr, p.bytes, p.old]));
        compared++;
      }
      expect(compared).toBe(paths.filter((p) => !NO_WRITES[p.slice(arch.length + 1).replace(/\.livepatch$/, "")] && !CRASHES[p]).length);
      expect(compared).toBeGreaterThan(0);
    });
  }
});
