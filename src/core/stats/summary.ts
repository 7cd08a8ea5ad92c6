// A tensor's summary (statistics + histogram) computed on the CPU: the reference for the GPU path.
import { histogramCpu, makeBinning, type Binning } from './histogram.ts';
import {
  emptyMoments,
  emptyRange,
  finishStats,
  meanOf,
  mergeMoments,
  mergeRange,
  momentScale,
  momentsCpu,
  rangeCpu,
  type TensorStats,
} from './stats.ts';

export interface Summary {
  stats: TensorStats;
  binning: Binning;
  counts: Uint32Array;
}

/** Elements per slice between checks for cancellation in the async CPU path. */
const CPU_SLICE = 1 << 20;

/**
 * Summary in slices; `between` runs after every slice (to yield, check for abort, report progress).
 */
export async function summarizeCpuSliced(
  x: Float32Array,
  bins: number,
  between: (fraction: number) => Promise<void> | void = () => {},
  slice = CPU_SLICE,
): Promise<Summary> {
  const n = x.length;
  const slices = Math.max(1, Math.ceil(n / slice));
  let range = emptyRange();
  for (let s = 0; s < slices; s++) {
    range = mergeRange(range, rangeCpu(x, s * slice, Math.min(n, (s + 1) * slice)));
    await between((s + 1) / (2 * slices));
  }
  const mean = meanOf(range);
  const { scale, invScale } = momentScale(range);
  const binning = makeBinning(range.min, range.max, bins);
  const counts = new Uint32Array(binning.bins);
  let moments = emptyMoments();
  for (let s = 0; s < slices; s++) {
    const b = s * slice;
    const e = Math.min(n, b + slice);
    moments = mergeMoments(moments, momentsCpu(x, mean, invScale, b, e));
    histogramCpu(x, binning, counts, b, e);
    await between((slices + s + 1) / (2 * slices));
  }
  return { stats: finishStats(n, range, moments, scale), binning, counts };
}

/** Synchronous summary of a whole tensor. */
export function summarizeCpu(x: Float32Array, bins: number): Summary {
  const range = rangeCpu(x);
  const { scale, invScale } = momentScale(range);
  const binning = makeBinning(range.min, range.max, bins);
  const moments = momentsCpu(x, meanOf(range), invScale);
  return {
    stats: finishStats(x.length, range, moments, scale),
    binning,
    counts: histogramCpu(x, binning),
  };
}
