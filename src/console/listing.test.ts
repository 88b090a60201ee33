// `list` through the LIST hypercall (probe, fetch, libxc's retries), and the stall/nmi knobs,
// against the simulator and against scripted LIST answers for the paths it cannot reach.
import { beforeEach, describe, expect, it } from "vitest";
import { createConsole, type Console } from "./index.ts";
import type { ConsoleListEntry, ConsoleListOp, ConsoleTarget } from "./target.ts";
import { inertTarget } from "./test-support/inertTarget.ts";
import { booted, eventsOf, sample } from "../../workers/hypervisor/tests/harness.ts";
import type { HypervisorApi } from "../../workers/hypervisor/host/api.ts";

const HEAD = " ID                                     | status     | metadata\n----------------------------------------+------------+---------------\n";

describe("list over the simulator", () => {
  let hv: HypervisorApi;
  let con: Console;
  beforeEach(async () => {
    hv = await booted("x86_64", 4);
    con = createConsole({ hv, resolveFile: (n) => sample(`x86_64/${n}`) });
  });

  it("is one probe and one fetch with exactly the probed capacities; output unchanged", () => {
    expect(con.run("list").output).toBe("Nothing to list\n");
    con.run("upload xen_hello_world xen_hello_world.livepatch");
    con.run("upload xen_nop xen_nop.livepatch");
    const from = hv.events().length;
    expect(con.run("list")).toMatchObject({
      output: HEAD + "xen_hello_world                         | CHECKED    | LIVEPATCH_RULEZ\n" + "xen_nop                                 | CHECKED    | \n",
      status: 0,
    });
    const calls = hv
      .events()
      .slice(from)
      .flatMap((e) => (e.kind === "hypercall" && e.op === "LIST" ? [e.args] : []));
    expect(calls).toEqual([
      { idx: 0, nr: 0, nameCap: 0, metaCap: 0, pad: 0, opFlags: 0 },
      // 16 + 8 name bytes with NULs, 16 bytes of .modinfo.
      { idx: 0, nr: 2, nameCap: 24, metaCap: 16, pad: 0, opFlags: 0 },
    ]);
  });

  it("stall … irq shows the IRQ quiesce timeout; always persists until 'stall CPU 0'", () => {
    con.run("upload xen_nop xen_nop.livepatch");
    expect(con.run("stall 2 45 irq").output).toBe("CPU2 will take 45 ms to disable its IRQs once every CPU is in at the next rendezvous\n");
    expect(con.run("apply xen_nop")).toMatchObject({ output: "Applying xen_nop... failed\nError 16: Device or resource busy\n", status: 2 });
    expect(con.run("dmesg").output).toContain("(XEN) livepatch: xen_nop: Timed out on semaphore in IRQ quiesce phase 2/3\n");
    expect(con.run("stall 1 40 always").output).toBe("CPU1 will take 40 ms to reach its idle loop at every rendezvous until 'stall 1 0'\n");
    expect(con.run("apply xen_nop").status).toBe(2);
    expect(con.run("apply xen_nop").status).toBe(2);
    expect(con.run("dmesg").output.match(/Timed out on semaphore in CPU quiesce phase 2\/3/g)).toHaveLength(2);
    expect(con.run("stall 1 0 irq").output).toBe("CPU1: irq stall cleared; default timing\n");
    expect(con.run("apply xen_nop").status).toBe(2);
    expect(con.run("stall 1 0").output).toBe("CPU1: stalls cleared; default timing\n");
    expect(con.run("apply xen_nop")).toMatchObject({ output: "Applying xen_nop... completed\n", status: 0 });
    expect(con.run("stall 1 5 irq always once").status).toBe(1);
    expect(con.run("stall 1 5 sideways").status).toBe(1);
    expect(con.run("stall 1 5 irq irq").status).toBe(1);
  });

  it("nmi --path: a lost NMI and the torn-code hazard in the event log", () => {
    con.run("upload xen_hello_world xen_hello_world.livepatch");
    expect(con.run("stall 3 5").status).toBe(0);
    expect(con.run("nmi 1 1 --path xen_extra_version").output).toBe("NMI will reach CPU1 in 1 ms (do_nmi path: xen_extra_version)\n");
    expect(con.run("apply xen_hello_world").status).toBe(0);
    expect(eventsOf(hv, "nmi").map((e) => [e.cpu, e.phase])).toEqual([
      [1, "lost"],
      [1, "torn"],
    ]);
    expect(con.run("nmi 1 --path nosuchfn")).toMatchObject({ output: "nmi: no Xen symbol 'nosuchfn'\n", status: 1 });
    expect(con.run("nmi 1 --path").status).toBe(1);
    expect(con.run("nmi 2 --path xen_extra_version,xen_minor_version").output).toBe("NMI sent to CPU2 (do_nmi path: xen_extra_version, xen_minor_version)\n");
    expect(eventsOf(hv, "nmi").at(-1)!.phase).toBe("handled");
  });
});

/** A target whose LIST answers come from `answer(idx, nr, nameCap, metaCap, call#)`. */
function listing(answer: (idx: number, nr: number, nameCap: number, metaCap: number, n: number) => ConsoleListOp) {
  const calls: [number, number, number, number][] = [];
  const t = {
    upload: () => 0,
    get: () => ({ ret: 0, state: 1, rc: 0 }),
    list: () => {
      throw new Error("list() must not be used when listOp exists");
    },
    listOp: (idx: number, nr: number, nameCap: number, metaCap: number) => {
      calls.push([idx, nr, nameCap, metaCap]);
      return answer(idx, nr, nameCap, metaCap, calls.length - 1);
    },
    action: () => 0,
    advance: () => {},
    now: () => 0n,
    ...inertTarget(),
  } satisfies ConsoleTarget;
  return { con: createConsole({ hv: t, resolveFile: () => null }), calls };
}

const entry = (i: number): ConsoleListEntry => ({ name: `p${i}`, state: 1, rc: 0, metadata: "" });
const rows = (n: number) => Array.from({ length: n }, (_, i) => `${`p${i}`.padEnd(40)}| CHECKED    | \n`).join("");

/** A well-behaved LIST over `count` payloads named p0…, each name 3 bytes with its NUL (for i < 10). */
function honest(count: number, version = () => 1, maxNr = 1024) {
  return (idx: number, nr: number, nameCap: number, metaCap: number): ConsoleListOp => {
    if (nr > maxNr) return { rc: -7, nr, version: 0, nameTotal: nameCap, metaTotal: metaCap, entries: [] };
    if (nr === 0) return { rc: 0, nr: count, version: version(), nameTotal: count * 3, metaTotal: 0, entries: [] };
    const got = Array.from({ length: Math.min(nr, count - idx) }, (_, k) => entry(idx + k));
    return { rc: got.length, nr: count - idx - got.length, version: version(), nameTotal: got.length * 3, metaTotal: 0, entries: got };
  };
}

describe("list the way libxc does it", () => {
  it("halves the batch on -E2BIG and fetches the rest from where it stopped", () => {
    const { con, calls } = listing(honest(5, () => 1, 2));
    expect(con.run("list")).toMatchObject({ output: HEAD + rows(5), status: 0 });
    expect(calls).toEqual([
      [0, 0, 0, 0],
      [0, 5, 15, 0],
      [0, 2, 15, 0],
      [2, 2, 9, 0],
      [4, 1, 3, 0],
    ]);
  });

  it("re-runs the whole listing when payload_version moves, at most 4 times, then EBUSY", () => {
    // The version moves on every call: probe and fetch never agree.
    let v = 1;
    const moving = listing(honest(2, () => v++));
    expect(moving.con.run("list")).toMatchObject({ output: "Failed to list 0/2.\nError 16: Device or resource busy\n", status: 2 });
    expect(moving.calls.filter(([, nr]) => nr === 0)).toHaveLength(5);
    expect(moving.calls).toHaveLength(10);
    // A version that settles after two re-runs lists normally.
    let w = 1;
    const settles = listing(honest(2, () => (w < 5 ? w++ : 5)));
    expect(settles.con.run("list")).toMatchObject({ output: HEAD + rows(2), status: 0 });
    expect(settles.calls.filter(([, nr]) => nr === 0)).toHaveLength(3);
  });

  it("a failed probe, -ENOBUFS and a short listing use the tool's messages", () => {
    const noProbe = listing(() => ({ rc: -38, nr: 0, version: 0, nameTotal: 0, metaTotal: 0, entries: [] }));
    expect(noProbe.con.run("list")).toMatchObject({ output: "Failed to get list sizes.\nError 38: Function not implemented\n", status: 1 });
    const noBufs = listing((idx, nr, nameCap, metaCap, n) =>
      n === 0 ? honest(3)(idx, nr, nameCap, metaCap) : { rc: -105, nr: 0, version: 1, nameTotal: 3, metaTotal: 0, entries: [entry(0)] },
    );
    expect(noBufs.con.run("list")).toMatchObject({ output: "Failed to list 0/3.\nError 105: No buffer space available\n", status: 1 });
    const short = listing((idx, nr, nameCap, metaCap, n) =>
      n === 0 ? honest(3)(idx, nr, nameCap, metaCap) : { rc: 0, nr: 3, version: 1, nameTotal: 0, metaTotal: 0, entries: [] },
    );
    expect(short.con.run("list")).toMatchObject({ output: "Failed to list 3/3.\nError 16: Device or resource busy\n", status: 2 });
  });
});
