// The hypervisor worker's API, environment-neutral so tests drive it over a real MessageChannel.
// Every method returns a Result: a simulator trap or a bad input comes back as data, and the
// simulator is reset (see api.ts) so the page keeps working.
import { err, ok, type Result } from "../../../src/protocol/result.ts";
import type { DependsTarget, LoggedEvent, PatchPreview, XlInfo } from "../../../src/protocol/hypervisor.ts";
import { parseElf } from "../../../src/elf/index.ts";
import { createConsole, type CommandResult, type RawAction } from "../../../src/console/index.ts";
import { createHypervisor, HypervisorTrapError, type HypervisorApi, type HypervisorOptions } from "./api.ts";
import { bootFromImage, type ImageSummary } from "./image.ts";
import type {
  ActionCmd,
  ActionExtras,
  GetResult,
  HookKind,
  HookMarks,
  HypercallExtras,
  ListEntry,
  ListExtras,
  ListOpResult,
  PayloadDetails,
  StallPhase,
} from "./types.ts";

function failure(e: unknown): Result<never> {
  if (e instanceof HypervisorTrapError) return err("HV_TRAP", e.message);
  const message = e instanceof Error ? e.message : String(e);
  const name = e instanceof Error ? e.name : "Error";
  return err(name === "ImageError" || name === "ElfFormatError" ? "BAD_IMAGE" : "HV_ERROR", message);
}

export interface ServiceOptions {
  /** How the simulator is created (an e2e build wraps its exports with a fault injector). */
  hypervisor?: HypervisorOptions;
  /** Runs before each call that reaches a booted simulator (an e2e build arms its injector here). */
  beforeCall?(): void;
}

export function createHypervisorService(module: WebAssembly.Module | Promise<WebAssembly.Module>, opts: ServiceOptions = {}) {
  const hvPromise: Promise<HypervisorApi> = Promise.resolve(module).then((m) => createHypervisor(m, opts.hypervisor));
  const files = new Map<string, Uint8Array>();
  let booted = false;

  async function guard<T>(fn: (hv: HypervisorApi) => T): Promise<Result<T>> {
    try {
      const hv = await hvPromise;
      await hv.ready();
      if (!booted) return err("NOT_BOOTED", "boot an image first");
      opts.beforeCall?.();
      return ok(fn(hv));
    } catch (e) {
      return failure(e);
    }
  }

  let console_: ReturnType<typeof createConsole> | null = null;

  return {
    /** Boots Xen from a xen-syms (the buffer may be transferred). */
    async bootImage(image: Uint8Array, cpus = 4): Promise<Result<ImageSummary>> {
      try {
        const hv = await hvPromise;
        await hv.ready();
        const summary = bootFromImage(hv, parseElf(image), { cpus });
        booted = true;
        console_ = createConsole({ hv, resolveFile: (name) => files.get(name) ?? null, passThrough: (e) => e instanceof HypervisorTrapError });
        return ok(summary);
      } catch (e) {
        return failure(e);
      }
    },
    /** Makes `bytes` available to console commands as FILE `name`. */
    async addFile(name: string, bytes: Uint8Array): Promise<Result<number>> {
      files.set(name, bytes);
      return ok(files.size);
    },
    async removeFile(name: string): Promise<Result<boolean>> {
      return ok(files.delete(name));
    },
    async console(line: string): Promise<Result<CommandResult>> {
      return guard(() => console_!.run(line));
    },
    /** A raw ACTION with its own timeout, run as a console step (numbered with the commands; see src/console/rawAction.ts). */
    async consoleAction(action: RawAction): Promise<Result<CommandResult>> {
      return guard(() => console_!.action(action));
    },
    upload: (name: string, payload: Uint8Array, flags = 0, extras?: Pick<HypercallExtras, "namePad">) =>
      guard((hv) => hv.upload(name, payload, flags, extras)),
    get: (name: string, extras?: HypercallExtras): Promise<Result<GetResult>> => guard((hv) => hv.get(name, extras)),
    list: (): Promise<Result<ListEntry[]>> => guard((hv) => hv.list()),
    /** `xl info`'s Xen fields as a look, not a command: no events, every byte it wrote put back. */
    xlInfo: (): Promise<Result<XlInfo>> => guard((hv) => hv.xlInfo({ quiet: true })),
    /** The LIST hypercall (probe with nr 0). */
    listOp: (idx: number, nr: number, nameCap: number, metaCap: number, extras?: ListExtras): Promise<Result<ListOpResult>> =>
      guard((hv) => hv.listOp(idx, nr, nameCap, metaCap, extras)),
    action: (name: string, cmd: ActionCmd, timeoutNs = 0, flags = 0, extras?: ActionExtras) =>
      guard((hv) => hv.action(name, cmd, timeoutNs, flags, extras)),
    advance: (ns: bigint | number) => guard((hv) => hv.advance(ns)),
    now: () => guard((hv) => hv.now()),
    setCpus: (n: number) => guard((hv) => hv.setCpus(n)),
    setCpuDelay: (cpu: number, ns: bigint | number) => guard((hv) => hv.setCpuDelay(cpu, ns)),
    setCpuStall: (cpu: number, ns: bigint | number, opts?: { phase?: StallPhase; persistent?: boolean }) =>
      guard((hv) => hv.setCpuStall(cpu, ns, opts)),
    clearCpuStall: (cpu: number, phase?: StallPhase) => guard((hv) => hv.clearCpuStall(cpu, phase)),
    setHookResult: (name: string, kind: HookKind, rc: number) => guard((hv) => hv.setHookResult(name, kind, rc)),
    setHookMarks: (name: string, kind: "apply" | "revert", how: HookMarks) => guard((hv) => hv.setHookMarks(name, kind, how)),
    injectNmi: (cpu: number, opts?: { path?: readonly string[] }) => guard((hv) => hv.injectNmi(cpu, opts)),
    scheduleNmi: (cpu: number, ns: bigint | number, opts?: { path?: readonly string[] }) => guard((hv) => hv.scheduleNmi(cpu, ns, opts)),
    readMemory: (addr: bigint, len: number) => guard((hv) => hv.readMemory(addr, len)),
    readMemoryAll: (reads: readonly { addr: bigint; len: number }[]) => guard((hv) => reads.map((r) => hv.readMemory(r.addr, r.len))),
    payload: (name: string): Promise<Result<PayloadDetails | null>> => guard((hv) => hv.payload(name)),
    /** Whom APPLY would check `.livepatch.depends` against now (a look). */
    applyDependsTarget: (): Promise<Result<DependsTarget>> => guard((hv) => hv.applyDependsTarget()),
    /** Per function, the bytes APPLY would write and where (null: no such payload). */
    previewPatch: (name: string): Promise<Result<PatchPreview[] | null>> => guard((hv) => hv.previewPatch(name)),
    /** Events from sequence number `since` on (the page keeps its own cursor). */
    events: (since = 0): Promise<Result<LoggedEvent[]>> => guard((hv) => hv.events().slice(since)),
    debugKeys: (key: string) => guard((hv) => hv.debugKeys(key)),
    halted: () => guard((hv) => hv.halted()),
  };
}

export type HypervisorService = ReturnType<typeof createHypervisorService>;
