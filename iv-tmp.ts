import { readFileSync } from "node:fs";
import { parseElf } from "./src/elf/index.ts";
import { analyzePayload } from "./src/livepatch/index.ts";
import { intervalsOf } from "./src/features/hex/buildByteIndex.ts";
import { IntervalIndex } from "./src/features/hex/intervalIndex.ts";
const elf = parseElf(new Uint8Array(readFileSync("/work/xen-payloads/x86_64/prelink.o")));
const parsed = { elf, livepatch: analyzePayload(elf) } as any;
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const list = intervalsOf(parsed);
  const a = performance.now() - t; t = performance.now();
  new IntervalIndex(list);
  console.log(list.length, "intervals", a.toFixed(1), "index", (performance.now() - t).toFixed(1));
}
{
  const idx = new IntervalIndex(intervalsOf(parsed));
  for (let k = 0; k < 3; k++) {
    let t = performance.now();
    let n = 0;
    for (let off = 0; off < 40 * 16 * 10; off += 16) n += idx.recordsIn(off, off + 16).length;
    console.log("recordsIn 400 rows", (performance.now() - t).toFixed(1), n);
    t = performance.now();
    for (let off = 0; off < 400 * 16; off += 16) idx.at(off);
    console.log("at 400", (performance.now() - t).toFixed(1));
  }
}
