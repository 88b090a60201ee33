// The ui slice: which file and view are shown, and what is selected. Every selection belongs to
// a file (`byFile[fileId]`): the item each view has picked, the bytes lit in the hex dock, the
// hex cursor, a pending "reveal" from a link. Opening another file shows that file's own
// selections (none yet, or the ones it had), so no view ever reads a row of a file it is not showing.
import type { NavTarget, NavView, TargetOf } from "./nav.ts";
import type { SliceApi } from "./slice.ts";

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

export type Picks = { [V in NavView]?: TargetOf<V> };

export interface FileView {
  /** The item each view has selected in this file. */
  picks: Picks;
  /** Bytes lit in the hex dock. */
  selection: ByteSelection | null;
  /**
   * The byte last clicked or moved to in the hex dock. A new selection clears it (selectBytes), so
   * a cursor is always newer than the selection, and what the dock shows and describes is
   * `hexCursor ?? selection.offset`: the user's latest choice, never a byte from before it.
   */
  hexCursor: number | null;
  /** A link asked `view` to show its pick (clear its filters, scroll to it); the token tells links apart. */
  /** A link's pending reveal; `bytes`, when the link names exact bytes (an audit finding), wins over the view's own choice. */
  reveal: { view: NavView; token: number; bytes: Omit<ByteSelection, "token" | "fileId"> | null } | null;
}

export interface Notice {
  id: number;
  level: "error" | "warning" | "info";
  text: string;
  /**
   * The same message stays on screen elsewhere (a file's error under its name in the file list), so
   * the notice is only the alert that it happened and goes away on its own (Notices.tsx).
   */
  shownElsewhere: boolean;
}

export type ThemeChoice = "system" | "light" | "dark";

export interface UiSlice {
  selectedFileId: string | null;
  view: ViewId;
  byFile: Readonly<Record<string, FileView>>;
  hexOpen: boolean;
  theme: ThemeChoice;
  /** Larger text for a projector. */
  largeText: boolean;
  notices: Notice[];
  selectFile(id: string | null): void;
  setView(view: ViewId): void;
  /** Follow a link: show `fileId` and the target's view, with the target picked and revealed. */
  navigate(fileId: string, target: NavTarget, bytes?: Omit<ByteSelection, "token" | "fileId">): void;
  /** A view's own selection (a click on a row). */
  pick(fileId: string, target: NavTarget): void;
  /** The view has revealed what link `token` asked for. */
  revealed(fileId: string, token: number): void;
  /** Light `sel` in the hex dock; it supersedes the hex cursor, which is cleared. */
  selectBytes(sel: Omit<ByteSelection, "token">): void;
  setHexCursor(fileId: string, offset: number | null): void;
  toggleHex(): void;
  showHex(): void;
  setTheme(theme: ThemeChoice): void;
  toggleLargeText(): void;
  /** `shownElsewhere`: the message also stays on screen elsewhere, so the notice may time out (Notice). */
  notify(level: Notice["level"], text: string, shownElsewhere?: boolean): void;
  dismiss(id: number): void;
}

export const EMPTY_FILE_VIEW: FileView = Object.freeze({ picks: Object.freeze({}), selection: null, hexCursor: null, reveal: null });

const THEME_KEY = "livepatch-lens.theme";

/** The theme the user picked on an earlier visit (kept by the shell's useTheme). */
export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

export function keepTheme(theme: ThemeChoice): void {
  try {
    if (theme === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Storage may be unavailable (private mode); the theme still applies for this visit.
  }
}

let noticeSeq = 0;
let tokenSeq = 0;

export function createUiSlice({ set }: SliceApi<"ui">): UiSlice {
  const edit = (fileId: string, change: (v: FileView) => Partial<FileView> | null) =>
    set((s) => {
      const cur = s.byFile[fileId] ?? EMPTY_FILE_VIEW;
      const part = change(cur);
      return part ? { byFile: { ...s.byFile, [fileId]: { ...cur, ...part } } } : {};
    });
  return {
    selectedFileId: null,
    view: "overview",
    byFile: {},
    hexOpen: true,
    theme: storedTheme(),
    largeText: false,
    notices: [],
    selectFile: (id) => set((s) => (s.selectedFileId === id ? {} : { selectedFileId: id })),
    setView: (view) => set({ view }),
    navigate: (fileId, target, bytes) =>
      set((s) => {
        const cur = s.byFile[fileId] ?? EMPTY_FILE_VIEW;
        const next: FileView = { ...cur, picks: { ...cur.picks, [target.view]: target }, reveal: { view: target.view, token: ++tokenSeq, bytes: bytes ?? null } };
        return { selectedFileId: fileId, view: target.view, byFile: { ...s.byFile, [fileId]: next } };
      }),
    pick: (fileId, target) => edit(fileId, (v) => ({ picks: { ...v.picks, [target.view]: target } })),
    revealed: (fileId, token) => edit(fileId, (v) => (v.reveal?.token === token ? { reveal: null } : null)),
    selectBytes: (sel) => edit(sel.fileId, () => ({ selection: { ...sel, token: ++tokenSeq }, hexCursor: null })),
    setHexCursor: (fileId, offset) => edit(fileId, () => ({ hexCursor: offset })),
    toggleHex: () => set((s) => ({ hexOpen: !s.hexOpen })),
    showHex: () => set({ hexOpen: true }),
    setTheme: (theme) => set({ theme }),
    toggleLargeText: () => set((s) => ({ largeText: !s.largeText })),
    notify: (level, text, shownElsewhere = false) => set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeSeq, level, text, shownElsewhere }] })),
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
}
