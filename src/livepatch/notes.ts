// The three build-id notes Xen reads, parsed with Xen's own rules (xen/common/livepatch.c: parse_buildid(), check_xen_buildid()), and the two
// signature formats that exist only as proposals (Xen's docs/misc/livepatch.pandoc, signature checking).
import { ByteReader } from "../elf/index.ts";
import { text, toHex } from "./bytes.ts";
import type { LpDiagnostic } from "./diagnostics.ts";

export const NT_GNU_BUILD_ID = 3;
const NOTE_HEADER = 12;

export interface BuildIdResult {
  /** Lowercase hex, or null when Xen would not accept the note. */
  buildId: string | null;
  /** What Xen would return: 0, −EINVAL (22) or −ENODATA (61). */
  rc: 0 | -22 | -61;
  diagnostic: LpDiagnostic | null;
}

/**
 * Parse the first note of a build-id section the way Xen does. `data` is the section's bytes,
 * `fileOffset` where they start in the file (for diagnostics). The section type is not checked.
 */
export function parseBuildIdNote(section: string, data: Uint8Array, fileOffset: number, littleEndian: boolean, code: string): BuildIdResult {
  const fail = (rc: -22 | -61, at: number, message: string): BuildIdResult => ({
    buildId: null,
    rc,
    diagnostic: { severity: "error", code, offset: fileOffset + at, message: `${section}: ${message}` },
  });
  if (data.length <= NOTE_HEADER) return fail(-22, 0, `${data.length} bytes; a build-id note needs more than ${NOTE_HEADER}`);
  const r = new ByteReader(data, littleEndian);
  const namesz = r.u32(0);
  const descsz = r.u32(4);
  const type = r.u32(8);
  if (type !== NT_GNU_BUILD_ID) return fail(-61, 8, `note type ${type}, expected ${NT_GNU_BUILD_ID} (NT_GNU_BUILD_ID)`);
  if (namesz + descsz > 0xffffffff) return fail(-22, 0, `namesz ${namesz} + descsz ${descsz} wraps around`);
  if (namesz < 4) return fail(-22, 0, `namesz ${namesz} is below 4 ("GNU\\0")`);
  if (namesz + descsz > data.length - NOTE_HEADER)
    return fail(-22, 0, `namesz ${namesz} + descsz ${descsz} exceed the ${data.length - NOTE_HEADER} bytes after the note header`);
  // strncmp("GNU", name, namesz): with namesz ≥ 4 this means the name starts "GNU\0".
  const name = data.subarray(NOTE_HEADER, NOTE_HEADER + 4);
  if (name[0] !== 0x47 || name[1] !== 0x4e || name[2] !== 0x55 || name[3] !== 0)
    return fail(-61, NOTE_HEADER, `note owner is ${JSON.stringify(text(name).replace(/\0.*$/s, ""))}, expected "GNU"`);
  if (descsz === 0) return fail(-22, 4, "descsz is 0: the note carries no build-id");
  const descAt = NOTE_HEADER + Math.ceil(namesz / 4) * 4;
  // Xen's size test ignores the name padding, so a descriptor may still run off the section end.
  if (descAt + descsz > data.length)
    return fail(-22, descAt, `the ${descsz}-byte descriptor at note offset ${descAt} runs past the ${data.length}-byte section`);
  return { buildId: toHex(data.subarray(descAt, descAt + descsz)), rc: 0, diagnostic: null };
}

export const MODULE_SIG_MAGIC = "~Module signature appended~\n";

export interface AppendedSignature {
  /** File offset of the 12-byte `module_signature` header. */
  offset: number;
  algo: number;
  hash: number;
  idType: number;
  signerLength: number;
  keyIdLength: number;
  signatureLength: number;
  /** File offset where the signature blob (and signer/key id) starts. */
  signatureOffset: number;
}

/**
 * A Linux-style trailer: `<signature> <module_signature, 12 bytes> "~Module signature appended~\n"`
 * at the very end of the file. The header's sig_len is big-endian.
 */
export function findAppendedSignature(bytes: Uint8Array, diagnostics: LpDiagnostic[]): AppendedSignature | null {
  const magicLen = MODULE_SIG_MAGIC.length;
  if (bytes.length < magicLen) return null;
  const tail = bytes.subarray(bytes.length - magicLen);
  for (let i = 0; i < magicLen; i++) if (tail[i] !== MODULE_SIG_MAGIC.charCodeAt(i)) return null;
  const headerAt = bytes.length - magicLen - 12;
  if (headerAt < 0) {
    diagnostics.push({ severity: "warning", code: "LP_SIGNATURE_TRUNCATED", offset: bytes.length - magicLen, message: "signature trailer without room for its 12-byte header" });
    return null;
  }
  const r = new ByteReader(bytes, false);
  const sig: AppendedSignature = {
    offset: headerAt,
    algo: r.u8(headerAt),
    hash: r.u8(headerAt + 1),
    idType: r.u8(headerAt + 2),
    signerLength: r.u8(headerAt + 3),
    keyIdLength: r.u8(headerAt + 4),
    signatureLength: r.u32(headerAt + 8),
    signatureOffset: headerAt - r.u32(headerAt + 8) - r.u8(headerAt + 3) - r.u8(headerAt + 4),
  };
  if (sig.signatureOffset < 0)
    diagnostics.push({ severity: "warning", code: "LP_SIGNATURE_TRUNCATED", offset: headerAt + 8, message: `signature length ${sig.signatureLength} reaches before the start of the file` });
  diagnostics.push({ severity: "info", code: "LP_SIGNATURE_APPENDED", offset: headerAt, message: "appended module signature found; Xen does not verify payload signatures (proposal only)" });
  return sig;
}

export interface XenSignatureNote {
  offset: number;
  version: number;
  algorithm: number;
  hash: number;
  signatureLength: number;
  signatureHex: string;
}

/**
 * `.note.Xen.signature` as proposed on xen-devel: owner "Xen", type = version (bits 0–15) |
 * algorithm (16–23, RSA = 0) | hash (24–31, SHA-256 = 0), descriptor = the signature.
 */
export function parseXenSignatureNote(data: Uint8Array, fileOffset: number, littleEndian: boolean, diagnostics: LpDiagnostic[]): XenSignatureNote | null {
  const bad = (at: number, message: string): null => {
    diagnostics.push({ severity: "warning", code: "LP_BAD_SIGNATURE_NOTE", offset: fileOffset + at, message: `.note.Xen.signature: ${message}` });
    return null;
  };
  if (data.length < NOTE_HEADER) return bad(0, `${data.length} bytes, shorter than a note header`);
  const r = new ByteReader(data, littleEndian);
  const namesz = r.u32(0);
  const descsz = r.u32(4);
  const type = r.u32(8);
  const descAt = NOTE_HEADER + Math.ceil(namesz / 4) * 4;
  if (!r.has(NOTE_HEADER, namesz) || !r.has(descAt, descsz)) return bad(0, `namesz ${namesz} / descsz ${descsz} run past the ${data.length}-byte section`);
  const owner = text(data.subarray(NOTE_HEADER, NOTE_HEADER + namesz)).replace(/\0+$/, "");
  if (owner !== "Xen") return bad(NOTE_HEADER, `owner ${JSON.stringify(owner)}, expected "Xen"`);
  const desc = data.subarray(descAt, descAt + descsz);
  return {
    offset: fileOffset,
    version: type & 0xffff,
    algorithm: (type >>> 16) & 0xff,
    hash: (type >>> 24) & 0xff,
    signatureLength: descsz,
    signatureHex: toHex(desc),
  };
}
