// The page's state: loaded files (payloads and images), and the UI (selection, view, theme,
// notices). Heavy parse results are kept by reference and never copied; views read them through
// selectors and hand d3 plain arrays built from them, never these objects.
import { create } from "zustand";
import type { ParsedFile } from "./parsedFile.ts";
import type { NavTarget } from "./nav.ts";

export type FileOrigin = { kind: "sample"; path: string } | { kind: "user" };

export interface FileProblem {
  code: string;
  message: string;
  /** Byte offset in the file, when the problem is tied to one. */
  offset: number | null;
}

export type FileStatus = "parsing" | "ready" | "error" | "cancelled";

export interface LoadedFile {
  id: string;
  name: string;
  size: number;
  origin: FileOrigin;
  status: FileStatus;
  /** 0..1 while parsing a large file. */
  progress: number | null;
  problem: FileProblem | null;
  parsed: ParsedFile | null;
}

export const VIEWS = ["overview", "functions", "relocations", "symbols", "sections", "notes", "tables", "graph"] as const;
export type ViewId = (typeof VIEWS)[number];

export interface ByteSelection {
  fileId: string;
  offset: number;
  size: number;
  label: string;
  /** Bumped on each selection so the hex view re-reveals an unchanged range. */
  token: number;
}

export interface Notice {
  id: number;
  level: "error" | "warning" | "info";
  text: string;
}

export type ThemeChoice = "system" | "light" | "dark";

interface FilesSlice {
  files: LoadedFile[];
  addFile(file: LoadedFile): void;
  updateFile(id: string, patch: Partial<LoadedFile>): void;
  removeFile(id: string): void;
}

interface UiSlice {
  selectedFileId: string | null;
  view: ViewId;
  selection: ByteSelection | null;
  hexCursor: number | null;
  hexOpen: boolean;
  theme: ThemeChoice;
  /** Larger text for a projector. */
  largeText: boolean;
  toggleLargeText(): void;
  notices: Notice[];
  /** An item a view should select and reveal (set when following a link from another view). */
  focus: (NavTarget & { token: number }) | null;
  navigate(target: NavTarget): void;
  selectFile(id: string | null): void;
  setView(view: ViewId): void;
  selectBytes(sel: Omit<ByteSelection, "token"> | null): void;
  setHexCursor(offset: number | null): void;
  toggleHex(): void;
  setTheme(theme: ThemeChoice): void;
  notify(level: Notice["level"], text: string): void;
  dismiss(id: number): void;
}

export type LensState = FilesSlice & UiSlice;

let noticeSeq = 0;
let selectionSeq = 0;

export const useLens = create<LensState>()((set) => ({
  files: [],
  addFile: (file) => set((s) => ({ files: [...s.files, file], selectedFileId: file.id, selection: null, hexCursor: null })),
  updateFile: (id, patch) => set((s) => ({ files: s.files.map((f) => (f.id === id ? { ...f, ...patch } : f)) })),
  removeFile: (id) =>
    set((s) => {
      const files = s.files.filter((f) => f.id !== id);
      const selectedFileId = s.selectedFileId === id ? (files.at(-1)?.id ?? null) : s.selectedFileId;
      return { files, selectedFileId, selection: s.selection?.fileId === id ? null : s.selection };
    }),

  selectedFileId: null,
  view: "overview",
  selection: null,
  hexCursor: null,
  hexOpen: true,
  theme: "system",
  largeText: false,
  toggleLargeText: () => set((s) => ({ largeText: !s.largeText })),
  notices: [],
  focus: null,
  navigate: (target) => set({ view: target.view, focus: { ...target, token: ++selectionSeq } }),
  selectFile: (id) => set((s) => (s.selectedFileId === id ? {} : { selectedFileId: id, selection: null, hexCursor: null })),
  setView: (view) => set({ view }),
  selectBytes: (sel) => set({ selection: sel ? { ...sel, token: ++selectionSeq } : null }),
  setHexCursor: (offset) => set({ hexCursor: offset }),
  toggleHex: () => set((s) => ({ hexOpen: !s.hexOpen })),
  setTheme: (theme) => set({ theme }),
  notify: (level, text) => set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeSeq, level, text }] })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
