// Work against a hypervisor image, run off the page's main thread: the static audit (it re-parses
// and re-analyses every payload: a 2,000-function payload is ~300 ms) and a payload's analysis
// against the image (old addresses and bytes from xen-syms: ~130 ms for 2,000 functions). The
// image is sent once per key and kept parsed, since it is the big one (a xen-syms is tens of MB).
import { ElfFormatError, parseElf, type ElfFile } from "../elf/index.ts";
import { auditPayloads, type AuditFile, type AuditResult, type Decode } from "../audit/index.ts";
import { analyzePayload, imageOptions, type LivepatchModel } from "../livepatch/index.ts";
import { err, ok, type Result } from "./result.ts";

export interface AuditImageInput {
  file: string;
  /** Identifies the image's bytes (the page uses its file id); bytes are needed the first time only. */
  key: string;
  bytes?: Uint8Array;
}

export interface AuditWorkerApi {
  /** `NEED_IMAGE` when `image.bytes` is absent and the key is not cached: send the bytes again. */
  audit(payloads: AuditFile[], image: AuditImageInput | null): Promise<Result<AuditResult>>;
  /**
   * The payload's model with old addresses, old bytes and the payload base taken from the image
   * (what `inspect --xen` and the simulator use); `ok(null)` when it is not a livepatch payload.
   * `NEED_IMAGE` as for `audit`.
   */
  analyzeAgainst(payload: Uint8Array, image: AuditImageInput): Promise<Result<LivepatchModel | null>>;
}

/** Parsed images kept, most recent last. */
const KEEP_IMAGES = 2;

/** Loads the instruction decoder for an image's ELF machine (the host's engines); undefined when none. */
export type DecoderLoader = (machine: number) => Promise<Decode | undefined>;

export function createAuditService(loadDecoder: DecoderLoader = () => Promise.resolve(undefined)): AuditWorkerApi {
  const images = new Map<string, ElfFile>();

  function imageFor(input: AuditImageInput): Result<ElfFile> {
    const hit = images.get(input.key);
    if (hit && !input.bytes) return ok(hit);
    if (!input.bytes) return err("NEED_IMAGE", `image ${input.file} is not cached here`);
    try {
      const elf = parseElf(input.bytes);
      images.delete(input.key);
      images.set(input.key, elf);
      while (images.size > KEEP_IMAGES) images.delete(images.keys().next().value as string);
      return ok(elf);
    } catch (e) {
      return err(e instanceof ElfFormatError ? e.code : "INTERNAL", `${input.file}: ${(e as Error).message}`);
    }
  }

  return {
    async audit(payloads, image) {
      try {
        let elf: ElfFile | null = null;
        if (image) {
          const r = imageFor(image);
          if (!r.ok) return r;
          elf = r.value;
        }
        const decode = elf ? await loadDecoder(elf.header.machine) : undefined;
        return ok(auditPayloads(payloads, image && elf ? { file: image.file, elf } : null, { decode }));
      } catch (e) {
        return err("INTERNAL", `audit failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    analyzeAgainst(payload, image) {
      try {
        const r = imageFor(image);
        if (!r.ok) return Promise.resolve(r);
        return Promise.resolve(ok(analyzePayload(parseElf(payload), imageOptions(r.value))));
      } catch (e) {
        const code = e instanceof ElfFormatError ? e.code : "INTERNAL";
        return Promise.resolve(err(code, `analysis against ${image.file} failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    },
  };
}
