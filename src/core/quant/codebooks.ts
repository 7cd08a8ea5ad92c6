// The codebooks of the codebook formats (NormalFloat4, log2, Dettmers' quantile levels) and the
// value grid of the small float formats.
import { forEachElement, type BlockLayout } from './blocks.ts';
import { toFloatCode, type FloatCodeType } from './quantize-linear.ts';
import { MINIFLOAT_MAX } from './spec.ts';

const f = Math.fround;

/** The 16 NormalFloat4 levels (bitsandbytes `get_4bit_type('nf4')`, QLoRA appendix E). */
export const NF4_LEVELS: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
];

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

/**
 * The finite values divided by their block's scale, sorted (for the quantile codebook); with
 * clipping, clamped to ±1 so that the levels stay inside the clipped range.
 */
export function normalisedSorted(
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
