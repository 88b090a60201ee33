// A File or Blob handed to a worker by reference, read there. A File changed or removed on disk
// since it was chosen can no longer be read: that is a failure as data, never a throw.
import { err, ok, type Result } from "./result.ts";

export async function readBlob(blob: Blob): Promise<Result<ArrayBuffer>> {
  try {
    return ok(await blob.arrayBuffer());
  } catch (e) {
    return err("READ_FAILED", `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
}
