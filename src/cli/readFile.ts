// Reading a file named on the command line, for every command. Only a regular file is read: a
// FIFO nobody writes blocks forever and a device such as /dev/zero never ends. A file that cannot
// be read is a short reason for the command's own message, never an exception.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from "node:fs";

export type FileRead = { bytes: Uint8Array; problem: null } | { bytes: null; problem: string };

const MIB = 1 << 20;

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  // Node reads at most 2 GiB into one buffer; a payload is kilobytes, a link object tens of MB.
  if (code === "ERR_FS_FILE_TOO_LARGE") return "larger than 2 GiB, more than this tool reads";
  return `cannot read (${code ?? (e as Error).message})`;
}

/** The whole file, viewed in the buffer it was read into; `maxBytes` refuses a larger one unread. */
export function readRegularFile(path: string, maxBytes = Infinity): FileRead {
  const refuse = (problem: string): FileRead => ({ bytes: null, problem });
  let fd: number | null = null;
  try {
    // stat before open: opening a FIFO or a device can block or act on the device.
    const st = statSync(path);
    if (st.isDirectory()) return refuse("is a directory");
    if (!st.isFile()) return refuse("not a regular file");
    // The path may have become a FIFO since: O_NONBLOCK keeps open() from waiting, fstat decides.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = fstatSync(fd);
    if (!opened.isFile()) return refuse("not a regular file");
    if (opened.size > maxBytes) return refuse(`larger than ${maxBytes / MIB} MiB`);
    // One read into one buffer; viewed, not copied (a copy of a 62 MB file costs ~60 ms).
    const b = readFileSync(fd);
    return { bytes: new Uint8Array(b.buffer, b.byteOffset, b.length), problem: null };
  } catch (e) {
    return refuse(reason(e));
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
