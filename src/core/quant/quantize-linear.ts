// ONNX QuantizeLinear / DequantizeLinear (opset 21+ semantics):
//   y = saturate(round_half_even(float32(x / scale)) + zero_point)      integer outputs
//   y = cast(float32(x / scale) + zero_point, saturate)                 8/4-bit float outputs
//   x̂ = float32((y − zero_point) · scale)
// with per-tensor (scalar scale), per-axis (1-D scale along `axis`) or blocked (scale of x's rank,
// `block_size` elements of `axis` per scale) granularity. Codes of float types are the values they
// stand for. Checked against every upstream ONNX node case (tests/fixtures/oracle/qdq_cases.json).
import { e4m3BitsToNumber, e5m2BitsToNumber } from '../base/f16.ts';
import { roundHalfEven } from './intquant.ts';

export const INT_TYPES = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int4: [-8, 7],
  uint4: [0, 15],
  int2: [-2, 1],
  uint2: [0, 3],
} as const;
type IntType = keyof typeof INT_TYPES;
export type FloatCodeType = 'fp8e4m3fn' | 'fp8e5m2' | 'fp4e2m1';
export type QType = IntType | FloatCodeType;

export function isQType(s: string): s is QType {
  return s in INT_TYPES || s === 'fp8e4m3fn' || s === 'fp8e5m2' || s === 'fp4e2m1';
}

interface QdqOptions {
  /** ONNX default 1; negative counts from the end. */
  axis?: number;
  /** 0: per-tensor or per-axis; > 0: blocked along `axis`. */
  blockSize?: number;
  /** Float outputs: clip to the largest finite value (default) instead of overflowing. */
  saturate?: boolean;
}

const f = Math.fround;

/** Positive finite values of a small float format with their codes, ascending. */
function grid(decode: (b: number) => number, bits: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let b = 0; b < 1 << (bits - 1); b++) {
    const v = decode(b);
    if (Number.isFinite(v)) out.push([v, b]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

const e2m1 = (b: number) => {
  const e = (b >> 1) & 3;
  const m = b & 1;
  const v = e === 0 ? m * 0.5 : (1 + m / 2) * 2 ** (e - 1);
  return b & 8 ? -v : v;
};

const GRIDS: Record<FloatCodeType, Array<[number, number]>> = {
  fp8e4m3fn: grid(e4m3BitsToNumber, 8),
  fp8e5m2: grid(e5m2BitsToNumber, 8),
  fp4e2m1: grid(e2m1, 4),
};
/** What an overflow becomes without saturation: e4m3fn has no infinity; fp4 saturates always. */
const OVERFLOW: Record<FloatCodeType, number> = {
  fp8e4m3fn: NaN,
  fp8e5m2: Infinity,
  fp4e2m1: Infinity,
};

/** Rounds to the nearest value of a small float format, ties to the even code. */
export function toFloatCode(v: number, t: FloatCodeType, saturate = true): number {
  if (Number.isNaN(v)) return NaN;
  const g = GRIDS[t];
  const max = g[g.length - 1]![0];
  const a = Math.abs(v);
  const sign = v < 0 ? -1 : 1;
  if (a > max) {
    // fp4 has no infinity or NaN: it always saturates.
    if (saturate || t === 'fp4e2m1') return sign * max;
    // Beyond the largest value by less than half a step it still rounds down to it.
    const step = max - g[g.length - 2]![0];
    if (a < max + step / 2) return sign * max;
    return sign * OVERFLOW[t];
  }
  let lo = 0;
  let hi = g.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (g[mid]![0] <= a) lo = mid;
    else hi = mid;
  }
  const [vl, cl] = g[lo]!;
  const vh = g[hi]![0];
  const pick = a - vl < vh - a ? vl : a - vl > vh - a ? vh : cl % 2 === 0 ? vl : vh;
  return sign * pick;
}

/** For each flat element of `shape`, the flat index of its scale / zero point. */
function scaleIndex(
  shape: readonly number[],
  scaleShape: readonly number[],
  o: QdqOptions,
): (i: number) => number {
  const count = scaleShape.reduce((a, b) => a * b, 1);
  if (count === 1) return () => 0;
  const rank = shape.length;
  const axis = ((o.axis ?? 1) + rank) % rank;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = shape[axis]!;
  const block = o.blockSize ?? 0;
  if (block <= 0) {
    if (scaleShape.length !== 1 || scaleShape[0] !== dim)
      throw new RangeError(
        `scale of shape [${scaleShape}] does not fit axis ${axis} of [${shape}]`,
      );
    return (i) => Math.floor(i / inner) % dim;
  }
  const sdim = Math.ceil(dim / block);
  if (scaleShape.length !== rank || scaleShape[axis] !== sdim)
    throw new RangeError(`blocked scale of shape [${scaleShape}] does not fit [${shape}]`);
  return (i) => {
    const outer = Math.floor(i / (inner * dim));
    const a = Math.floor(i / inner) % dim;
    return (outer * sdim + Math.floor(a / block)) * inner + (i % inner);
  };
}

export function quantizeLinear(
  x: ArrayLike<number>,
  shape: readonly number[],
  scale: ArrayLike<number>,
  scaleShape: readonly number[],
  zeroPoint: ArrayLike<number> | null,
  type: QType,
  o: QdqOptions = {},
): Float64Array {
  const at = scaleIndex(shape, scaleShape, o);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = at(i);
    const q = f(f(x[i]!) / f(scale[k]!));
    const zp = zeroPoint ? zeroPoint[k]! : 0;
    if (type in INT_TYPES) {
      const [lo, hi] = INT_TYPES[type as IntType];
      const r = Number.isNaN(q) ? 0 : roundHalfEven(q) + zp;
      out[i] = r < lo ? lo : r > hi ? hi : r;
    } else out[i] = toFloatCode(f(q + zp), type as FloatCodeType, o.saturate ?? true);
  }
  return out;
}

export function dequantizeLinear(
  codes: ArrayLike<number>,
  shape: readonly number[],
  scale: ArrayLike<number>,
  scaleShape: readonly number[],
  zeroPoint: ArrayLike<number> | null,
  o: QdqOptions = {},
): Float32Array {
  const at = scaleIndex(shape, scaleShape, o);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = at(i);
    out[i] = f(f(codes[i]! - (zeroPoint ? zeroPoint[k]! : 0)) * f(scale[k]!));
  }
  return out;
}
