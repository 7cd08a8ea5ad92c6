// Pass 1 of the quantizer: each block's range and scale (and zero point / codebook).
//
// Clipping vs rounding: a value is clipped when it lies beyond a block's end level by more than half
// the step next to that level, i.e. where saturation, not rounding, decides its value. (With absmax
// scales nothing is clipped, even when the float32 scale rounds the end level a hair below absmax.)
import quickselect from 'quickselect';
import { forEachElement, forEachRun, blockLayout, MAX_RUN, type BlockLayout } from './blocks.ts';
import { NF4_LEVELS, log2Levels, normalisedSorted, quantileLevels } from './codebooks.ts';
import { clampInt, roundHalfEven } from './intquant.ts';
import { finiteScale, storedScale } from './rounding.ts';
import {
  CAST_MAX,
  CAST_TOP_STEP,
  intRange,
  isCast,
  isMinifloat,
  isScaled,
  MINIFLOAT_MAX,
  MINIFLOAT_TOP_STEP,
  validateSpec,
  type QuantSpec,
} from './spec.ts';

const f = Math.fround;

/** What pass 2 needs: the blocks, their scales, zero points, ranges and the codebook. */
export interface QuantPlan {
  spec: QuantSpec;
  layout: BlockLayout;
  /** Per block: scale (1 for casts), zero point (int asymmetric), representable range. */
  scales: Float32Array;
  zeroPoints: Int32Array | null;
  lo: Float32Array;
  hi: Float32Array;
  /** Beyond these an element is clipped: the range widened by half the step at each end. */
  clipLo: Float32Array;
  clipHi: Float32Array;
  /** Normalised codebook (codebook formats), the levels a code indexes before scaling. */
  levels: Float32Array | null;
  /** Integer range of the codes (int). */
  qmin: number;
  qmax: number;
  /** The clipping threshold from clipQuantile, or null. */
  clipAt: number | null;
  /** Ternary: the threshold Δ of each block. */
  thresholds: Float64Array | null;
}

/** Pass 1: each block's range and scale (and zero point / codebook). */
export function planQuant(x: Float32Array, shape: readonly number[], spec: QuantSpec): QuantPlan {
  validateSpec(spec);
  const L = blockLayout(shape, spec.granularity);
  if (L.n !== x.length)
    throw new RangeError(`${x.length} values do not fill shape [${shape.join(', ')}]`);
  const B = L.blocks;
  const fmt = spec.format;

  // Pass 1: range, mean magnitude per block (finite values only).
  const bmin = new Float64Array(B);
  const bmax = new Float64Array(B);
  const babs = new Float64Array(B);
  const bcount = new Float64Array(B);
  const scan = (s: number, e: number, b: number) => {
    let mn = bmin[b]!;
    let mx = bmax[b]!;
    let ab = 0;
    let n = 0;
    for (let p = s; p < e; p++) {
      const v = x[p]!;
      if (v - v !== 0) continue; // NaN or ±Inf
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      ab += v < 0 ? -v : v;
      n++;
    }
    bmin[b] = mn;
    bmax[b] = mx;
    babs[b]! += ab;
    bcount[b]! += n;
  };
  forEachRun(L, (s, e, b) => {
    for (let p = s; p < e; p += MAX_RUN) scan(p, Math.min(e, p + MAX_RUN), b);
  });

  let clipAt: number | null = null;
  if (spec.clipQuantile < 1 && isScaled(fmt) && fmt !== 'binary' && fmt !== 'ternary') {
    clipAt = absQuantileOf(x, spec.clipQuantile);
    for (let b = 0; b < B; b++) {
      bmin[b] = Math.max(bmin[b]!, -clipAt);
      bmax[b] = Math.min(bmax[b]!, clipAt);
    }
  }

  const scales = new Float32Array(B).fill(1);
  const lo = new Float32Array(B);
  const hi = new Float32Array(B);
  const clipLo = new Float32Array(B);
  const clipHi = new Float32Array(B);
  let zeroPoints: Int32Array | null = null;
  let levels: Float32Array | null = null;
  let qmin = 0;
  let qmax = 0;
  let thresholds: Float64Array | null = null;
  const absmax = (b: number) => Math.max(-bmin[b]!, bmax[b]!);
  /**
   * A block's range from its lowest and highest level (in units of the scale) and the steps next to
   * them: a value is clipped when it lies beyond an end level by more than half that step, i.e. when
   * saturation, not rounding, decides where it goes.
   */
  const setRange = (b: number, bottom: number, top: number, stepLo: number, stepHi: number) => {
    const sc = scales[b]!;
    lo[b] = f(bottom * sc);
    hi[b] = f(top * sc);
    clipLo[b] = f((bottom - stepLo / 2) * sc);
    clipHi[b] = f((top + stepHi / 2) * sc);
  };

  if (isCast(fmt)) {
    const m = CAST_MAX[fmt];
    for (let b = 0; b < B; b++) setRange(b, -m, m, CAST_TOP_STEP[fmt], CAST_TOP_STEP[fmt]);
  } else if (fmt === 'int') {
    [qmin, qmax] = intRange(spec);
    if (!spec.symmetric) zeroPoints = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      let s: number;
      if (spec.symmetric) s = absmax(b) / (spec.restricted ? qmax : (qmax - qmin) / 2);
      else s = (bmax[b]! - bmin[b]!) / (qmax - qmin);
      let sc = storedScale(s, spec.scaleBits);
      const zp = zeroPoints ? clampInt(roundHalfEven(qmin - f(bmin[b]! / sc)), qmin, qmax) : 0;
      sc = finiteScale(sc, Math.max(qmax - zp, zp - qmin) + 0.5);
      scales[b] = sc;
      if (zeroPoints) zeroPoints[b] = zp;
      setRange(b, qmin - zp, qmax - zp, 1, 1);
    }
  } else if (isMinifloat(fmt)) {
    const m = MINIFLOAT_MAX[fmt];
    const step = MINIFLOAT_TOP_STEP[fmt];
    for (let b = 0; b < B; b++) {
      scales[b] = finiteScale(storedScale(absmax(b) / m, spec.scaleBits), m + step / 2);
      setRange(b, -m, m, step, step);
    }
  } else if (fmt === 'ternary') {
    // α needs a second look at the block: the mean magnitude above Δ.
    const delta = new Float64Array(B);
    for (let b = 0; b < B; b++) delta[b] = bcount[b]! > 0 ? (0.7 * babs[b]!) / bcount[b]! : 0;
    const sum = new Float64Array(B);
    const cnt = new Float64Array(B);
    forEachElement(L, (p, b) => {
      const v = Math.abs(x[p]!);
      if (v > delta[b]! && v !== Infinity) {
        sum[b]! += v;
        cnt[b]!++;
      }
    });
    for (let b = 0; b < B; b++) {
      scales[b] = cnt[b]! > 0 ? storedScale(sum[b]! / cnt[b]!, spec.scaleBits) : 0;
      setRange(b, -1, 1, 1, 1);
    }
    thresholds = delta;
  } else {
    // Codebooks.
    if (fmt === 'nf4') levels = Float32Array.from(NF4_LEVELS);
    else if (fmt === 'binary') levels = Float32Array.from([-1, 1]);
    else if (fmt === 'log2') levels = log2Levels(spec.bits);
    for (let b = 0; b < B; b++) {
      let s: number;
      if (fmt === 'binary') s = bcount[b]! > 0 ? babs[b]! / bcount[b]! : 0;
      else if (fmt === 'log2')
        // A power of two whose exponent stays within float32's (so the scale is finite).
        s =
          absmax(b) > 0 ? 2 ** Math.min(127, Math.max(-149, Math.round(Math.log2(absmax(b))))) : 1;
      else s = absmax(b);
      scales[b] = fmt === 'log2' ? s : finiteScale(storedScale(s, spec.scaleBits), 1.5);
    }
    if (fmt === 'quantile')
      levels = quantileLevels(normalisedSorted(x, L, scales, clipAt !== null), spec.bits);
    const n = levels!.length;
    const l0 = levels![0]!;
    const l1 = levels![n - 1]!;
    const stepLo = n > 1 ? levels![1]! - l0 : 0;
    const stepHi = n > 1 ? l1 - levels![n - 2]! : 0;
    for (let b = 0; b < B; b++) setRange(b, l0, l1, stepLo, stepHi);
  }

  return {
    spec,
    layout: L,
    scales,
    zeroPoints,
    lo,
    hi,
    clipLo,
    clipHi,
    levels,
    qmin,
    qmax,
    clipAt,
    thresholds,
  };
}

function absQuantileOf(x: Float32Array, p: number): number {
  let n = 0;
  const a = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v === 0) a[n++] = Math.abs(v);
  }
  if (n === 0) return 0;
  // The k-th smallest by selection (Floyd–Rivest), O(n) against the O(n log n) of a sort: the same
  // value, and the difference between a second and a fraction of one on a 16 M-value tensor.
  const k = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
  const s = a.subarray(0, n);
  quickselect(s as unknown as number[], k);
  return s[k]!;
}
