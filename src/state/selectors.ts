// Derived views of the store. Selectors return existing objects (stable identity) or primitives.
import type { LensState } from "./store.ts";
import type { LoadedFile } from "./files.ts";
import { EMPTY_FILE_VIEW, type FileView } from "./ui.ts";

export const selectFiles = (s: LensState): LoadedFile[] => s.files.list;

export const selectCurrentFile = (s: LensState): LoadedFile | null =>
  s.files.list.find((f) => f.id === s.ui.selectedFileId) ?? null;

/** What is selected in one file (an empty record for a file nothing was selected in yet). */
export const selectFileView = (s: LensState, fileId: string): FileView => s.ui.byFile[fileId] ?? EMPTY_FILE_VIEW;
