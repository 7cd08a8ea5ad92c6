// What a view of an open model starts from, shared by the tab and the CLI: the tensor shown first
// (the largest), the histogram's bin limit, and the byte source a file is read through.
import type { TensorRow } from '../formats/model.ts';

export { MAX_BINS } from '../core/stats/histogram.ts';
export type { ByteSource } from '../formats/source.ts';

/** The tensor a model opens on: the one with the most parameters (the first of equals). */
export function largestTensor<T extends Pick<TensorRow, 'params'>>(
  tensors: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const t of tensors) if (!best || t.params > best.params) best = t;
  return best;
}
