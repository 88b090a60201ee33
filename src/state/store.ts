// The page's one store, in four slices, each holding its state and the actions that change it:
//   files     the loaded files (payloads, images) and getting them in
//   ui        which file and view are shown, what is selected in each file, hex dock, theme, notices
//   sim       the simulator session as the page shows it: timeline, cursor, playback, knobs
//   scenario  the guided scenario being walked, and how it is shown
// Components read with `useLens(selector)`; everything acts through a slice's actions, picked
// the same way (`useLens((s) => s.ui.selectFile)`) or, outside React, `useLens.getState().ui.selectFile(id)`.
// Nothing outside src/state writes the store directly (the lint rule forbids useLens.setState).
// Heavy parse results are kept by reference and never copied.
import { create } from "zustand";
import { createFilesSlice, type FilesSlice } from "./files.ts";
import { createUiSlice, type UiSlice } from "./ui.ts";
import { createSimSlice, type SimSlice } from "./sim.ts";
import { createScenarioSlice, followSimulator, type ScenarioSlice } from "./scenario.ts";
import { sliceApi } from "./slice.ts";

export interface LensState {
  files: FilesSlice;
  ui: UiSlice;
  sim: SimSlice;
  scenario: ScenarioSlice;
}

export const useLens = create<LensState>()((_set, _get, api) => ({
  files: createFilesSlice(sliceApi(api, "files")),
  ui: createUiSlice(sliceApi(api, "ui")),
  sim: createSimSlice(sliceApi(api, "sim")),
  scenario: createScenarioSlice(sliceApi(api, "scenario")),
}));

followSimulator(useLens);

export type { FileOrigin, FileProblem, FileStatus, LoadedFile } from "./files.ts";
export { VIEWS, type ByteSelection, type FileView, type Notice, type ThemeChoice, type ViewId } from "./ui.ts";
