// Every quantization format of the lab applied to one tensor: the dequantized values, the codes
// (integer formats and codebooks), and the error with its clipping / rounding split per block.
//
// A tensor is cut into blocks that share a scale (and zero point):
//   tensor           one block
//   channel(axis)    one block per index along `axis`
//   group(size,axis) runs of `size` consecutive indices along `axis`, as ONNX blocked quantization
//                    lays out its scales: block = (o · ⌈dim/size⌉ + ⌊c/size⌋) · inner + i; without an
//                    axis, runs along the rows of the [shape[0], rest] view
//
// Formats and their rules (y = float32(x / scale) unless noted):
//   fp32, tf32, fp16, bf16   plain casts, round to nearest even; a finite value past the format's
//                            largest finite one saturates to it (shown as clipping error)
//   fp8e4m3fn, fp8e5m2,      scaled minifloats: scale = absmax / largest finite value, then the ONNX
//   fp4e2m1                  saturating cast (round to nearest, ties to the even code)
//   int (2–8, 16 bits)       ONNX QuantizeLinear: q = clamp(round_half_even(y) + zero_point).
//                            symmetric restricted: q ∈ [−(2^(b−1)−1), 2^(b−1)−1], scale = absmax / qmax
//                            symmetric full:       q ∈ [−2^(b−1), 2^(b−1)−1], scale = absmax / (2^(b−1) − ½)
//                            asymmetric:           q ∈ [0, 2^b − 1] over [min(lo,0), max(hi,0)],
//                                                  zero_point = clamp(round_half_even(−lo / scale))
//   binary                   sign(x) · mean|x| of the block (XNOR-Net); sign(0) = +1
//   ternary                  Ternary Weight Networks: Δ = 0.7 · mean|x|, α = mean of |x| over |x| > Δ,
//                            x̂ = α · sign(x) where |x| > Δ, else 0
//   log2                     levels 0 and ±2^−j (j < 2^(b−1) − 1) times a power-of-two scale,
//                            2^round(log2 absmax); nearest level by value
//   nf4                      the 16 NormalFloat levels of QLoRA / bitsandbytes, scale = absmax
//   quantile                 2^b levels from the data: qᵢ = ½(Q(i/(2^b+1)) + Q((i+1)/(2^b+1))) of the
//                            block-normalised values x / absmax (Dettmers' quantile quantization),
//                            Q the linear-interpolation quantile (numpy's default)
// A codebook value is the nearest level; at an exact midpoint the upper level wins.
//
// Clipping vs rounding: a value is clipped when it lies beyond a block's end level by more than half
// the step next to that level, i.e. where saturation, not rounding, decides its value. (With absmax
// scales nothing is clipped, even when the float32 scale rounds the end level a hair below absmax.)
//
// Stochastic rounding (integer and codebook formats) rounds to one of the two neighbouring levels
// with probability proportional to closeness, drawing u ∈ [0, 1) from a counter-based hash of
// (seed, flat index), so the GPU kernel draws the same numbers. Integer: q = floor(float32(y + u)).
import quickselect from 'quickselect';
import { f16BitsToNumber, numberToF16Bits } from '../base/f16.ts';
import { roundHalfEven } from './intquant.ts';
import type { QuantError } from './quant-error.ts';
import { toFloatCode, type FloatCodeType } from './quantize-linear.ts';

export const QUANT_FORMATS = [
  'fp32',
  'tf32',
  'fp16',
  'bf16',
  'fp8e4m3fn',
  'fp8e5m2',
  'fp4e2m1',
  'int',
  'binary',
  'ternary',
  'log2',
  'nf4',
  'quantile',
] as const;
export type QuantFormat = (typeof QUANT_FORMATS)[number];

export type Granularity =
  | { kind: 'tensor' }
  | { kind: 'channel'; axis: number }
  /** Without `axis`: along the rows of the tensor viewed as [shape[0], rest]. */
  | { kind: 'group'; size: number; axis?: number };

export interface QuantSpec {
  format: QuantFormat;
  /** int: 2–8 or 16; log2 and quantile: 2–8; fixed by the format otherwise. */
  bits: number;
  /** int: absmax (true) or zero point (false). */
  symmetric: boolean;
  /** int, symmetric: the range without −2^(b−1), so that it is symmetric around zero. */
  restricted: boolean;
  granularity: Granularity;
  rounding: 'nearest' | 'stochastic';
  seed: number;
  /** Clip every block's range at this quantile of |x| over the tensor (1 = no clipping). */
  clipQuantile: number;
  /** Scales stored (and used) as float16 or float32. */
  scaleBits: 16 | 32;
}

export const DEFAULT_SPEC: QuantSpec = {
  format: 'int',
  bits: 8,
  symmetric: true,
  restricted: true,
  granularity: { kind: 'channel', axis: 0 },
  rounding: 'nearest',
  seed: 0,
  clipQuantile: 1,
  scaleBits: 32,
};

const f = Math.fround;

/** The 16 NormalFloat4 levels (bitsandbytes `get_4bit_type('nf4')`, QLoRA appendix E). */
export const NF4_LEVELS: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
];

const MINIFLOAT_MAX: Record<FloatCodeType, number> = {
  fp8e4m3fn: 448,
  fp8e5m2: 57344,
  fp4e2m1: 6,
};
const CAST_MAX = {
  fp32: 3.4028234663852886e38,
  tf32: 3.4011621342146535e38, // (2 − 2^−10) · 2^127
  fp16: 65504,
  bf16: 3.3895313892515355e38, // (2 − 2^−7) · 2^127
} as const;
type CastFormat = keyof typeof CAST_MAX;
/** The gap below each format's largest finite value (half of it decides rounding vs clipping). */
const CAST_TOP_STEP: Record<CastFormat, number> = {
  fp32: 2 ** 104,
  tf32: 2 ** 117,
  fp16: 32,
  bf16: 2 ** 120,
};
const MINIFLOAT_TOP_STEP: Record<FloatCodeType, number> = {
  fp8e4m3fn: 32,
  fp8e5m2: 8192,
  fp4e2m1: 2,
};

/** The largest float32 scale ≤ sc for which `reach · scale` is still finite. */
function finiteScale(sc: number, reach: number): number {
  let s = sc;
  while (s > 0 && !Number.isFinite(f(reach * s))) s = f(s * (1 - 2 ** -23));
  return s;
}

export function isCast(fmt: QuantFormat): fmt is CastFormat {
  return fmt in CAST_MAX;
}
export function isMinifloat(fmt: QuantFormat): fmt is FloatCodeType {
  return fmt in MINIFLOAT_MAX;
}
export function isCodebook(fmt: QuantFormat): boolean {
  return fmt === 'binary' || fmt === 'log2' || fmt === 'nf4' || fmt === 'quantile';
}
/** Formats whose rounding can be stochastic. */
export function allowsStochastic(fmt: QuantFormat): boolean {
  return fmt === 'int' || isCodebook(fmt);
}
/** Formats with a per-block scale (the granularity matters). */
export function isScaled(fmt: QuantFormat): boolean {
  return !isCast(fmt);
}

/** The stored width of one code, in bits. */
export function codeBits(spec: Pick<QuantSpec, 'format' | 'bits'>): number {
  switch (spec.format) {
    case 'fp32':
    case 'tf32': // a compute format: stored in 32 bits
      return 32;
    case 'fp16':
    case 'bf16':
      return 16;
    case 'fp8e4m3fn':
    case 'fp8e5m2':
      return 8;
    case 'fp4e2m1':
    case 'nf4':
      return 4;
    case 'binary':
      return 1;
    case 'ternary':
      return 2; // packed four to a byte
    default:
      return spec.bits;
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

export interface BlockLayout {
  outer: number;
  dim: number;
  inner: number;
  /** Blocks along `dim` per outer index (group granularity). */
  perDim: number;
  groupSize: number;
  blocks: number;
  kind: Granularity['kind'];
  n: number;
}

export function blockLayout(shape: readonly number[], g: Granularity): BlockLayout {
  const n = shape.reduce((a, b) => a * b, 1);
  if (g.kind === 'tensor' || shape.length === 0)
    return { outer: 1, dim: n, inner: 1, perDim: 1, groupSize: n, blocks: 1, kind: 'tensor', n };
  if (g.kind === 'group' && g.axis === undefined) {
    // Groups run along the rows of the [shape[0], rest] view (a linear layer's inputs, a conv
    // filter's inputs and taps together), as GPTQ-style group quantization does.
    if (!Number.isInteger(g.size) || g.size < 1)
      throw new RangeError(`group size ${g.size} is not a positive integer`);
    const rows = shape.length >= 2 ? shape[0]! : 1;
    const dim = rows > 0 ? n / rows : 0;
    const perDim = Math.ceil(dim / g.size);
    return {
      outer: rows,
      dim,
      inner: 1,
      perDim,
      groupSize: g.size,
      blocks: rows * perDim,
      kind: 'group',
      n,
    };
  }
  const axis = g.kind === 'group' ? g.axis! : g.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
    throw new RangeError(`axis ${axis} is outside a rank-${shape.length} shape`);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = shape[axis]!;
  if (g.kind === 'channel')
    return { outer, dim, inner, perDim: 1, groupSize: 1, blocks: dim, kind: 'channel', n };
  if (!Number.isInteger(g.size) || g.size < 1)
    throw new RangeError(`group size ${g.size} is not a positive integer`);
  const perDim = Math.ceil(dim / g.size);
  return {
    outer,
    dim,
    inner,
    perDim,
    groupSize: g.size,
    blocks: outer * perDim * inner,
    kind: 'group',
    n,
  };
}

/**
 * Visits every element as (flat index p, block b) in flat order. The body is inlined by hand in the
 * hot loops below; this is the readable version, used where speed does not matter.
 */
export function forEachElement(L: BlockLayout, fn: (p: number, b: number) => void): void {
  for (let o = 0, p = 0; o < L.outer; o++)
    for (let c = 0; c < L.dim; c++) {
      const base = blockBase(L, o, c);
      const k = L.kind === 'group' ? 1 : 0;
      for (let i = 0; i < L.inner; i++, p++) fn(p, base + i * k);
    }
}

function blockBase(L: BlockLayout, o: number, c: number): number {
  if (L.kind === 'tensor') return 0;
  if (L.kind === 'channel') return c;
  return (o * L.perDim + Math.floor(c / L.groupSize)) * L.inner;
}

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
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels[mid]! <= y) lo = mid;
    else hi = mid;
  }
  return y - levels[lo]! < levels[hi]! - y ? lo : hi;
}

/** Stochastic choice between the two levels around y: the upper one with probability (y − lo)/(hi − lo). */
function stochasticLevel(levels: Float32Array, y: number, u: number): number {
  const n = levels.length;
  if (!(y > levels[0]!)) return Number.isNaN(y) ? nearestLevel(levels, 0) : 0;
  if (y >= levels[n - 1]!) return n - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels[mid]! <= y) lo = mid;
    else hi = mid;
  }
  return u < (y - levels[lo]!) / (levels[hi]! - levels[lo]!) ? hi : lo;
}

// ---------------------------------------------------------------------------------------------
// Codebooks

/** numpy's default (linear) quantile of sorted values. */
export function linearQuantile(sorted: Float32Array | Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function log2Levels(bits: number): Float32Array {
  const m = 2 ** (bits - 1) - 1;
  const out: number[] = [0];
  for (let j = 0; j < m; j++) out.push(2 ** -j, -(2 ** -j));
  return Float32Array.from(out.sort((a, b) => a - b));
}

/** Dettmers' quantile levels of the sorted normalised values (2^bits of them). */
export function quantileLevels(sorted: Float32Array, bits: number): Float32Array {
  const k = 2 ** bits;
  const out = new Float32Array(k);
  if (sorted.length === 0) return out;
  for (let i = 0; i < k; i++)
    out[i] = (linearQuantile(sorted, i / (k + 1)) + linearQuantile(sorted, (i + 1) / (k + 1))) / 2;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The quantizer

export interface BlockSums {
  count: Float64Array;
  sse: Float64Array;
  clipSse: Float64Array;
  clipped: Float64Array;
  signal: Float64Array;
  dot: Float64Array;
  qq: Float64Array;
  maxAbs: Float64Array;
}

export function newBlockSums(n: number): BlockSums {
  return {
    count: new Float64Array(n),
    sse: new Float64Array(n),
    clipSse: new Float64Array(n),
    clipped: new Float64Array(n),
    signal: new Float64Array(n),
    dot: new Float64Array(n),
    qq: new Float64Array(n),
    maxAbs: new Float64Array(n),
  };
}

export interface QuantOptions {
  /** Keep the dequantized values (default true). */
  dequantized?: boolean;
  /** Keep integer codes / codebook indices (default false). */
  codes?: boolean;
  /** Mean squared error on a grid of at most rows × cols cells over the [shape[0], rest] view. */
  errorMap?: { rows: number; cols: number };
}

export interface QuantOutcome {
  spec: QuantSpec;
  layout: BlockLayout;
  error: QuantError;
  sums: BlockSums;
  /** Per block: scale (1 for casts), zero point (int asymmetric), representable range. */
  scales: Float32Array;
  zeroPoints: Int32Array | null;
  lo: Float32Array;
  hi: Float32Array;
  /** Beyond these a value is clipped (the range widened by half a step at each end). */
  clipLo: Float32Array;
  clipHi: Float32Array;
  /** Normalised codebook (codebook formats), the levels a code indexes before scaling. */
  levels: Float32Array | null;
  /** Integer range of the codes (int). */
  qmin: number;
  qmax: number;
  codes: Int32Array | null;
  xq: Float32Array | null;
  /** The clipping threshold from clipQuantile, or null. */
  clipAt: number | null;
  bitsPerWeight: number;
  errorMap: { rows: number; cols: number; mse: Float64Array } | null;
}

export function intRange(
  spec: Pick<QuantSpec, 'bits' | 'symmetric' | 'restricted'>,
): [number, number] {
  const half = 2 ** (spec.bits - 1);
  if (!spec.symmetric) return [0, 2 * half - 1];
  return spec.restricted ? [-(half - 1), half - 1] : [-half, half - 1];
}

/** Bits per weight including the per-block scale (and zero point) overhead. */
export function bitsPerWeight(spec: QuantSpec, layout: BlockLayout): number {
  const cb = codeBits(spec);
  if (isCast(spec.format) || layout.n === 0) return cb;
  const perBlock = layout.n / layout.blocks;
  let overhead = spec.format === 'log2' ? 8 : spec.scaleBits; // log2 scales are an exponent
  if (spec.format === 'int' && !spec.symmetric) overhead += spec.bits;
  let bpw = cb + overhead / perBlock;
  if (spec.format === 'quantile') bpw += (2 ** spec.bits * 32) / layout.n; // the codebook
  return bpw;
}

export function validateSpec(spec: QuantSpec): void {
  const b = spec.bits;
  if (spec.format === 'int' && !((Number.isInteger(b) && b >= 2 && b <= 8) || b === 16))
    throw new RangeError(`int quantization takes 2 to 8 or 16 bits, not ${b}`);
  if (
    (spec.format === 'log2' || spec.format === 'quantile') &&
    !(Number.isInteger(b) && b >= 2 && b <= 8)
  )
    throw new RangeError(`${spec.format} quantization takes 2 to 8 bits, not ${b}`);
  if (!(spec.clipQuantile > 0 && spec.clipQuantile <= 1))
    throw new RangeError(`clip quantile ${spec.clipQuantile} is not in (0, 1]`);
}

/** A scale as stored: float16 (clamped to its positive range) or float32. */
function storedScale(s: number, bits: 16 | 32): number {
  if (!(s > 0) || !Number.isFinite(s)) return 1;
  if (bits === 32) return f(s) || 1;
  const h = f16BitsToNumber(numberToF16Bits(Math.min(Math.max(s, 2 ** -24), 65504)));
  return h > 0 ? h : 2 ** -24;
}

/** What pass 2 needs: the blocks, their scales, zero points, ranges and the codebook. */
export interface QuantPlan {
  spec: QuantSpec;
  layout: BlockLayout;
  scales: Float32Array;
  zeroPoints: Int32Array | null;
  lo: Float32Array;
  hi: Float32Array;
  /** Beyond these an element is clipped: the range widened by half the step at each end. */
  clipLo: Float32Array;
  clipHi: Float32Array;
  levels: Float32Array | null;
  qmin: number;
  qmax: number;
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

export function quantize(
  x: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  opts: QuantOptions = {},
): QuantOutcome {
  const plan = planQuant(x, shape, spec);
  const { layout: L, scales, zeroPoints, lo, hi, levels, qmin, qmax, clipAt } = plan;
  const fmt = spec.format;
  const B = L.blocks;
  // Pass 2: quantize, dequantize, accumulate the error: run by run (consecutive elements of one
  // block and one error-map cell), with the sums in locals, added to the block's at the end of a run.
  const keepX = opts.dequantized !== false;
  const xq = keepX ? new Float32Array(L.n) : null;
  const codes = opts.codes && (fmt === 'int' || levels) ? new Int32Array(L.n) : null;
  const sums = newBlockSums(B);
  const stochastic = spec.rounding === 'stochastic' && allowsStochastic(fmt);
  const seedHash = pcgHash(spec.seed >>> 0);
  const grid = opts.errorMap ? errorGridGeometry(shape, opts.errorMap) : null;
  const mapSum = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const mapCnt = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const isInt = fmt === 'int';
  const k: RunContext = {
    x,
    xq,
    codes,
    scales,
    zeroPoints,
    clipLo: plan.clipLo,
    clipHi: plan.clipHi,
    qmin,
    qmax,
    isInt,
    stochastic,
    seedHash,
    elem: isInt ? null : elementRule(plan, stochastic, seedHash, codes),
    sums,
    mapSum,
    mapCnt,
  };
  const run =
    isInt && !stochastic && !xq
      ? (s: number, e: number, b: number, cell: number) => runIntNearest(k, s, e, b, cell)
      : (s: number, e: number, b: number, cell: number) => runBlock(k, s, e, b, cell);
  // Long runs are cut too: many short calls of `run` optimise better than one loop over a tensor.
  forEachRun(
    L,
    grid
      ? (s, e, b) => {
          for (let p = s; p < e;) {
            const c = grid.cellEnd(p);
            const end = Math.min(e, c.end, p + MAX_RUN);
            run(p, end, b, c.index);
            p = end;
          }
        }
      : (s, e, b) => {
          for (let p = s; p < e; p += MAX_RUN) run(p, Math.min(e, p + MAX_RUN), b, -1);
        },
  );

  return {
    spec,
    layout: L,
    error: totalError(sums),
    sums,
    scales,
    zeroPoints,
    lo,
    hi,
    clipLo: plan.clipLo,
    clipHi: plan.clipHi,
    levels,
    qmin,
    qmax,
    codes,
    xq,
    clipAt,
    bitsPerWeight: bitsPerWeight(spec, L),
    errorMap: grid ? gridMse(grid, mapSum!, mapCnt!) : null,
  };
}

interface RunContext {
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

const MAX_RUN = 1 << 14;

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
function runBlock(k: RunContext, s: number, e: number, b: number, cell: number): void {
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
function runIntNearest(k: RunContext, s: number, e: number, b: number, cell: number): void {
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

/** Calls fn(start, end, block) for runs of consecutive elements of one block, in flat order. */
export function forEachRun(L: BlockLayout, fn: (s: number, e: number, b: number) => void): void {
  if (L.n === 0) return;
  if (L.kind === 'tensor') return fn(0, L.n, 0);
  if (L.kind === 'channel') {
    for (let o = 0; o < L.outer; o++)
      for (let c = 0; c < L.dim; c++) {
        const p = (o * L.dim + c) * L.inner;
        if (L.inner) fn(p, p + L.inner, c);
      }
    return;
  }
  if (L.inner === 1) {
    for (let o = 0; o < L.outer; o++)
      for (let k = 0; k < L.perDim; k++) {
        const p = o * L.dim + k * L.groupSize;
        fn(p, o * L.dim + Math.min(L.dim, (k + 1) * L.groupSize), o * L.perDim + k);
      }
    return;
  }
  forEachElement(L, (p, b) => fn(p, p + 1, b));
}

/** The value one element quantizes to, for the formats other than int. */
function elementRule(
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

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
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

/**
 * The finite values divided by their block's scale, sorted (for the quantile codebook); with
 * clipping, clamped to ±1 so that the levels stay inside the clipped range.
 */
function normalisedSorted(
  x: Float32Array,
  L: BlockLayout,
  scales: Float32Array,
  clamp: boolean,
): Float32Array {
  const out = new Float32Array(L.n);
  let n = 0;
  forEachElement(L, (p, b) => {
    const v = x[p]!;
    if (v - v !== 0) return;
    const y = f(v / scales[b]!);
    out[n++] = clamp ? Math.max(-1, Math.min(1, y)) : y;
  });
  return out.subarray(0, n).sort();
}

/** Sums of blocks folded into one error (the same formulas as core/quant-error.ts). */
export function errorOf(sums: BlockSums, blocks: Iterable<number>): QuantError {
  let n = 0;
  let sse = 0;
  let clip = 0;
  let clipped = 0;
  let signal = 0;
  let dot = 0;
  let qq = 0;
  let maxAbs = 0;
  for (const b of blocks) {
    n += sums.count[b]!;
    sse += sums.sse[b]!;
    clip += sums.clipSse[b]!;
    clipped += sums.clipped[b]!;
    signal += sums.signal[b]!;
    dot += sums.dot[b]!;
    qq += sums.qq[b]!;
    maxAbs = Math.max(maxAbs, sums.maxAbs[b]!);
  }
  return {
    count: n,
    mse: n ? sse / n : NaN,
    clippingMse: n ? clip / n : NaN,
    roundingMse: n ? (sse - clip) / n : NaN,
    clipped,
    sqnrDb: signal === 0 ? NaN : sse === 0 ? Infinity : 10 * Math.log10(signal / sse),
    cosine: signal > 0 && qq > 0 ? dot / Math.sqrt(signal * qq) : NaN,
    maxAbsError: maxAbs,
  };
}

export function totalError(sums: BlockSums): QuantError {
  return errorOf(sums, range(sums.count.length));
}

/** Errors of each block, in block order. */
export function blockErrors(sums: BlockSums): QuantError[] {
  return Array.from({ length: sums.count.length }, (_, b) => errorOf(sums, [b]));
}

function* range(n: number): Iterable<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** The error map from its cells' sums of squared error and counts (NaN where a cell is empty). */
export function gridMse(
  grid: { rows: number; cols: number },
  sum: Float64Array,
  count: Float64Array,
): { rows: number; cols: number; mse: Float64Array } {
  return {
    rows: grid.rows,
    cols: grid.cols,
    mse: sum.map((v, c) => (count[c] ? v / count[c]! : NaN)),
  };
}

/** The error map's grid over the [shape[0], rest] view: cell of an element, and where its run ends. */
export function errorGridGeometry(shape: readonly number[], size: { rows: number; cols: number }) {
  const n = shape.reduce((a, b) => a * b, 1);
  const R = shape.length >= 2 ? shape[0]! : 1;
  const C = R > 0 ? n / R : 0;
  const rows = Math.max(1, Math.min(R, size.rows));
  const cols = Math.max(1, Math.min(C, size.cols));
  const cellOf = (p: number) => {
    const r = Math.floor(p / C);
    return Math.floor((r * rows) / R) * cols + Math.floor(((p - r * C) * cols) / C);
  };
  return {
    rows,
    cols,
    cellOf,
    /** The cell of p, and the first index after p that lies in another cell. */
    cellEnd(p: number): { index: number; end: number } {
      const r = Math.floor(p / C);
      const k = Math.floor(((p - r * C) * cols) / C);
      return { index: cellOf(p), end: r * C + Math.min(C, Math.ceil(((k + 1) * C) / cols)) };
    },
  };
}

/** float32((q − zero_point) · scale) with one scale (and zero point) per block. */
export function dequantizeBlocks(
  codes: ArrayLike<number>,
  scales: ArrayLike<number>,
  zeroPoints: ArrayLike<number> | null,
  shape: readonly number[],
  g: Granularity,
): Float32Array {
  const L = blockLayout(shape, g);
  const out = new Float32Array(L.n);
  forEachElement(L, (p, b) => {
    out[p] = f((codes[p]! - (zeroPoints ? zeroPoints[b]! : 0)) * scales[b]!);
  });
  return out;
}

/** The dequantized levels of one block (at most `cap` of them; null when there are more). */
export function blockLevels(q: QuantOutcome, b: number, cap = 256): number[] | null {
  const sc = q.scales[b]!;
  if (q.levels) return Array.from(q.levels, (l) => f(l * sc));
  if (q.spec.format === 'ternary') return [-sc, 0, sc];
  if (q.spec.format === 'int') {
    if (q.qmax - q.qmin + 1 > cap) return null;
    const zp = q.zeroPoints ? q.zeroPoints[b]! : 0;
    return Array.from({ length: q.qmax - q.qmin + 1 }, (_, k) => f((q.qmin + k - zp) * sc));
  }
  if (isMinifloat(q.spec.format)) {
    const grid = minifloatGrid(q.spec.format as FloatCodeType);
    if (grid.length * 2 - 1 > cap) return null;
    return [
      ...grid
        .slice(1)
        .map((g) => -g * sc)
        .reverse(),
      ...grid.map((g) => g * sc),
    ];
  }
  return null;
}

/** The non-negative finite values of a small float format, ascending. */
export function minifloatGrid(t: FloatCodeType): number[] {
  const out = new Set<number>();
  const max = MINIFLOAT_MAX[t];
  // Every representable value is reached by rounding a value of the form m · 2^e.
  for (let e = -20; e <= 16; e++)
    for (let m = 0; m < 16; m++) {
      const v = toFloatCode((1 + m / 16) * 2 ** e, t, true);
      if (v <= max) out.add(v);
    }
  out.add(0);
  return [...out].sort((a, b) => a - b);
}
