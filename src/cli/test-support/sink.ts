// A stream that keeps what the CLI's writers write, for tests that read their output back whole.
import { Writable } from "node:stream";

export function collectingSink(): { sink: Writable; bytes(): Buffer; text(): string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c, _e, done) {
      chunks.push(Buffer.from(c));
      done();
    },
  });
  const bytes = () => Buffer.concat(chunks);
  return { sink, bytes, text: () => bytes().toString("utf8") };
}
