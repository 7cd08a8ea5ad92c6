// What a quantization is asked to do: the formats, the granularity of their scales, the spec record
// and what follows from it alone (code width, integer range, bits per weight, validation).
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
import type { BlockLayout, Granularity } from './blocks.ts';
import type { FloatCodeType } from './quantize-linear.ts';

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
type QuantFormat = (typeof QUANT_FORMATS)[number];

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

/** int8, absmax, one scale per output channel: what most tools do first. The presets' defaults. */
export const DEFAULT_SPEC: QuantSpec = {
  format: 'int',
  bits: 8,
  symmetric: true,
  restricted: true,
  granularity: { kind: 'channel', axis: 0 },
  rounding: 'nearest',
  seed: 1,
  clipQuantile: 1,
  scaleBits: 32,
};

export const MINIFLOAT_MAX: Record<FloatCodeType, number> = {
  fp8e4m3fn: 448,
  fp8e5m2: 57344,
  fp4e2m1: 6,
};
export const CAST_MAX = {
  fp32: 3.4028234663852886e38,
  tf32: 3.4011621342146535e38, // (2 − 2^−10) · 2^127
  fp16: 65504,
  bf16: 3.3895313892515355e38, // (2 − 2^−7) · 2^127
} as const;
export type CastFormat = keyof typeof CAST_MAX;
/** The gap below each format's largest finite value (half of it decides rounding vs clipping). */
export const CAST_TOP_STEP: Record<CastFormat, number> = {
  fp32: 2 ** 104,
  tf32: 2 ** 117,
  fp16: 32,
  bf16: 2 ** 120,
};
export const MINIFLOAT_TOP_STEP: Record<FloatCodeType, number> = {
  fp8e4m3fn: 32,
  fp8e5m2: 8192,
  fp4e2m1: 2,
};

export function isCast(fmt: QuantFormat): fmt is CastFormat {
  return fmt in CAST_MAX;
}
export function isMinifloat(fmt: QuantFormat): fmt is FloatCodeType {
  return fmt in MINIFLOAT_MAX;
}
function isCodebook(fmt: QuantFormat): boolean {
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
