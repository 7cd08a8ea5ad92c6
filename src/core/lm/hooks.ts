// What a compression does inside the forward pass, as hooks that llama.ts calls: a replacement of
// each block projection's matmul (W8A8 with calibrated per-tensor activation ranges; LLM.int8()'s
// outlier decomposition), an observer of each projection's input (for calibration), and the
// rounding of keys and values as they enter the cache. Every rounding is symmetric, codes round half
// to even and clamp to ±qmax, scales absmax / qmax in float32 (the ONNX convention of core/quant).
import { roundHalfEven } from '../quant/intquant.ts';
import { linear } from './ops.ts';

/**
 * y[rows, out] for x[rows, in] through the projection whose weight (HF name, e.g.
 * `model.layers.0.self_attn.q_proj.weight`) is w [out, in]; the plain path is `linear`.
 */
export type ProjectHook = (
  name: string,
  x: Float32Array,
  w: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
) => Float32Array;

/** Sees each projection's input x [rows, in] before the matmul (calibration). */
export type ObserveHook = (name: string, x: Float32Array, rows: number, inDim: number) => void;

export interface LlamaHooks {
  project?: ProjectHook;
  observe?: ObserveHook;
  /** Keys (after the rotary embedding) and values rounded per token and kv-head when cached. */
  kvCache?: 'int8' | 'int4' | null;
}

/** The largest code of a symmetric signed format (the range without −2^(b−1)). */
export const KV_QMAX = { int8: 127, int4: 7 } as const;

/**
 * Rounds x in place in runs of `run` consecutive values (a token's head, a weight's row): per run,
 * scale = absmax / qmax in float32, codes round(x / scale) half to even clamped to ±qmax, x = code ·
 * scale. A run of zeros stays zero. `skip` marks positions left out of both the absmax and the
 * rounding (LLM.int8()'s outlier columns), indexed by position within the run.
 */
export function roundRuns(x: Float32Array, run: number, qmax: number, skip?: Uint8Array): void {
  for (let o = 0; o < x.length; o += run) {
    let m = 0;
    for (let i = 0; i < run; i++) {
      if (skip?.[i]) continue;
      const a = Math.abs(x[o + i]!);
      if (a > m) m = a;
    }
    const s = Math.fround(m / qmax);
    for (let i = 0; i < run; i++) {
      if (skip?.[i]) continue;
      x[o + i] = s > 0 ? clampCode(roundHalfEven(Math.fround(x[o + i]! / s)), qmax) * s : 0;
    }
  }
}

const clampCode = (q: number, qmax: number) => (q > qmax ? qmax : q < -qmax ? -qmax : q);

/** x through int8 per tensor with a fixed threshold T (scale T / 127): a new array. */
export function fakeQuantInt8(x: Float32Array, threshold: number): Float32Array {
  const s = Math.fround(threshold / 127);
  const y = new Float32Array(x.length);
  if (!(s > 0)) return y;
  for (let i = 0; i < x.length; i++)
    y[i] = clampCode(roundHalfEven(Math.fround(x[i]! / s)), 127) * s;
  return y;
}

/**
 * W8A8: each projection's input through int8 per tensor at its calibrated threshold, times its
 * weight int8 per output row (computed once per weight). A projection without a threshold is an
 * error: the calibration must have seen every projection the forward pass runs.
 */
export function w8a8Projection(thresholds: ReadonlyMap<string, number>): ProjectHook {
  const weights = new Map<string, { src: Float32Array; q: Float32Array }>();
  return (name, x, w, rows, inDim, outDim) => {
    const t = thresholds.get(name);
    if (t === undefined) throw new Error(`W8A8: no calibrated range for ${name}`);
    let wq = weights.get(name);
    if (!wq || wq.src !== w) {
      const q = w.slice();
      roundRuns(q, inDim, 127);
      weights.set(name, (wq = { src: w, q }));
    }
    return linear(fakeQuantInt8(x, t), wq.q, rows, inDim, outDim);
  };
}

/** Of each projection, how many input features were kept in float over how many seen. */
export interface OutlierCounts {
  byProjection: Map<string, { kept: number; features: number }>;
  kept: number;
  features: number;
}

/**
 * LLM.int8() (Dettmers et al. 2022) on each projection call: the input features (columns) where any
 * row has |x| ≥ threshold stay float, with the matching weight columns; the other columns are x int8
 * per row (absmax over them / 127) times W int8 per output row (absmax over them / 127). The two
 * products are summed, here as one matmul of the mixed matrices (outlier columns float, the rest
 * dequantized). In teacher forcing a call is a whole window, so a feature is kept for all of its
 * tokens when any of them reaches the threshold (the paper's batch rule); in generation, per token.
 */
export function llmInt8Projection(threshold: number): {
  project: ProjectHook;
  counts: OutlierCounts;
} {
  if (!(threshold > 0))
    throw new Error(`the LLM.int8() threshold must be positive, not ${threshold}`);
  const counts: OutlierCounts = { byProjection: new Map(), kept: 0, features: 0 };
  // The mixed weight of each projection for its last outlier set (generation repeats sets).
  const last = new Map<string, { src: Float32Array; key: string; w: Float32Array }>();
  const project: ProjectHook = (name, x, w, rows, inDim, outDim) => {
    const outlier = new Uint8Array(inDim);
    const cols: number[] = [];
    for (let c = 0; c < inDim; c++)
      for (let r = 0; r < rows; r++)
        if (Math.abs(x[r * inDim + c]!) >= threshold) {
          outlier[c] = 1;
          cols.push(c);
          break;
        }
    const n = counts.byProjection.get(name) ?? { kept: 0, features: 0 };
    n.kept += cols.length;
    n.features += inDim;
    counts.byProjection.set(name, n);
    counts.kept += cols.length;
    counts.features += inDim;
    const key = cols.join(',');
    let m = last.get(name);
    if (!m || m.src !== w || m.key !== key) {
      const wm = w.slice();
      roundRuns(wm, inDim, 127, outlier);
      last.set(name, (m = { src: w, key, w: wm }));
    }
    const xm = x.slice();
    roundRuns(xm, inDim, 127, outlier);
    return linear(xm, m.w, rows, inDim, outDim);
  };
  return { project, counts };
}

/**
 * An observer keeping, per projection, what calibration needs of each call's input: the values
 * themselves (`all`), or only the extremes ±max |x| (min-max and EMA read nothing else).
 */
export function activationRecorder(keep: 'all' | 'extremes'): {
  observe: ObserveHook;
  batches: Map<string, Float32Array[]>;
} {
  const batches = new Map<string, Float32Array[]>();
  const observe: ObserveHook = (name, x) => {
    let b = batches.get(name);
    if (!b) batches.set(name, (b = []));
    if (keep === 'all') {
      b.push(x.slice());
      return;
    }
    let m = 0;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a > m) m = a;
    }
    b.push(Float32Array.of(m, -m));
  };
  return { observe, batches };
}
