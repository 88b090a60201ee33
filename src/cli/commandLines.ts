// The lines of a sim script or pipe, bounded: a stream with no newline (`< /dev/zero`) or a binary
// file is refused at the cap, never gathered into one string until memory or V8 gives out.

/** A script larger than this is refused unread (commands are short lines; 16 MiB is ample). */
export const SCRIPT_MAX_BYTES = 16 << 20;
/** A longer line is not a command: binary or runaway input (`< /dev/zero`), refused before it fills memory. */
export const LINE_MAX_BYTES = 64 << 10;

export class LineTooLong extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${LINE_MAX_BYTES >> 10} KiB`);
  }
}

/** The lines of a command stream, split on bytes so no line is held longer than LINE_MAX_BYTES. */
export async function* lines(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  let size = 0;
  let count = 0;
  const take = (piece: Uint8Array) => {
    size += piece.length;
    if (size > LINE_MAX_BYTES) throw new LineTooLong(count + 1);
    parts.push(piece);
  };
  const line = () => {
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    parts = [];
    size = 0;
    count++;
    return decoder.decode(bytes);
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      start = nl + 1;
      yield line();
    }
    take(chunk.subarray(start));
  }
  if (size > 0) yield line();
}
