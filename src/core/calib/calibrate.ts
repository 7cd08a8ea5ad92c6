// Calibration of an activation's quantization range: the threshold T that int-b quantization clips
// |x| at, chosen by one of the usual methods. Quantization is symmetric on [−T, T] with
// scale = T / (2^(b−1) − 1) when the activations have negative values, and unsigned on [0, T] with
// scale = T / (2^b − 1) when they have none (after a ReLU); the zero point is 0 either way.
//   minmax          T = max |x|
//   ema:M           per calibration batch, T ← M · T + (1 − M) · max |x_batch| (the first batch sets T)
//   percentile:P    T = the P-th percentile of |x| (numpy's linear interpolation)
//   mse             T among the edges of a histogram of |x| minimising the squared error of
//                   quantizing each bin's centre (weighted by its count)
//   kl:B:L          TensorRT's entropy calibration: a B-bin histogram of |x|; for each candidate i
//                   from L to B, P = the first i bins with the rest folded into bin i − 1, Q = the
//                   first i bins merged into L levels of ⌊i/L⌋ bins (the last takes the rest) and
//                   spread back over the bins where P is non-zero; both smoothed (zeros get 1e-4,
//                   taken evenly from the others); T = (i + ½) · bin width at the smallest
//                   KL(P ‖ Q), at most max |x|. Defaults 2048:128 (TensorRT, onnxruntime 128:128, MXNet 8001:255).

import { roundHalfEven } from '../quant/intquant.ts';
import { linearQuantile } from '../quant/codebooks.ts';

export type CalibrationMethod =
  | { kind: 'minmax' }
  | { kind: 'ema'; momentum: number }
  | { kind: 'percentile'; percentile: number }
  | { kind: 'mse'; bins: number }
  | { kind: 'kl'; bins: number; levels: number };

export interface Calibration {
  threshold: number;
  scale: number;
  zeroPoint: 0;
  signed: boolean;
  /** Why the result is special (an all-zero input, too few values…), for a visible warning. */
  warning: string | null;
}

/** Histogram of |x| over [0, max|x|] (finite values), `bins` equal bins, last one closed. */
export interface AbsHistogram {
  counts: Float64Array;
  width: number;
  max: number;
  total: number;
}

export function absHistogram(x: ArrayLike<number>, bins: number, max?: number): AbsHistogram {
  let m = 0;
  if (max === undefined) {
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a > m && a !== Infinity) m = a;
    }
  } else m = max;
  m = Math.fround(m);
  const counts = new Float64Array(bins);
  // The binning rule of core/histogram.ts (and of the histogram kernel), in float32 step by step:
  // bin = min(floor(f32(a · f32(bins / max))), bins − 1), so the GPU's counts are these exactly.
  // A maximum so small that bins / max overflows float32 puts everything in the first bin.
  const s0 = m > 0 ? Math.fround(bins / m) : 0;
  const scale = Number.isFinite(s0) ? s0 : 0;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.fround(Math.abs(x[i]!));
    if (!(a <= m)) continue; // NaN, ±Inf, beyond a given max
    const b = scale > 0 ? Math.min(bins - 1, Math.floor(Math.fround(a * scale))) : 0;
    counts[b]!++;
    total++;
  }
  return { counts, width: m > 0 ? m / bins : 0, max: m, total };
}

function levelsOf(bits: number, signed: boolean): number {
  return signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
}

/** numpy.percentile (linear) of |x|, finite values. */
function absPercentile(x: ArrayLike<number>, p: number): number {
  const a: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v !== Infinity && v === v) a.push(v);
  }
  return a.length ? linearQuantile(Float64Array.from(a).sort(), p / 100) : 0;
}

/** Squared error of quantizing each bin's centre at threshold t, weighted by the counts. */
function histogramMse(h: AbsHistogram, t: number, qmax: number): number {
  if (!(t > 0)) {
    let e = 0;
    for (let b = 0; b < h.counts.length; b++) e += h.counts[b]! * ((b + 0.5) * h.width) ** 2;
    return h.total ? e / h.total : 0;
  }
  const s = t / qmax;
  let e = 0;
  for (let b = 0; b < h.counts.length; b++) {
    const n = h.counts[b]!;
    if (!n) continue;
    const c = (b + 0.5) * h.width;
    const q = Math.min(qmax, roundHalfEven(c / s)) * s;
    e += n * (c - q) ** 2;
  }
  return h.total ? e / h.total : 0;
}

export function mseSearch(
  h: AbsHistogram,
  qmax: number,
): { threshold: number; curve: Float64Array } {
  const bins = h.counts.length;
  const curve = new Float64Array(bins);
  let best = 0;
  for (let i = 0; i < bins; i++) {
    curve[i] = histogramMse(h, (i + 1) * h.width, qmax);
    if (curve[i]! < curve[best]!) best = i;
  }
  return { threshold: (best + 1) * h.width, curve };
}

/** The KL divergence of each candidate threshold (NaN where undefined), and the pick. */
export function klSearch(
  h: AbsHistogram,
  levels: number,
): { threshold: number; curve: Float64Array; start: number } {
  const bins = h.counts.length;
  const start = Math.min(levels, bins);
  const curve = new Float64Array(bins + 1).fill(NaN);
  const hist = h.counts;
  // suffix[i] = Σ hist[i:], for the outliers folded into the last kept bin.
  const suffix = new Float64Array(bins + 1);
  for (let k = bins - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + hist[k]!;
  const q = new Float64Array(bins);
  // P for the current candidate: hist with the outliers folded into bin i − 1 (restored after).
  const pv = Float64Array.from(hist);
  const eps = 1e-4;
  let best = -1;
  for (let i = start; i <= bins; i++) {
    pv[i - 1] = hist[i - 1]! + suffix[i]!;
    // Q: i bins in `levels` groups of ⌊i / levels⌋ (the last takes the rest), each group's sum
    // spread evenly over the bins where P is non-zero (as onnxruntime and MXNet).
    const merged = Math.floor(i / levels);
    let pZeros = 0;
    let qZeros = 0;
    let sp = 0;
    let sq = 0;
    for (let j = 0; j < levels; j++) {
      const a = j * merged;
      const b = j === levels - 1 ? i : a + merged;
      let sum = 0;
      let nz = 0;
      for (let k = a; k < b; k++) {
        sum += hist[k]!;
        if (pv[k] !== 0) nz++;
      }
      const v = nz ? sum / nz : 0;
      for (let k = a; k < b; k++) {
        const pk = pv[k]!;
        const qk = pk !== 0 ? v : 0;
        q[k] = qk;
        if (pk === 0) pZeros++;
        if (qk === 0) qZeros++;
        sp += pk;
        sq += qk;
      }
    }
    // Smoothing (zeros get eps, taken evenly from the rest) keeps each sum; without any non-zero
    // entry there is nothing to compare.
    if (pZeros === i || qZeros === i) {
      pv[i - 1] = hist[i - 1]!;
      continue;
    }
    const ep = (eps * pZeros) / (i - pZeros);
    const eq = (eps * qZeros) / (i - qZeros);
    let d = 0;
    for (let k = 0; k < i; k++) {
      const pk = pv[k]!;
      const a = (pk === 0 ? eps : pk - ep) / sp;
      const qk = q[k]!;
      const c = (qk === 0 ? eps : qk - eq) / sq;
      // Smoothing can push a small count below zero when zeros vastly outnumber the rest: such a
      // candidate has no finite divergence (scipy gives ∞) and is never picked.
      if (!(a > 0) || !(c > 0)) {
        d = Infinity;
        break;
      }
      d += a * Math.log(a / c);
    }
    pv[i - 1] = hist[i - 1]!;
    curve[i] = Number.isFinite(d) ? d : NaN;
    if (Number.isFinite(d) && (best < 0 || d < curve[best]!)) best = i;
  }
  const pick = best < 0 ? bins : best;
  // The last candidate's (i + ½) bins would pass the data's own maximum: never beyond it.
  return { threshold: Math.min((pick + 0.5) * h.width, h.max), curve, start };
}

/**
 * The threshold of a method over calibration batches (each a flat array of activations). MinMax,
 * percentile, MSE and KL see all batches together; EMA goes batch by batch.
 */
export function calibrate(
  batches: ReadonlyArray<ArrayLike<number>>,
  method: CalibrationMethod,
  bits = 8,
  /** The |x| histogram of all batches with the method's bin count, when already made (on the GPU). */
  histogram?: AbsHistogram,
): Calibration {
  let total = 0;
  let negative = false;
  let finite = 0;
  for (const b of batches)
    for (let i = 0; i < b.length; i++) {
      total++;
      const v = b[i]!;
      if (v - v === 0) {
        finite++;
        if (v < 0) negative = true;
      }
    }
  const signed = negative;
  const qmax = levelsOf(bits, signed);
  const all = concat(batches);
  let threshold: number;
  let warning: string | null = null;
  switch (method.kind) {
    case 'minmax':
      threshold = absHistogram(all, 1).max;
      break;
    case 'ema': {
      let t: number | null = null;
      for (const b of batches) {
        const m = absHistogram(b, 1).max;
        t = t === null ? m : method.momentum * t + (1 - method.momentum) * m;
      }
      threshold = t ?? 0;
      break;
    }
    case 'percentile':
      threshold = absPercentile(all, method.percentile);
      break;
    case 'mse':
      threshold = mseSearch(histogram ?? absHistogram(all, method.bins), qmax).threshold;
      break;
    case 'kl': {
      const h = histogram ?? absHistogram(all, method.bins);
      if (finite < method.bins)
        warning = `only ${finite} values for ${method.bins} bins: the KL curve is noisy`;
      threshold = klSearch(h, method.levels).threshold;
      break;
    }
  }
  if ((method.kind === 'mse' || method.kind === 'kl') && warning === null) {
    const h = histogram ?? absHistogram(all, method.bins);
    // Exact zeros (normal after a ReLU, and represented exactly) do not count against the histogram.
    let zeros = 0;
    for (const b of batches) for (let i = 0; i < b.length; i++) if (b[i] === 0) zeros++;
    const rest = h.total - zeros;
    if (rest > 0 && (h.counts[0]! - zeros) / rest > 0.9 && h.max > 0)
      warning = `the first bin holds ${(((h.counts[0]! - zeros) / rest) * 100).toFixed(0)}% of the non-zero values: an outlier stretches the histogram past what it can resolve`;
  }
  if (finite === 0) warning = total ? 'no finite activations' : 'no activations';
  else if (!(threshold > 0))
    warning = 'all activations are zero: any scale represents them exactly';
  const scale = threshold > 0 ? Math.fround(threshold / qmax) : 1;
  return { threshold, scale, zeroPoint: 0, signed, warning };
}

function concat(batches: ReadonlyArray<ArrayLike<number>>): Float32Array {
  const n = batches.reduce((a, b) => a + b.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const b of batches) {
    out.set(b as ArrayLike<number>, o);
    o += b.length;
  }
  return out;
}

/** Exact clipping and rounding MSE of quantizing x at threshold t (same rules as core/quant.ts). */
export function errorAtThreshold(
  x: ArrayLike<number>,
  t: number,
  bits: number,
  signed: boolean,
): { clipMse: number; roundMse: number } {
  const qmax = levelsOf(bits, signed);
  const qmin = signed ? -qmax : 0;
  const s = t > 0 ? Math.fround(t / qmax) : 1;
  let clip = 0;
  let round = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    n++;
    const r = Math.max(qmin, Math.min(qmax, roundHalfEven(Math.fround(v / s))));
    const e = v - Math.fround(r * s);
    // Clipped: beyond the end level by more than half a step.
    if (v > (qmax + 0.5) * s || v < (qmin - 0.5) * s) clip += e * e;
    else round += e * e;
  }
  return { clipMse: n ? clip / n : 0, roundMse: n ? round / n : 0 };
}

export function parseMethod(text: string): CalibrationMethod {
  const [name, ...args] = text.split(':');
  const num = (s: string | undefined, what: string) => {
    const v = Number(s);
    if (s === undefined || s === '' || !Number.isFinite(v))
      throw new Error(`${what} must be a number in '${text}'`);
    return v;
  };
  switch (name) {
    case 'minmax':
      if (args.length) break;
      return { kind: 'minmax' };
    case 'ema': {
      const m = num(args[0], 'the momentum');
      if (!(m >= 0 && m < 1) || args.length !== 1)
        throw new Error(`ema:M takes a momentum in [0, 1), not '${text}'`);
      return { kind: 'ema', momentum: m };
    }
    case 'percentile': {
      const p = num(args[0], 'the percentile');
      if (!(p > 0 && p <= 100) || args.length !== 1)
        throw new Error(`percentile:P takes P in (0, 100], not '${text}'`);
      return { kind: 'percentile', percentile: p };
    }
    case 'mse':
      if (args.length) break;
      return { kind: 'mse', bins: 2048 };
    case 'kl': {
      if (args.length === 0) return { kind: 'kl', bins: 2048, levels: 128 };
      const bins = num(args[0], 'the bin count');
      const levels = num(args[1], 'the level count');
      if (
        args.length !== 2 ||
        !Number.isInteger(bins) ||
        !Number.isInteger(levels) ||
        levels < 2 ||
        bins < levels ||
        bins > 65536
      )
        throw new Error(
          `kl:BINS:LEVELS takes integers with 2 ≤ LEVELS ≤ BINS ≤ 65536, not '${text}'`,
        );
      return { kind: 'kl', bins, levels };
    }
  }
  throw new Error(
    `unknown calibration method '${text}' (minmax, ema:M, percentile:P, mse, kl[:BINS:LEVELS])`,
  );
}
