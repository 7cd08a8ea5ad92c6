// Histogram binning: the CPU twin of shaders/metrics/histogram.wgsl.
//
// The rule is computed in float32 step by step so the GPU gives bit-identical bin indices:
// t = f32(f32(x − lo) · scale), bin = min(floor(t), bins − 1), for finite x in [lo, hi].
// WGSL guarantees correctly rounded f32 subtraction and multiplication, so both sides agree.
// As numpy.histogram, every bin is half-open except the last, which includes hi; a constant
// tensor gets the range [v − 0.5, v + 0.5].

const MIN_BINS = 1;
/** Bound of the GPU kernel's workgroup-local bin array (8 KiB of the 16 KiB default). */
export const MAX_BINS = 2048;

export interface Binning {
  /** Lower edge, float32. */
  lo: number;
  /** Upper edge, float32. */
  hi: number;
  bins: number;
  /** float32(bins / (hi − lo)). */
  scale: number;
}

export function makeBinning(min: number, max: number, bins: number): Binning {
  if (!Number.isInteger(bins) || bins < MIN_BINS || bins > MAX_BINS) {
    throw new RangeError(`bin count ${bins} is outside ${MIN_BINS}..${MAX_BINS}`);
  }
  let lo = Math.fround(min);
  let hi = Math.fround(max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    // numpy's [v − 0.5, v + 0.5]; past 2^24 half a unit is below float32 resolution, so widen to a
    // few ulps there, or the range would collapse back to one value.
    const d = Math.max(0.5, Math.abs(lo) * 2 ** -20);
    lo = Math.fround(lo - d);
    hi = Math.fround(hi + d);
  }
  if (!Number.isFinite(Math.fround(bins / (hi - lo)))) {
    // A range of a few subnormals: bins / (hi − lo) overflows float32. Widen it around its middle.
    const mid = lo / 2 + hi / 2;
    const d = Math.max(2 ** -100 * bins, Math.abs(mid) * 2 ** -20);
    lo = Math.fround(mid - d);
    hi = Math.fround(mid + d);
  }
  return { lo, hi, bins, scale: Math.fround(bins / (hi - lo)) };
}

/** Bin of a float32 value, or −1 when it is not finite or outside [lo, hi]. */
export function binOf(x: number, b: Binning): number {
  if (!(x >= b.lo && x <= b.hi)) return -1;
  const t = Math.fround(Math.fround(x - b.lo) * b.scale);
  return Math.min(Math.floor(t), b.bins - 1);
}

/** Adds the bins of `x[begin, end)` into `counts` (length b.bins). */
export function histogramCpu(
  x: Float32Array,
  b: Binning,
  counts: Uint32Array = new Uint32Array(b.bins),
  begin = 0,
  end = x.length,
): Uint32Array {
  for (let i = begin; i < end; i++) {
    const k = binOf(x[i]!, b);
    if (k >= 0) counts[k]!++;
  }
  return counts;
}
