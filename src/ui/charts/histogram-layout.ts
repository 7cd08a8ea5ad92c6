// Where everything in the histogram goes, in pixels: bars, axis ticks, grid lines, the clipped tails,
// the quantization levels and the clipping markers. Pure, so that the geometry is tested without a
// page; the count axis is linear or symmetric-log (d3's symlog keeps empty bins at zero, where a
// plain log axis cannot).
import { scaleLinear, scaleSymlog } from 'd3-scale';

export interface HistogramInput {
  counts: ArrayLike<number>;
  /** The value range the bins cover: bin i is [lo + i·w, lo + (i+1)·w), the last one closed. */
  lo: number;
  hi: number;
  logScale: boolean;
  width: number;
  height: number;
  markers: readonly number[];
  levels: readonly number[] | null;
  range: readonly [number, number] | null;
}

export const MARGIN = { top: 8, right: 16, bottom: 24, left: 64 };

export interface Bar {
  bin: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HistogramLayout {
  plot: { left: number; top: number; right: number; bottom: number };
  /** Bars of the non-empty bins. */
  bars: Bar[];
  xTicks: Array<{ value: number; x: number }>;
  yTicks: Array<{ value: number; y: number }>;
  /** The clipped tails: [x0, x1] spans to shade. */
  tails: Array<[number, number]>;
  /** Quantization levels in view, or none when they are denser than the bins can show. */
  levels: Array<{ value: number; x: number }>;
  markers: Array<{ value: number; x: number }>;
  maxCount: number;
  /** The bin under a horizontal pixel position, or null outside the plot. */
  binAt: (px: number) => number | null;
}

/** Powers of ten from 1 to the largest count, at most six of them, for the symmetric-log axis. */
function logTicks(max: number): number[] {
  const top = Math.max(0, Math.floor(Math.log10(Math.max(1, max))));
  const step = Math.max(1, Math.ceil((top + 1) / 5));
  const out = [0];
  for (let e = 0; e <= top; e += step) out.push(10 ** e);
  return out;
}

/**
 * The quantization levels to draw: those in view, unless there are more than half as many as bins
 * (lines closer together than two bins would paint the plot solid).
 */
export function levelsToDraw(
  levels: readonly number[] | null,
  lo: number,
  hi: number,
  bins: number,
): number[] {
  const inView = (levels ?? []).filter((v) => v >= lo && v <= hi);
  return inView.length <= Math.max(8, bins / 2) ? inView : [];
}

export function histogramLayout(o: HistogramInput): HistogramLayout {
  const bins = o.counts.length;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: Math.max(MARGIN.left + 1, o.width - MARGIN.right),
    bottom: Math.max(MARGIN.top + 1, o.height - MARGIN.bottom),
  };
  const span = o.hi - o.lo || 1;
  const x = scaleLinear()
    .domain([o.lo, o.lo + span])
    .range([plot.left, plot.right]);
  let maxCount = 0;
  for (let i = 0; i < bins; i++) maxCount = Math.max(maxCount, o.counts[i] ?? 0);
  const yDomain = [0, Math.max(1, maxCount)];
  const y = (o.logScale ? scaleSymlog().constant(1) : scaleLinear())
    .domain(yDomain)
    .range([plot.bottom, plot.top]);
  const binWidth = (plot.right - plot.left) / Math.max(1, bins);
  const bars: Bar[] = [];
  for (let i = 0; i < bins; i++) {
    const c = o.counts[i] ?? 0;
    if (!(c > 0)) continue;
    const top = y(c);
    bars.push({
      bin: i,
      x: plot.left + i * binWidth,
      y: top,
      width: binWidth,
      height: plot.bottom - top,
    });
  }
  // Counts are whole: no tick between 0 and 1 on a bin of a few values.
  const yTickValues = o.logScale ? logTicks(maxCount) : y.ticks(5).filter(Number.isInteger);
  const inView = (v: number) => v >= o.lo && v <= o.hi;
  const tails: Array<[number, number]> = [];
  if (o.range && o.range[0] > o.lo) tails.push([plot.left, x(Math.min(o.range[0], o.hi))]);
  if (o.range && o.range[1] < o.hi) tails.push([x(Math.max(o.range[1], o.lo)), plot.right]);
  const levelValues = levelsToDraw(o.levels, o.lo, o.hi, bins);
  return {
    plot,
    bars,
    xTicks: x.ticks(6).map((value) => ({ value, x: x(value) })),
    yTicks: yTickValues.filter((v) => v <= yDomain[1]!).map((value) => ({ value, y: y(value) })),
    tails,
    levels: levelValues.map((value) => ({ value, x: x(value) })),
    // Once each: a clip at 0 (an all-zero tensor) marks -0 and 0, the same place.
    markers: [...new Set(o.markers.filter(inView))].map((value) => ({ value, x: x(value) })),
    maxCount,
    binAt: (px) =>
      px < plot.left || px > plot.right || bins === 0
        ? null
        : Math.min(bins - 1, Math.floor((px - plot.left) / binWidth)),
  };
}
