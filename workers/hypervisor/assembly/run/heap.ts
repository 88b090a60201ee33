// The Xen heap as far as the simulator needs one: xzalloc()'s zeroed blocks for what Xen allocates
// and its code reads (struct payload, fstate[]). A bump allocator in the direct map: nothing is
// reused, since an UPLOAD/UNLOAD cycle costs a few hundred bytes.
import { mapRange, PAGE_SIZE, PERM_RW } from "../memory";
import { heapBase } from "./layout";

let next: u64 = 0;
let mappedEnd: u64 = 0;

export function resetHeap(): void {
  next = 0;
  mappedEnd = 0;
}

/** A zeroed, `align`-aligned block of `size` bytes (0 when the heap cannot grow). */
export function xzalloc(size: u64, align: u64 = 16): u64 {
  if (next == 0) {
    next = heapBase();
    mappedEnd = next;
  }
  const a = align < 8 ? 8 : align;
  const at = (next + a - 1) & ~(a - 1);
  const end = at + (size == 0 ? 1 : size);
  if (end > mappedEnd) {
    const to = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!mapRange(mappedEnd, to - mappedEnd, PERM_RW)) return 0;
    mappedEnd = to;
  }
  next = end;
  return at;
}
