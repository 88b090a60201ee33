// Derived views of the store. Selectors return existing objects (stable identity) or primitives.
import type { LensState, LoadedFile } from "./store.ts";

export const selectCurrentFile = (s: LensState): LoadedFile | null =>
  s.files.find((f) => f.id === s.selectedFileId) ?? null;

export function fileRole(f: LoadedFile): "payload" | "image" | "other" | null {
  return f.parsed ? f.parsed.role : null;
}

export const selectPayloads = (s: LensState): LoadedFile[] => s.files.filter((f) => fileRole(f) === "payload");
export const selectImages = (s: LensState): LoadedFile[] => s.files.filter((f) => fileRole(f) === "image");
