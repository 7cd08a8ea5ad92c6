// A read-only view of the store on `window`, for end-to-end tests to compare numbers with.
import { useStore, type SlimState } from '../state/store.ts';

export interface TestApi {
  state: () => SlimState;
}

declare global {
  interface Window {
    __slimlab?: TestApi;
  }
}

export function installTestApi(): void {
  window.__slimlab = { state: () => useStore.getState() };
}
