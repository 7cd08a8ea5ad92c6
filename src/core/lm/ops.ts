// The pointwise and row-wise pieces of a Llama block on the CPU, float32 in and out: RMSNorm,
// rotary embeddings in both q/k row layouts, SwiGLU, and projections against HF's [out, in] weights.
// These are the CPU twins of the LM kernels (rms_norm, rope, swiglu; the matmul is the existing one).
import { matmul } from '../nn/matmul.ts';

/**
 * y[r] = x[r] / √(mean(x[r]²) + eps) · w, for `rows` rows of `dim` values (the mean in float64, as
 * HF computes it in float32 before the scale: the difference is below float32 rounding).
 */
export function rmsNorm(
  x: Float32Array,
  w: Float32Array,
  rows: number,
  dim: number,
  eps: number,
): Float32Array {
  if (x.length !== rows * dim || w.length !== dim)
    throw new RangeError(`rmsNorm: x has ${x.length} values, w ${w.length}; want ${rows}×${dim}`);
  const y = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i]! * x[o + i]!;
    const inv = Math.fround(1 / Math.sqrt(ss / dim + eps));
    for (let i = 0; i < dim; i++) y[o + i] = w[i]! * Math.fround(x[o + i]! * inv);
  }
  return y;
}

/** y[rows, out] = x[rows, in] · Wᵀ for a Linear weight stored [out, in] (HF's layout). */
export function linear(
  x: Float32Array,
  w: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
): Float32Array {
  return matmul(x, w, { m: rows, k: inDim, n: outDim, transB: true });
}

/** Adds a bias [out] to each of `rows` rows of y [rows, out], in place. */
export function addBias(y: Float32Array, b: Float32Array, rows: number): void {
  const n = b.length;
  if (y.length !== rows * n)
    throw new RangeError(`addBias: y has ${y.length} values, want ${rows} rows of ${n}`);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) y[r * n + i] = y[r * n + i]! + b[i]!;
}

/** Which dimensions of a head rotate together: (2i, 2i+1) in llama2.c, (i, i + d/2) in HF. */
export type RopeLayout = 'interleaved' | 'half';

/**
 * Rotates, in place, the heads of `rows` consecutive positions starting at `pos0`: x is
 * [rows, heads · headDim]; pair i of a head turns by pos · theta^(−2i/headDim) (the angle in float64).
 */
export function rope(
  x: Float32Array,
  rows: number,
  heads: number,
  headDim: number,
  pos0: number,
  theta: number,
  layout: RopeLayout,
): void {
  const half = headDim / 2;
  const freq = new Float64Array(half);
  for (let i = 0; i < half; i++) freq[i] = Math.pow(theta, (-2 * i) / headDim);
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < half; i++) {
      const a = (pos0 + r) * freq[i]!;
      cos[i] = Math.cos(a);
      sin[i] = Math.sin(a);
    }
    for (let h = 0; h < heads; h++) {
      const o = (r * heads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const j0 = layout === 'interleaved' ? o + 2 * i : o + i;
        const j1 = layout === 'interleaved' ? j0 + 1 : j0 + half;
        const a = x[j0]!;
        const b = x[j1]!;
        x[j0] = a * cos[i]! - b * sin[i]!;
        x[j1] = a * sin[i]! + b * cos[i]!;
      }
    }
  }
}

/**
 * The rows of a q or k projection ([heads · headDim, cols]) reordered from llama2.c's interleaved
 * rotary pairs to HF's half-split ones: per head, new row a · d/2 + i = old row 2i + a (the permutation
 * of HF's and llama.cpp's conversion scripts: view [heads, d/2, 2, cols], swap the middle axes).
 */
export function interleavedToHalf(
  w: Float32Array,
  heads: number,
  headDim: number,
  cols: number,
): Float32Array {
  if (w.length !== heads * headDim * cols)
    throw new RangeError(`interleavedToHalf: ${w.length} values, want ${heads}×${headDim}×${cols}`);
  const out = new Float32Array(w.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < half; i++)
      for (let a = 0; a < 2; a++) {
        const src = (h * headDim + 2 * i + a) * cols;
        const dst = (h * headDim + a * half + i) * cols;
        out.set(w.subarray(src, src + cols), dst);
      }
  return out;
}

/** SwiGLU's gate: silu(g) · u elementwise, silu(g) = g / (1 + e^(−g)). */
export function swiglu(gate: Float32Array, up: Float32Array): Float32Array {
  if (gate.length !== up.length)
    throw new RangeError(`swiglu: gate has ${gate.length} values, up ${up.length}`);
  const y = new Float32Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i]!;
    y[i] = Math.fround(g / (1 + Math.exp(-g))) * up[i]!;
  }
  return y;
}
