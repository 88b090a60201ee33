// The parse worker's logic, independent of how it is exposed: comlink over a real Worker in the
// page, or over a MessageChannel in tests and benchmarks.
import * as Comlink from "comlink";
import { ET_DYN, ET_EXEC, ElfFormatError, parseElf, type ElfFile } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import type { ParsedFile, ParseId, ParseWorkerApi, ProgressCallback, FileRole } from "./parse.ts";
import { readBlob } from "./readBlob.ts";
import { err, ok, type Result } from "./result.ts";
import { encodeParsed, type ParsedWire, type WirePart } from "./wire.ts";

const PROGRESS_INTERVAL_MS = 100;

class Cancelled extends Error {}

/** Lets queued messages (a cancel, a newer parse) run before the next phase starts. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function roleOf(elf: ElfFile, isPayload: boolean): FileRole {
  if (isPayload) return "payload";
  return elf.header.type === ET_EXEC || elf.header.type === ET_DYN ? "image" : "other";
}

function throttled(onProgress: ProgressCallback | undefined, now: () => number): ProgressCallback {
  let last = -Infinity;
  return (done, total) => {
    if (!onProgress) return;
    const t = now();
    if (t - last < PROGRESS_INTERVAL_MS && done < total) return;
    last = t;
    // A proxied callback returns a promise; a closed page must not turn into an unhandled rejection.
    void Promise.resolve(onProgress(done, total)).catch(() => undefined);
  };
}

export interface ParseServiceOptions {
  now?: () => number;
  /** Transfer result buffers back (comlink). Off for in-process callers. */
  transferResult?: boolean;
}

export function createParseService(options: ParseServiceOptions = {}): ParseWorkerApi {
  const now = options.now ?? (() => performance.now());
  const transferResult = options.transferResult ?? true;
  const running = new Map<ParseId, { cancelled: boolean }>();
  // Parts of the latest result, until the receiver has taken the last one.
  let pending: { id: ParseId; parts: WirePart[] } | null = null;

  async function parse(id: ParseId, input: ArrayBuffer | Blob, fileName: string, onProgress?: ProgressCallback): Promise<Result<ParsedWire>> {
    for (const token of running.values()) token.cancelled = true;
    pending = null;
    const token = { cancelled: false };
    running.set(id, token);
    const checkpoint = async () => {
      await yieldToMessages();
      if (token.cancelled) throw new Cancelled();
    };
    try {
      let buffer: ArrayBuffer;
      if (input instanceof ArrayBuffer) buffer = input;
      else if (typeof Blob !== "undefined" && input instanceof Blob) {
        const read = await readBlob(input);
        if (!read.ok) return err(read.error.code, `${fileName}: ${read.error.message}`);
        buffer = read.value;
      } else return err("BAD_INPUT", `${fileName}: expected an ArrayBuffer or a Blob`);
      const progress = throttled(onProgress, now);
      await checkpoint();
      const elf = parseElf(new Uint8Array(buffer), { onProgress: progress, shouldCancel: () => token.cancelled });
      await checkpoint();
      const livepatch = analyzePayload(elf);
      await checkpoint();
      progress(buffer.byteLength, buffer.byteLength);
      const value: ParsedFile = { fileName, size: buffer.byteLength, role: roleOf(elf, livepatch !== null), elf, livepatch };
      const { head, parts, transfer } = encodeParsed(value);
      if (parts.length) pending = { id, parts };
      return transferResult ? Comlink.transfer(ok(head), transfer) : ok(head);
    } catch (e) {
      if (e instanceof Cancelled) return err("CANCELLED", `${fileName}: parse cancelled`);
      if (e instanceof ElfFormatError) return err(e.code, `${fileName}: ${e.message}`, e.offset);
      return err("INTERNAL", `${fileName}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (running.get(id) === token) running.delete(id);
    }
  }

  return {
    parse,
    part(id: ParseId, index: number): Promise<Result<WirePart>> {
      const p = pending;
      if (!p || p.id !== id || !Number.isInteger(index) || index < 0 || index >= p.parts.length) return Promise.resolve(err("GONE", `no part ${index} of parse ${String(id)}`));
      if (index === p.parts.length - 1) pending = null;
      return Promise.resolve(ok(p.parts[index]));
    },
    cancel(id: ParseId): void {
      const token = running.get(id);
      if (token) token.cancelled = true;
    },
    ready: () => true,
  };
}
