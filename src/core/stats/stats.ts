// Tensor summary statistics: the CPU twin of shaders/metrics/reduce_stats.wgsl and
// shaders/metrics/central_moments.wgsl, and the rule that combines their partial results.
//
// Moments are taken over the finite values only (NaN and ±Inf are counted, not summed), with
// population normalisation as numpy's defaults: std = sqrt(m2 / n) (ddof = 0) and
// kurtosis = m4 / m2² − 3 (Fisher's excess kurtosis, scipy.stats.kurtosis with bias=True).

/** First pass over a slice: extremes, sum and counts. */
export interface RangePartial {
  finite: number;
  min: number;
  max: number;
  sum: number;
  absmax: number;
  zeros: number;
  nans: number;
  posInf: number;
  negInf: number;
}

/** Second pass over a slice: central moments about a given mean, of (x − mean) · invScale. */
export interface MomentPartial {
  m2: number;
  m3: number;
  m4: number;
}

export interface TensorStats {
  /** Elements in the tensor, finite or not. */
  count: number;
  finite: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  absmax: number;
  /** Excess kurtosis (0 for a normal distribution); NaN when the finite values are constant. */
  kurtosis: number;
  // min, max, mean, std, absmax and kurtosis are NaN when undefined; statWhy says why in words.
  zeros: number;
  nans: number;
  posInf: number;
  negInf: number;
}

export function emptyRange(): RangePartial {
  return {
    finite: 0,
    min: Infinity,
    max: -Infinity,
    sum: 0,
    absmax: 0,
    zeros: 0,
    nans: 0,
    posInf: 0,
    negInf: 0,
  };
}

export function mergeRange(a: RangePartial, b: RangePartial): RangePartial {
  return {
    finite: a.finite + b.finite,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    absmax: Math.max(a.absmax, b.absmax),
    zeros: a.zeros + b.zeros,
    nans: a.nans + b.nans,
    posInf: a.posInf + b.posInf,
    negInf: a.negInf + b.negInf,
  };
}

/** First pass over `x[begin, end)` in float64. */
export function rangeCpu(x: Float32Array, begin = 0, end = x.length): RangePartial {
  const p = emptyRange();
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let i = begin; i < end; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      if (v !== v) p.nans++;
      else if (v > 0) p.posInf++;
      else p.negInf++;
      continue;
    }
    finite++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) p.zeros++;
  }
  p.finite = finite;
  p.min = min;
  p.max = max;
  p.sum = sum;
  p.absmax = finite ? Math.max(Math.abs(min), Math.abs(max)) : 0;
  return p;
}

export function emptyMoments(): MomentPartial {
  return { m2: 0, m3: 0, m4: 0 };
}

export function mergeMoments(a: MomentPartial, b: MomentPartial): MomentPartial {
  return { m2: a.m2 + b.m2, m3: a.m3 + b.m3, m4: a.m4 + b.m4 };
}

/** Second pass: sums of d², d³, d⁴ with d = (x − mean) · invScale, finite x only, in float64. */
export function momentsCpu(
  x: Float32Array,
  mean: number,
  invScale: number,
  begin = 0,
  end = x.length,
): MomentPartial {
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = begin; i < end; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    const d = (v - mean) * invScale;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { m2, m3, m4 };
}

/**
 * The scale that keeps (x − mean) · invScale within [−2, 2] (within [−8, 8] at the very top of the
 * float32 range) so that fourth powers cannot overflow float32 on the GPU. A power of two, so
 * scaling is exact.
 */
export function momentScale(r: RangePartial): { scale: number; invScale: number } {
  const span = Math.max(Math.abs(r.max), Math.abs(r.min));
  if (!(span > 0) || !Number.isFinite(span)) return { scale: 1, invScale: 1 };
  // Kept within float32's normal range: 2^-128 would be a subnormal that GPUs flush to zero.
  const e = Math.min(126, Math.max(-126, Math.ceil(Math.log2(span))));
  return { scale: 2 ** e, invScale: 2 ** -e };
}

export function meanOf(r: RangePartial): number {
  return r.finite ? r.sum / r.finite : NaN;
}

/** Final statistics from the merged partials of both passes. */
export function finishStats(
  count: number,
  r: RangePartial,
  m: MomentPartial,
  scale: number,
): TensorStats {
  const n = r.finite;
  const mean = meanOf(r);
  const m2 = n ? (m.m2 / n) * scale * scale : NaN;
  const m4 = n ? (m.m4 / n) * scale ** 4 : NaN;
  const kurtosis = n && m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
  return {
    count,
    finite: n,
    min: n ? r.min : NaN,
    max: n ? r.max : NaN,
    mean,
    std: Math.sqrt(m2),
    absmax: n ? r.absmax : NaN,
    kurtosis,
    zeros: r.zeros,
    nans: r.nans,
    posInf: r.posInf,
    negInf: r.negInf,
  };
}

/** The statistics that can be undefined (the counts never are). */
export type MomentStat = 'min' | 'max' | 'mean' | 'std' | 'absmax' | 'kurtosis';

/** Why a tensor has no finite value: empty, all NaN, all infinite, or a mix of both. */
export function noFiniteWhy(s: Pick<TensorStats, 'count' | 'nans' | 'posInf' | 'negInf'>): string {
  if (s.count === 0) return 'empty tensor';
  if (s.nans === s.count) return 'all values are NaN';
  if (s.posInf + s.negInf === s.count) return 'all values are infinite';
  return `no finite value (${s.nans} NaN, ${s.posInf + s.negInf} infinite)`;
}

/**
 * Why a statistic has no value, in words a person can read ("all values are NaN", "constant
 * tensor"), to follow "undefined"; null when it has one.
 */
export function statWhy(s: TensorStats, key: MomentStat): string | null {
  if (s.finite === 0) return noFiniteWhy(s);
  // Excess kurtosis divides by the variance squared: a constant tensor has none.
  if (key === 'kurtosis' && !Number.isFinite(s.kurtosis))
    return s.finite === 1 ? 'a single finite value' : 'constant tensor: no spread';
  return null;
}
