// Pass 2 of the quantizer, run by run: quantize, dequantize and add the error to the block's sums
// (and the error map's cell). The int loop is written out twice, once lean for the commonest case.
import type { BlockSums } from './block-error.ts';
import { clampInt, roundHalfEven } from './intquant.ts';
import type { QuantPlan } from './plan.ts';
import { toFloatCode } from './quantize-linear.ts';
import { castValue, nearestLevel, stochasticLevel, uniformAt } from './rounding.ts';
import { isMinifloat, type CastFormat } from './spec.ts';

const f = Math.fround;

export interface RunContext {
  x: Float32Array;
  xq: Float32Array | null;
  codes: Int32Array | null;
  scales: Float32Array;
  zeroPoints: Int32Array | null;
  clipLo: Float32Array;
  clipHi: Float32Array;
  qmin: number;
  qmax: number;
  isInt: boolean;
  stochastic: boolean;
  seedHash: number;
  elem: ((v: number, b: number, p: number) => number) | null;
  sums: BlockSums;
  mapSum: Float64Array | null;
  mapCnt: Float64Array | null;
}

/** 1.5 · 2^52: adding and subtracting it rounds a float64 below 2^51 to an integer, ties to even. */
const RNE_MAGIC = 6755399441055744;

/** Adds one run's sums (kept in locals while it ran) to its block, and to its error-map cell. */
function flush(
  k: RunContext,
  b: number,
  cell: number,
  n: number,
  sq: number,
  csq: number,
  nc: number,
  sig: number,
  d: number,
  qs: number,
  mx: number,
): void {
  const t = k.sums;
  t.count[b]! += n;
  t.sse[b]! += sq;
  t.clipSse[b]! += csq;
  t.clipped[b]! += nc;
  t.signal[b]! += sig;
  t.dot[b]! += d;
  t.qq[b]! += qs;
  if (mx > t.maxAbs[b]!) t.maxAbs[b] = mx;
  if (cell >= 0) {
    k.mapSum![cell]! += sq;
    k.mapCnt![cell]! += n;
  }
}

/** Quantizes x[s, e) (one block, one error-map cell) and adds its error to the block's sums. */
export function runBlock(k: RunContext, s: number, e: number, b: number, cell: number): void {
  const { x, xq, codes, qmin, qmax, isInt, stochastic, seedHash, elem } = k;
  const sc = k.scales[b]!;
  const zp = k.zeroPoints ? k.zeroPoints[b]! : 0;
  const l = k.clipLo[b]!;
  const h = k.clipHi[b]!;
  let n = 0;
  let sq = 0;
  let csq = 0;
  let nc = 0;
  let sig = 0;
  let d = 0;
  let qs = 0;
  let mx = 0;
  for (let p = s; p < e; p++) {
    const v = x[p]!;
    let q: number;
    if (isInt) {
      let code: number;
      if (v !== v)
        code = zp; // NaN has no code: the zero point (value 0)
      else {
        const y = f(v / sc);
        const r = stochastic ? Math.floor(f(y + uniformAt(seedHash, p))) : roundHalfEven(y);
        code = clampInt(r + zp, qmin, qmax);
      }
      if (codes) codes[p] = code;
      q = f((code - zp) * sc);
    } else q = elem!(v, b, p);
    if (xq) xq[p] = q;
    if (v - v !== 0 || q - q !== 0) continue;
    const err = v - q;
    const e2 = err * err;
    n++;
    if (v < l || v > h) {
      nc++;
      csq += e2;
    }
    sq += e2;
    sig += v * v;
    d += v * q;
    qs += q * q;
    const ae = err < 0 ? -err : err;
    if (ae > mx) mx = ae;
  }
  flush(k, b, cell, n, sq, csq, nc, sig, d, qs, mx);
}

/** runBlock for the commonest case, int rounded to nearest without dequantized output, kept lean. */
export function runIntNearest(k: RunContext, s: number, e: number, b: number, cell: number): void {
  const x = k.x;
  const codes = k.codes;
  const sc = k.scales[b]!;
  const zp = k.zeroPoints ? k.zeroPoints[b]! : 0;
  const l = k.clipLo[b]!;
  const h = k.clipHi[b]!;
  // Codes are clamped as values relative to the zero point.
  const rmin = k.qmin - zp;
  const rmax = k.qmax - zp;
  let n = 0;
  let sq = 0;
  let csq = 0;
  let nc = 0;
  let sig = 0;
  let d = 0;
  let qs = 0;
  let mx = 0;
  for (let p = s; p < e; p++) {
    const v = x[p]!;
    const y = f(v / sc);
    // Round half to even in float64 (exact below 2^51; beyond, the value is clamped anyway).
    let r = y + RNE_MAGIC - RNE_MAGIC;
    // NaN → the zero point; ±Inf (NaN after the trick) and values past the range clamp.
    if (!(r >= rmin)) r = v !== v ? 0 : v > 0 ? rmax : rmin;
    else if (r > rmax) r = rmax;
    if (codes) codes[p] = r + zp;
    const q = f(r * sc);
    if (v - v !== 0 || q - q !== 0) continue;
    const err = v - q;
    const e2 = err * err;
    n++;
    if (v < l || v > h) {
      nc++;
      csq += e2;
    }
    sq += e2;
    sig += v * v;
    d += v * q;
    qs += q * q;
    const ae = err < 0 ? -err : err;
    if (ae > mx) mx = ae;
  }
  flush(k, b, cell, n, sq, csq, nc, sig, d, qs, mx);
}

/** The value one element quantizes to, for the formats other than int. */
export function elementRule(
  plan: QuantPlan,
  stochastic: boolean,
  seedHash: number,
  codes: Int32Array | null,
): (v: number, b: number, p: number) => number {
  const { scales, levels, thresholds, spec } = plan;
  const fmt = spec.format;
  if (levels)
    return (v, b, p) => {
      const sc = scales[b]!;
      const y = f(v / sc);
      const k = stochastic
        ? stochasticLevel(levels, y, uniformAt(seedHash, p))
        : nearestLevel(levels, y);
      if (codes) codes[p] = k;
      return f(levels[k]! * sc);
    };
  if (fmt === 'ternary')
    return (v, b) => {
      if (v !== v) return 0;
      const sc = scales[b]!;
      return Math.abs(v) > thresholds![b]! ? (v < 0 ? -sc : sc) : 0;
    };
  if (isMinifloat(fmt))
    return (v, b) => {
      const sc = scales[b]!;
      return f(toFloatCode(f(v / sc), fmt, true) * sc);
    };
  return (v) => castValue(v, fmt as CastFormat);
}
