// Sections Xen reads through their upload-buffer address because they are not SHF_ALLOC:
// prepare_payload() (xen/common/livepatch.c) keeps those pointers (funcs, hooks, build-id,
// depends, .modinfo, bug frames, .ex_table), and livepatch_upload() then frees the buffer.
// The upload succeeds with a `dangling` event per pointer; the first later read through one
// faults, as it would on the host.
import { begin, end, fStr, fInt, fAddr } from "./events";
import { Sec } from "./elf";
import { Payload, DANG_HOOK } from "./payload";
import { fatalFault } from "./xenlog";
import * as R from "./rules";
import { ruleName } from "./rules";

const NAMES: string[] = ["funcs", "build-id", "depends", "modinfo", "bug-frames", "ex-table"];
const HOOKS: string[] = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"];

export function danglingName(kind: i32): string {
  return kind < DANG_HOOK ? NAMES[kind] : "hook-" + HOOKS[kind - DANG_HOOK];
}

/** Records that `p` keeps `addr` (inside section `s` of the upload buffer) and says so. */
export function markDangling(p: Payload, kind: i32, s: Sec, addr: u64): void {
  if (s.alloc) return;
  p.danglingAddr[kind] = addr;
  begin("dangling", 0, p.name);
  fStr("rule", ruleName(R.R_DANGLING));
  fStr("what", danglingName(kind));
  fStr("section", s.name);
  fInt("sectionIndex", s.index);
  fAddr("addr", addr);
  fStr("explanation", s.name + " is not SHF_ALLOC, so Xen keeps a pointer into the upload buffer, which it frees when the upload ends: the first read through it faults");
  end();
}

/** Xen reads `p`'s `kind` pointer: true, or false after the host went down on a dangling one. */
export function touch(p: Payload, kind: i32, cpu: i32, when: string): bool {
  const addr = p.danglingAddr[kind];
  if (addr == 0) return true;
  fatalFault(cpu, p.name, addr, false, R.R_DANGLING_USE, when + " reads " + p.name + "'s " + danglingName(kind) + " through its pointer into the freed upload buffer");
  return false;
}
