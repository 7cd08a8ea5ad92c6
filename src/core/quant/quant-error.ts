// How far a quantized tensor is from the original, and why. The mean squared error splits into a
// clipping part (elements outside the representable range, pulled to its edge) and a rounding part
// (elements inside it, moved to the nearest level); the two add up to the total.
//   mse = Σ (x − x̂)² / n,  sqnr_db = 10 · log10(Σ x² / Σ (x − x̂)²),  cosine = x·x̂ / (|x| |x̂|)
// Non-finite inputs are left out of every sum (they are counted by the statistics instead).

export interface QuantError {
  count: number;
  mse: number;
  /** The part of `mse` from elements outside [lo, hi]. */
  clippingMse: number;
  /** The part of `mse` from elements inside [lo, hi]. */
  roundingMse: number;
  /** Elements outside the representable range. */
  clipped: number;
  /** +Infinity when the quantization is exact; NaN for an all-zero tensor. */
  sqnrDb: number;
  cosine: number;
  maxAbsError: number;
}

/**
 * @param x original values
 * @param xq dequantized values, same length
 * @param range representable range [lo, hi] of each element (its channel's or group's)
 */
export function quantError(
  x: ArrayLike<number>,
  xq: ArrayLike<number>,
  range: (i: number) => readonly [number, number],
): QuantError {
  let n = 0;
  let clipped = 0;
  let clip = 0;
  let round = 0;
  let signal = 0;
  let dot = 0;
  let qq = 0;
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const q = xq[i]!;
    if (!Number.isFinite(v) || !Number.isFinite(q)) continue;
    n++;
    const e = v - q;
    const [lo, hi] = range(i);
    if (v < lo || v > hi) {
      clipped++;
      clip += e * e;
    } else round += e * e;
    signal += v * v;
    dot += v * q;
    qq += q * q;
    maxAbs = Math.max(maxAbs, Math.abs(e));
  }
  return errorFromSums({
    count: n,
    sse: clip + round,
    clippingSse: clip,
    roundingSse: round,
    clipped,
    signal,
    dot,
    qq,
    maxAbs,
  });
}

/** The sums over the finite elements that a QuantError is computed from. */
interface ErrorSums {
  count: number;
  /** Σ (x − x̂)², and its clipping and rounding parts. */
  sse: number;
  clippingSse: number;
  roundingSse: number;
  clipped: number;
  /** Σ x², Σ x·x̂, Σ x̂². */
  signal: number;
  dot: number;
  qq: number;
  maxAbs: number;
}

export function errorFromSums(s: ErrorSums): QuantError {
  const n = s.count;
  return {
    count: n,
    mse: n ? s.sse / n : NaN,
    clippingMse: n ? s.clippingSse / n : NaN,
    roundingMse: n ? s.roundingSse / n : NaN,
    clipped: s.clipped,
    sqnrDb: s.signal === 0 ? NaN : s.sse === 0 ? Infinity : 10 * Math.log10(s.signal / s.sse),
    cosine: s.signal > 0 && s.qq > 0 ? s.dot / Math.sqrt(s.signal * s.qq) : NaN,
    maxAbsError: s.maxAbs,
  };
}

/** The measures of a QuantError that can be undefined, or need a word beside them. */
export type ErrorMeasure =
  'mse' | 'clippingMse' | 'roundingMse' | 'sqnrDb' | 'cosine' | 'maxAbsError' | 'split';

/**
 * Why a measure has no value (to follow "undefined"), or what its value means when it looks wrong
 * (to stand beside it), in words; null when the number speaks for itself. Read from the record alone:
 *   count 0                 no finite pair to compare (an empty, all-NaN or all-infinite tensor)
 *   SQNR NaN                the original is all zeros: there is no signal to compare the noise to
 *   cosine NaN, SQNR finite every value was quantized to zero (x̂ = 0, so SQNR is exactly 0 dB),
 *                           as happens to values below the format's smallest step (subnormals)
 *   split                   the clipping / rounding shares of an error of 0 (or none) are not shares
 */
export function quantErrorWhy(e: QuantError, key: ErrorMeasure): string | null {
  if (e.count === 0) return 'no finite value to compare (empty, all-NaN or all-infinite tensor)';
  const allZero = Number.isNaN(e.sqnrDb);
  const toZero = !allZero && Number.isNaN(e.cosine);
  switch (key) {
    case 'sqnrDb':
      if (allZero) return 'all-zero tensor: no signal to compare the error with';
      return toZero ? "every value quantized to zero, below the format's smallest step" : null;
    case 'cosine':
      if (allZero) return 'all-zero tensor: no direction';
      return toZero ? 'every value quantized to zero: no direction' : null;
    case 'split':
      return e.mse > 0 ? null : 'no error to split';
    default:
      return null;
  }
}
