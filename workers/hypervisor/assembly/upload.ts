// The UPLOAD hypercall (facts §5.1), step by step.
import { EOPNOTSUPP } from "./errno";

export function doUpload(name: string, data: Uint8Array, flags: u32): i32 {
  return -EOPNOTSUPP;
}
