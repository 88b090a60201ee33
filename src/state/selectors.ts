// Derived views of the store. Selectors return existing objects (stable identity) or primitives.
import type { LensState, LoadedFile } from "./store.ts";

export const selectCurrentFile = (s: LensState): LoadedFile | null =>
  s.files.find((f) => f.id === s.selectedFileId) ?? null;
