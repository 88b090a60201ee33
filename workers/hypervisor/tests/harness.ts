// Shared set-up for the hypervisor tests: a simulator booted from a sample image, sample payload
// bytes, and the tool's rhythm (hypercall, then 60 ms of virtual time, then GET).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseElf } from "../../../src/elf/index.ts";
import { createHypervisor, type HypervisorApi } from "../host/api.ts";
import { compileHypervisorModule, compileSnapshotModule } from "../host/node.ts";
import { bootFromImage } from "../host/image.ts";
import { ACTION, type Arch, type ActionCmd } from "../host/types.ts";
import type { HvEventKind, LoggedEvent } from "../../../src/protocol/hypervisor.ts";

export const SAMPLES = fileURLToPath(new URL("../../../public/samples/", import.meta.url));
export const EAGAIN = 11;
export const EBUSY = 16;
export const EINVAL = 22;
export const ENOENT = 2;
export const EPERM = 1;
export const EOPNOTSUPP = 95;
export const ENODATA = 61;
export const CHECKED = 1;
export const APPLIED = 2;
export const MS = 1_000_000;

let modulePromise: Promise<WebAssembly.Module> | null = null;
const images = new Map<string, Uint8Array>();

export function sample(path: string): Uint8Array {
  let b = images.get(path);
  if (!b) {
    b = new Uint8Array(readFileSync(SAMPLES + path));
    images.set(path, b);
  }
  return b;
}

export async function freshHypervisor(): Promise<HypervisorApi> {
  modulePromise ??= compileHypervisorModule();
  return createHypervisor(await modulePromise);
}

let snapshotModulePromise: Promise<WebAssembly.Module> | null = null;

/** The module whose hypervisors can snapshot and restore (see host/snapshot.ts). */
export function snapshotModule(): Promise<WebAssembly.Module> {
  snapshotModulePromise ??= compileSnapshotModule();
  return snapshotModulePromise;
}

const parsedImages = new Map<Arch, ReturnType<typeof parseElf>>();

export function boot(hv: HypervisorApi, arch: Arch, cpus = 4): void {
  let elf = parsedImages.get(arch);
  if (!elf) {
    elf = parseElf(sample(`${arch}/xen-syms`));
    parsedImages.set(arch, elf);
  }
  bootFromImage(hv, elf, { cpus });
}

export async function booted(arch: Arch = "x86_64", cpus = 4): Promise<HypervisorApi> {
  const hv = await freshHypervisor();
  boot(hv, arch, cpus);
  return hv;
}

export function upload(hv: HypervisorApi, arch: Arch, name: string): number {
  return hv.upload(name, sample(`${arch}/${name}.livepatch`));
}

/** ACTION then 60 ms of virtual time, as xen-livepatch does; returns the hypercall rc. */
export function act(hv: HypervisorApi, name: string, cmd: ActionCmd, flags = 0): number {
  const rc = hv.action(name, cmd, 30 * MS, flags);
  hv.advance(60 * MS);
  return rc;
}

export const apply = (hv: HypervisorApi, name: string, flags = 0) => act(hv, name, ACTION.APPLY, flags);
export const revert = (hv: HypervisorApi, name: string) => act(hv, name, ACTION.REVERT);
export const replace = (hv: HypervisorApi, name: string) => act(hv, name, ACTION.REPLACE);

export function addr(hex: string): bigint {
  return BigInt(hex);
}

export function bytesAt(hv: HypervisorApi, at: bigint, len: number): string {
  const b = hv.readMemory(at, len);
  if (!b) throw new Error(`unmapped ${at.toString(16)}`);
  return Buffer.from(b).toString("hex");
}

interface FuncJson {
  name: string;
  oldAddr: string;
  newAddr: string;
  oldSize: number;
  newSize: number;
}

export function funcs(hv: HypervisorApi, name: string): FuncJson[] {
  const p = hv.payload(name);
  if (!p) throw new Error(`no payload ${name}`);
  return p.funcs;
}

/** `e9 rel32` from `from` (the patched address) to `to`, little-endian hex. */
export function jmp(from: bigint, to: bigint): string {
  const rel = BigInt.asUintN(32, to - (from + 5n));
  const b = Buffer.alloc(5);
  b[0] = 0xe9;
  b.writeUInt32LE(Number(rel), 1);
  return b.toString("hex");
}

export function lines(hv: HypervisorApi): string[] {
  return hv.consoleLines();
}

export function eventsOf<K extends HvEventKind>(hv: HypervisorApi, kind: K): Extract<LoggedEvent, { kind: K }>[] {
  return hv.events().filter((e): e is Extract<LoggedEvent, { kind: K }> => e.kind === kind);
}

/** The check-failed events so far. */
export function failures(hv: HypervisorApi) {
  return eventsOf(hv, "check-failed");
}

export { ACTION };
