// Rounding one element: the plain casts (tf32, bf16, fp16), the nearest or a stochastic codebook
// level, and the stored form of a scale.
// A codebook value is the nearest level; at an exact midpoint the upper level wins.
//
// Stochastic rounding (integer and codebook formats) rounds to one of the two neighbouring levels
// with probability proportional to closeness, drawing u ∈ [0, 1) from a counter-based hash of
// (seed, flat index), so the GPU kernel draws the same numbers. Integer: q = floor(float32(y + u)).
import { f16BitsToNumber, numberToF16Bits } from '../base/f16.ts';
import { CAST_MAX, type CastFormat } from './spec.ts';

const f = Math.fround;

// ---------------------------------------------------------------------------------------------
// Counter-based random numbers (identical in WGSL: shaders/quant/quant_int.wgsl)

/** PCG-RXS-M-XS 32-bit hash. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** u ∈ [0, 1) for element `index` under `seed`, exact in float32 (24 random bits). */
export function uniformAt(seedHash: number, index: number): number {
  return (pcgHash((index ^ seedHash) >>> 0) >>> 8) * 2 ** -24;
}

// ---------------------------------------------------------------------------------------------
// Element rounding

const cvt = new Float32Array(1);
const cvtU = new Uint32Array(cvt.buffer);

/** float32 → tf32 (10-bit mantissa) or bf16 (7-bit), round to nearest even, saturating. */
function roundMantissa(x: number, dropBits: number, max: number): number {
  cvt[0] = x;
  const u = cvtU[0]!;
  if ((u & 0x7f800000) === 0x7f800000) return cvt[0]!; // Inf, NaN
  const half = (1 << (dropBits - 1)) - 1;
  const r = (u + half + ((u >>> dropBits) & 1)) >>> 0;
  cvtU[0] = (r >>> dropBits) << dropBits;
  const v = cvt[0]!;
  return Number.isFinite(v) ? v : x < 0 ? -max : max;
}

export function castValue(x: number, fmt: CastFormat): number {
  if (Number.isNaN(x) || !Number.isFinite(x)) return x;
  const max = CAST_MAX[fmt];
  switch (fmt) {
    case 'fp32':
      return f(x);
    case 'tf32':
      return roundMantissa(x, 13, max);
    case 'bf16':
      return roundMantissa(x, 16, max);
    case 'fp16': {
      if (x > max) return max;
      if (x < -max) return -max;
      return f16BitsToNumber(numberToF16Bits(x));
    }
  }
}

/** Index of the nearest level (sorted ascending); at a midpoint, the upper one. */
export function nearestLevel(levels: Float32Array | readonly number[], y: number): number {
  const n = levels.length;
  if (!(y > levels[0]!)) return Number.isNaN(y) ? nearestLevel(levels, 0) : 0;
  if (y >= levels[n - 1]!) return n - 1;
  const lo = levelBelow(levels, y);
  return y - levels[lo]! < levels[lo + 1]! - y ? lo : lo + 1;
}

/** Stochastic choice between the two levels around y: the upper one with probability (y − lo)/(hi − lo). */
export function stochasticLevel(levels: Float32Array, y: number, u: number): number {
  const n = levels.length;
  if (!(y > levels[0]!)) return Number.isNaN(y) ? nearestLevel(levels, 0) : 0;
  if (y >= levels[n - 1]!) return n - 1;
  const lo = levelBelow(levels, y);
  return u < (y - levels[lo]!) / (levels[lo + 1]! - levels[lo]!) ? lo + 1 : lo;
}

/** For levels[0] < y < levels[n − 1]: the lo with levels[lo] ≤ y < levels[lo + 1] (binary search). */
function levelBelow(levels: Float32Array | readonly number[], y: number): number {
  let lo = 0;
  let hi = levels.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels[mid]! <= y) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The largest float32 scale ≤ sc for which `reach · scale` is still finite. */
export function finiteScale(sc: number, reach: number): number {
  let s = sc;
  while (s > 0 && !Number.isFinite(f(reach * s))) s = f(s * (1 - 2 ** -23));
  return s;
}

/** A scale as stored: float16 (clamped to its positive range) or float32. */
export function storedScale(s: number, bits: 16 | 32): number {
  if (!(s > 0) || !Number.isFinite(s)) return 1;
  if (bits === 32) return f(s) || 1;
  const h = f16BitsToNumber(numberToF16Bits(Math.min(Math.max(s, 2 ** -24), 65504)));
  return h > 0 ? h : 2 ** -24;
}
