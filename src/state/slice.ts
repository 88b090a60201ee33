// What a slice's actions get from the store: a setter scoped to their own slice, the whole store
// to read (and to call other slices' actions), a setter over several slices for the few actions
// whose change must land in one update (a new file is listed and selected at once), and subscribe.
import type { StoreApi } from "zustand";
import type { LensState } from "./store.ts";

type Patch<T> = Partial<T> | ((current: T) => Partial<T>);

export interface SliceApi<K extends keyof LensState> {
  set(patch: Patch<LensState[K]>): void;
  get(): LensState;
  setStore(change: (s: LensState) => Partial<LensState>): void;
  subscribe: StoreApi<LensState>["subscribe"];
}

export function sliceApi<K extends keyof LensState>(api: StoreApi<LensState>, key: K): SliceApi<K> {
  return {
    set: (patch) =>
      api.setState((s) => {
        const part = typeof patch === "function" ? patch(s[key]) : patch;
        return { [key]: { ...s[key], ...part } } as Pick<LensState, K>;
      }),
    get: api.getState,
    setStore: (change) => api.setState(change),
    subscribe: api.subscribe,
  };
}
