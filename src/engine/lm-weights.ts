// The weights of a compressed language model: every matrix through the compression's weight parts
// (pruning, low rank, quantization, in that order), each tensor in turn with a cancel check between.
// Pruning and low rank touch the 7 projections of each block only (q, k, v, o, gate, up, down): the
// embedding (and a separate classifier) is a lookup table of token rows, where a zeroed or
// rank-reduced row removes a token rather than a connection, so only quantization reaches it.
import { llamaTensors } from '../core/lm/config.ts';
import { lowRank, svdInSteps, type Svd } from '../core/lowrank/svd.ts';
import { magnitudeMask, nmMask, zeroCount } from '../core/prune/prune.ts';
import { quantize } from '../core/quant/quant.ts';
import type { LmCompression } from './lm-compression.ts';
import type { LanguageModel } from './lm.ts';
import { checkpoint, fitSpec } from './quantize.ts';

/** What the weight parts did, for display. */
export interface WeightCounts {
  /** Parameters of the projections (what pruning and low rank act on), as stored. */
  projectionParams: number;
  /** Fraction of the projections' weights the pruning mask removed (before low rank); null: off. */
  sparsity: number | null;
  /** Parameters of the projections stored as low-rank factors, Σ r·(out + in); null: off. */
  lowRankParams: number | null;
  /**
   * Bits per weight of the quantized matrices (projections, embedding, classifier), weighted by
   * their sizes, dense (a pruned weight still takes its slot); null: no quantization.
   */
  bitsPerWeight: number | null;
}

/** The weights by tensor name (norms as they are), with what was done to them. */
export type CompressedWeights = Map<string, Float32Array> & { counts: WeightCounts };

/** A projection: pruned and low-ranked, unlike the embedding and the norms. */
export const isProjection = (name: string): boolean =>
  /\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$/.test(name);

/** The rank kept of an [out, in] matrix: ⌈fraction · min(out, in)⌉, at least 1. */
export function keptRank(fraction: number, out: number, inp: number): number {
  if (!(fraction > 0 && fraction <= 1))
    throw new Error(`the low-rank fraction must be in (0, 1], not ${fraction}`);
  return Math.max(1, Math.ceil(fraction * Math.min(out, inp)));
}

/**
 * The projection pruned as the compression says: by magnitude to `sparsity` within the tensor
 * (magnitudeMask's tie rule: equal magnitudes go in index order), or 2:4 along the input dimension
 * of HF's [out, in] layout (of every 4 consecutive inputs of a row, the 2 largest |w| stay).
 */
export function prunedProjection(
  x: Float32Array,
  shape: readonly number[],
  prune: NonNullable<LmCompression['prune']>,
): { w: Float32Array; zeros: number } {
  const mask =
    prune.method === '2:4' ? nmMask(x, shape[1]!, 2, 4) : magnitudeMask(x, checkSparsity(prune));
  const w = x.slice();
  for (let i = 0; i < w.length; i++) if (!mask[i]) w[i] = 0;
  return { w, zeros: zeroCount(mask) };
}

function checkSparsity(p: { sparsity: number }): number {
  if (!(p.sparsity >= 0 && p.sparsity < 1))
    throw new Error(`the pruning sparsity must be in [0, 1), not ${p.sparsity}`);
  return p.sparsity;
}

// SVDs are the slow part (seconds for a large projection): kept per open model, per tensor and per
// pruning that came before (the SVD of a pruned matrix is another SVD). The model object lives as
// long as the session keeps it open (session.memo), and its SVDs go with it.
const svds = new WeakMap<LanguageModel, Map<string, Promise<Svd>>>();

async function svdOf(
  lm: LanguageModel,
  key: string,
  w: Float32Array,
  shape: readonly number[],
  signal?: AbortSignal,
): Promise<Svd> {
  let m = svds.get(lm);
  if (!m) svds.set(lm, (m = new Map()));
  const had = m.get(key);
  if (had) {
    try {
      return await had;
    } catch (e) {
      // Another caller's decomposition was cancelled: this one, not cancelled, starts its own.
      if (signal?.aborted) throw e;
    }
  }
  const p = svdInSteps(w, shape[0]!, shape[1]!, () => checkpoint(signal));
  m.set(key, p);
  // A cancelled (or failed) decomposition is not kept: the next call starts it again.
  p.catch(() => m.get(key) === p && m.delete(key));
  return p;
}

const pruneKey = (p: LmCompression['prune']): string =>
  p === null ? 'dense' : p.method === '2:4' ? '2:4' : `magnitude:${p.sparsity}`;

/**
 * Every matrix through the compression's weight parts and back to float32: projections pruned, then
 * replaced by their rank-r approximation, then quantized; the embedding (and classifier) quantized
 * only; norms kept.
 */
export async function compressedWeights(
  lm: LanguageModel,
  c: LmCompression,
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void,
): Promise<CompressedWeights> {
  const out = new Map(lm.weights) as CompressedWeights;
  const matrices = llamaTensors(lm.cfg).filter((t) => t.shape.length >= 2);
  let projectionParams = 0;
  let zeros = 0;
  let lowRankParams = 0;
  let bits = 0;
  let quantized = 0;
  for (const [i, t] of matrices.entries()) {
    await checkpoint(signal);
    let x = lm.weights.get(t.name)!;
    if (isProjection(t.name)) {
      const [rows, cols] = t.shape as [number, number];
      projectionParams += x.length;
      if (c.prune) {
        const p = prunedProjection(x, t.shape, c.prune);
        x = p.w;
        zeros += p.zeros;
      }
      if (c.lowRank) {
        const r = keptRank(c.lowRank.fraction, rows, cols);
        const d = await svdOf(lm, `${t.name}|${pruneKey(c.prune)}`, x, t.shape, signal);
        x = lowRank(d, r);
        lowRankParams += r * (rows + cols);
      }
    }
    if (c.weights) {
      const q = quantize(x, t.shape, fitSpec(c.weights, t.shape).spec);
      x = q.xq!;
      bits += q.bitsPerWeight * x.length;
      quantized += x.length;
    }
    out.set(t.name, x);
    onProgress?.((i + 1) / matrices.length);
  }
  out.counts = {
    projectionParams,
    sparsity: c.prune ? zeros / projectionParams : null,
    lowRankParams: c.lowRank ? lowRankParams : null,
    bitsPerWeight: c.weights ? bits / quantized : null,
  };
  return out;
}
