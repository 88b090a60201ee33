// Selections belong to a file: another file never sees them, closing a file drops them, and a
// target is only honoured when it names an item of the file it is read against.
import { beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import type { ParsedFile } from "./parsedFile.ts";
import { targetIn } from "./nav.ts";
import { selectFileView } from "./selectors.ts";
import { useLens, type LoadedFile } from "./store.ts";

const SAMPLES = new URL("../../public/samples/x86_64/", import.meta.url);

function parsedSample(name: string): ParsedFile {
  const elf = parseElf(new Uint8Array(readFileSync(new URL(name, SAMPLES))));
  return { fileName: name, size: elf.bytes.length, role: "payload", elf, livepatch: analyzePayload(elf) };
}

const file = (id: string): LoadedFile => ({ id, name: id, size: 1, origin: { kind: "user" }, status: "ready", progress: null, problem: null, parsed: null, source: null });

describe("per-file selection", () => {
  beforeEach(() => {
    const s = useLens.getState();
    for (const f of s.files.list) s.files.unload(f.id);
    useLens.setState((st) => ({ files: { ...st.files, list: [file("a"), file("b")] }, ui: { ...st.ui, selectedFileId: "a" } }));
  });

  it("a link in one file picks and reveals in that file only", () => {
    const { ui } = useLens.getState();
    ui.navigate("a", { view: "relocations", table: 3, index: 7 });
    let s = useLens.getState();
    expect(s.ui.view).toBe("relocations");
    expect(s.ui.selectedFileId).toBe("a");
    expect(selectFileView(s, "a").picks.relocations).toEqual({ view: "relocations", table: 3, index: 7 });
    expect(selectFileView(s, "a").reveal?.view).toBe("relocations");
    s.ui.selectFile("b");
    s = useLens.getState();
    expect(selectFileView(s, "b").picks).toEqual({});
    expect(selectFileView(s, "b").reveal).toBeNull();
  });

  it("bytes and the hex cursor stay with their file and come back with it", () => {
    const { ui } = useLens.getState();
    ui.selectBytes({ fileId: "a", offset: 64, size: 8, label: "x" });
    ui.setHexCursor("a", 70);
    ui.selectFile("b");
    expect(selectFileView(useLens.getState(), "b").selection).toBeNull();
    expect(selectFileView(useLens.getState(), "b").hexCursor).toBeNull();
    ui.selectFile("a");
    expect(selectFileView(useLens.getState(), "a").selection).toMatchObject({ offset: 64, size: 8 });
    expect(selectFileView(useLens.getState(), "a").hexCursor).toBe(70);
  });

  it("a new selection supersedes an older hex cursor; a cursor placed after it stays", () => {
    const { ui } = useLens.getState();
    // A link (Enter on a relocation) selects 4 bytes at 0x94, then a byte is clicked at 0x96.
    ui.selectBytes({ fileId: "a", offset: 0x94, size: 4, label: "patched" });
    ui.setHexCursor("a", 0x96);
    expect(selectFileView(useLens.getState(), "a").hexCursor).toBe(0x96);
    // Another row picked: its record is what the dock shows, not the old byte.
    ui.selectBytes({ fileId: "a", offset: 0x68b8, size: 24, label: "relocation 2" });
    expect(selectFileView(useLens.getState(), "a").selection).toMatchObject({ offset: 0x68b8, size: 24 });
    expect(selectFileView(useLens.getState(), "a").hexCursor).toBeNull();
    // A selection in another file leaves this file's cursor alone.
    ui.setHexCursor("a", 0x68c0);
    ui.selectBytes({ fileId: "b", offset: 0, size: 1, label: "b" });
    expect(selectFileView(useLens.getState(), "a").hexCursor).toBe(0x68c0);
  });

  it("closing a file forgets its selections and selects the last file left", () => {
    const { ui, files } = useLens.getState();
    ui.pick("a", { view: "sections", section: 2 });
    files.unload("a");
    const s = useLens.getState();
    expect(s.ui.byFile.a).toBeUndefined();
    expect(s.ui.selectedFileId).toBe("b");
  });

  it("a reveal is consumed once", () => {
    const { ui } = useLens.getState();
    ui.navigate("a", { view: "notes", index: 0 });
    const token = selectFileView(useLens.getState(), "a").reveal!.token;
    ui.revealed("a", token + 1);
    expect(selectFileView(useLens.getState(), "a").reveal?.token).toBe(token);
    ui.revealed("a", token);
    expect(selectFileView(useLens.getState(), "a").reveal).toBeNull();
  });
});

describe("targetIn", () => {
  // From readelf -SW xen_hello_world.livepatch: 8 RELA sections, the last (.rela.livepatch.hooks.load)
  // 0x30 bytes of 0x18-byte entries (2 relocations); .livepatch.funcs 0x68 bytes (one 104-byte func).
  const hello = parsedSample("xen_hello_world.livepatch");

  it("accepts the last item of a table and refuses one past it", () => {
    expect(targetIn(hello, { view: "relocations", table: 7, index: 1 })).toBe(true);
    expect(targetIn(hello, { view: "relocations", table: 7, index: 2 })).toBe(false);
    expect(targetIn(hello, { view: "relocations", table: 8, index: 0 })).toBe(false);
    expect(targetIn(hello, { view: "sections", section: hello.elf.sections.length - 1 })).toBe(true);
    expect(targetIn(hello, { view: "sections", section: hello.elf.sections.length })).toBe(false);
    expect(targetIn(hello, { view: "functions", index: 1 })).toBe(false);
    expect(targetIn(hello, { view: "functions", index: 0 })).toBe(true);
    expect(targetIn(hello, { view: "symbols", table: 0, index: -1 })).toBe(false);
    expect(targetIn(hello, { view: "tables", kind: "ex", index: 0 })).toBe(hello.livepatch!.exTable.length > 0);
  });
});
