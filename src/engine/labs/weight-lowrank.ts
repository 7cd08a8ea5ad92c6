// Low rank on any model's own weights: each Linear weight [out, in] (and each convolution as the
// matrix [out, in·kh·kw]) decomposed by SVD, one tensor at a time, with the rank that keeps a share
// of Σσ², the parameters of its two factors and the relative error ‖W − W_k‖ / ‖W‖. No forward
// pass: a model that does not run in the tab has no accuracy to show.
import { rankForEnergy, svdInSteps, truncationError, type Svd } from '../../core/lowrank/svd.ts';
import { matmulWeights } from '../../core/perf/matmul-weights.ts';
import type { JobContext } from '../jobs/context.ts';
import { checkpoint } from '../quantize.ts';
import type { Session } from '../session.ts';

/**
 * The largest weight decomposed here: the one-sided Jacobi SVD in JavaScript takes seconds at
 * 512 × 512 (about n³ operations a sweep, a few sweeps) and minutes past it.
 */
export const MAX_SVD_SIDE = 512;
const MAX_SVD_VALUES = 1 << 19;

export interface WeightRank {
  name: string;
  shape: number[];
  rank: number;
  fullRank: number;
  /** Parameters as one [out, in] matrix, and as two factors [out, k] · [k, in]. */
  params: number;
  factoredParams: number;
  /** ‖W − W_k‖_F / ‖W‖_F = √(Σ of the discarded σ²) / √(Σσ²). */
  relativeError: number;
  /** The singular values, descending (at most 256 of them, for the chart). */
  spectrum: number[];
}

export interface WeightRanks {
  energy: number;
  layers: WeightRank[];
  skipped: Array<{ name: string; why: string }>;
}

/** The rank keeping `energy` of Σσ², where factoring saves parameters (else the whole weight). */
export function rankReport(name: string, shape: number[], d: Svd, energy: number): WeightRank {
  const [out, inp] = [d.m, d.n];
  const k = rankForEnergy(d.s, energy);
  const factored = k * (out + inp);
  const worth = factored < out * inp;
  const total = Math.sqrt(d.s.reduce((a, v) => a + v * v, 0));
  const err = worth ? truncationError(d.s, k) : 0;
  return {
    name,
    shape,
    rank: worth ? k : d.r,
    fullRank: d.r,
    params: out * inp,
    factoredParams: worth ? factored : out * inp,
    relativeError: total ? err / total : 0,
    spectrum: Array.from(d.s.subarray(0, 256)),
  };
}

export async function weightRanks(
  session: Session,
  modelId: string,
  energy: number,
  ctx: Pick<JobContext, 'signal' | 'tick'>,
): Promise<WeightRanks> {
  const { weights, skipped } = matmulWeights(session.weights(modelId));
  const fits = weights.filter(
    (w) => Math.min(w.rows, w.cols) <= MAX_SVD_SIDE && w.rows * w.cols <= MAX_SVD_VALUES,
  );
  for (const w of weights)
    if (!fits.includes(w))
      skipped.push({
        name: w.name,
        why: `[${w.rows}, ${w.cols}] is past the ${MAX_SVD_SIDE}-wide SVD this tab runs in seconds`,
      });
  if (!fits.length)
    throw new Error(
      `no Linear or convolution weight small enough for the SVD here (at most ${MAX_SVD_SIDE} on its shorter side)`,
    );
  // Decompositions are kept while the model is open: another share of Σσ² needs no new SVD.
  const memo = session.memo(modelId, 'weight-svd', () => new Map<string, Svd>());
  const layers: WeightRank[] = [];
  for (const [i, w] of fits.entries()) {
    await ctx.tick(i / fits.length);
    let d = memo.get(w.name);
    if (!d) {
      d = await session.withTensor(modelId, w.name, (x) =>
        svdInSteps(x, w.rows, w.cols, () => checkpoint(ctx.signal)),
      );
      memo.set(w.name, d);
    }
    layers.push(rankReport(w.name, w.shape, d, energy));
  }
  await ctx.tick(1);
  return { energy, layers, skipped };
}
