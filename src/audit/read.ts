// Reading each input before anything runs. The audit fails closed: a file it cannot read whole
// (not ELF, truncated, a broken section table, an undecodable .livepatch section) is an error
// finding naming the file and the reason, so a verdict never rests on a file it did not see.
import { ElfFormatError, locatedMessage, parseElf, type ElfFile } from "../elf/index.ts";
import { analyzePayload, type LivepatchModel } from "../livepatch/index.ts";
import { makeFinding } from "./context.ts";
import { imageProblem } from "./image.ts";
import type { Finding } from "./types.ts";

export interface ReadFile {
  file: string;
  fileIndex: number;
  bytes: Uint8Array;
  elf: ElfFile | null;
  /** Null when the file is not a livepatch payload (or could not be parsed at all). */
  model: LivepatchModel | null;
  /** Set when the file could not be read whole. */
  unreadable: Finding | null;
}

/** Livepatch decode problems that mean part of the payload could not be read (not Xen judgements). */
const UNREADABLE_LP = /^LP_INTERNAL$/;

/** `problem`: why the bytes could not even be fetched (no such file, permission denied). */
export function readInput(file: string, fileIndex: number, bytes: Uint8Array, role: "payload" | "image", problem?: string): ReadFile {
  const out: ReadFile = { file, fileIndex, bytes, elf: null, model: null, unreadable: null };
  const unreadable = (reason: string, offset: number | undefined) => {
    out.unreadable = makeFinding("file-unreadable", `${file} cannot be read as ${role === "image" ? "a hypervisor image" : "a payload"}: ${reason}`, offset === undefined ? {} : { offset, length: 1 }, { file, fileIndex });
  };
  if (problem) {
    unreadable(problem, undefined);
    return out;
  }
  try {
    out.elf = parseElf(bytes);
  } catch (e) {
    const err = e instanceof ElfFormatError ? e : null;
    unreadable(err ? locatedMessage(err.message, err.code, err.offset) : (e as Error).message, err?.offset ?? 0);
    return out;
  }
  const broken = out.elf.diagnostics.find((d) => d.severity === "error");
  if (broken) unreadable(locatedMessage(broken.message, broken.code, broken.offset), broken.offset);
  if (role === "image") {
    const notImage = out.unreadable ? null : imageProblem(out.elf);
    if (notImage) unreadable(notImage.reason, notImage.offset);
    return out;
  }
  try {
    out.model = analyzePayload(out.elf);
  } catch (e) {
    if (!out.unreadable) unreadable(`its livepatch sections could not be decoded (${(e as Error).message})`, 0);
    return out;
  }
  const lp = out.model?.diagnostics.find((d) => d.severity === "error" && UNREADABLE_LP.test(d.code));
  if (lp && !out.unreadable) unreadable(`${lp.message} (${lp.code})`, lp.offset);
  return out;
}
