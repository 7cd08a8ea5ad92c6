// A read-only view of the store on `window`, for end-to-end tests to compare numbers with.
import { useStore, type SlimState } from '../state/store.ts';

export interface TestApi {
  state: () => SlimState;
  /**
   * Whether a file was being read at any moment between two `performance.now()` times: from the
   * moment the store's `opening` flag rises until the worker's answer arrives (the open models
   * change) or the flag falls. The frame-gap check excuses gaps only then; drawing what was read
   * counts.
   */
  readingBetween: (from: number, to: number) => boolean;
}

declare global {
  interface Window {
    __slimlab?: TestApi;
  }
}

// A page opens a few files at most between two checks; old spans are dropped past this many.
const MAX_SPANS = 256;

export function installTestApi(): void {
  const spans: Array<{ start: number; end: number | null }> = [];
  const close = () => {
    const last = spans.at(-1);
    if (last && last.end === null) last.end = performance.now();
  };
  if (useStore.getState().opening) spans.push({ start: 0, end: null });
  useStore.subscribe((s, prev) => {
    if (s.opening && !prev.opening) {
      spans.push({ start: performance.now(), end: null });
      if (spans.length > MAX_SPANS) spans.shift();
    } else if ((!s.opening && prev.opening) || s.models !== prev.models) close();
  });
  window.__slimlab = {
    state: () => useStore.getState(),
    readingBetween: (from, to) => spans.some((r) => r.start <= to && (r.end ?? Infinity) >= from),
  };
}
