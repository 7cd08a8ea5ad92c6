// The pruning lab on any model's own weights (a dropped file, a demo that does not run in the tab,
// a language model): the lab's methods on every Linear and convolution weight, read one tensor at a
// time, with the masks, histograms, storage and relative weight error per layer; accuracy needs a
// forward pass, so the error ‖W − Ŵ‖ / ‖W‖ stands in for it. The masks are those of `slimlab prune`
// (engine/prune-weights.ts): N:M runs along the input axis (axis 1), as 2:4 hardware groups it.
import { zeroCount } from '../../core/prune/prune.ts';
import { FP32, networkWork } from '../../models/work.ts';
import type { JobContext } from '../jobs/context.ts';
import { globalCut, pruneMask, type GlobalCut, type PruneRule } from '../prune-weights.ts';
import type { Session } from '../session.ts';
import { is24, methodLabel, type LabMethod } from './prune-masks.ts';
import {
  addStorage,
  heatmap,
  histograms,
  pruneError,
  storageRows,
  type LayerReport,
  type StorageSums,
  type WeightStudy,
} from './prune-study.ts';
import { matmulWeights } from '../../core/perf/matmul-weights.ts';
import { weightNet } from './weight-net.ts';

/** A study of the file's weights: which were left out of it, and why. */
export interface WeightPruneStudy extends WeightStudy {
  skipped: Array<{ name: string; why: string }>;
}

/** The rule `slimlab prune` applies for a lab method (N:M along the input axis). */
export function ruleOf(m: LabMethod): PruneRule {
  switch (m.kind) {
    case 'magnitude':
      return { kind: 'magnitude', sparsity: m.sparsity };
    case 'global':
      return { kind: 'global-magnitude', sparsity: m.sparsity };
    case 'nm':
      return { kind: 'nm', n: m.n, m: m.m, axis: 1 };
    case 'channel':
      return { kind: 'channel-l1', sparsity: m.sparsity };
  }
}

export async function studyWeightPruning(
  session: Session,
  modelId: string,
  method: LabMethod,
  ctx: Pick<JobContext, 'signal' | 'tick'>,
): Promise<WeightPruneStudy> {
  const { weights, skipped } = matmulWeights(session.weights(modelId));
  if (!weights.length)
    throw new Error(
      'this model has no Linear (2-D) or convolution (4-D) float weights to prune' +
        (skipped.length ? ` (left out: ${skipped.map((s) => s.name).join(', ')})` : ''),
    );
  const byName = new Map(session.weights(modelId).map((t) => [t.name, t]));
  const infos = weights.map((w) => byName.get(w.name)!);
  const rule = ruleOf(method);
  let cut: (GlobalCut & { ties: number }) | undefined;
  if (rule.kind === 'global-magnitude') {
    const c = await globalCut(session, modelId, infos, rule.sparsity, ctx);
    cut = { ...c, ties: c.atThreshold };
  }
  const layers: LayerReport[] = [];
  const storage: StorageSums = new Map();
  const keptRows = new Map<string, number>();
  let total = 0;
  let zeros = 0;
  let err = 0;
  let norm = 0;
  for (const [i, w] of weights.entries()) {
    await ctx.tick(i / weights.length);
    await session.withTensor(modelId, w.name, async (x) => {
      const mask = pruneMask(x, w.shape, rule, cut);
      const z = zeroCount(mask);
      const e = pruneError(x, mask);
      total += mask.length;
      zeros += z;
      err += e.err;
      norm += e.norm;
      layers.push({
        name: w.name,
        shape: w.shape,
        params: mask.length,
        sparsity: z / mask.length,
        relativeError: e.norm ? Math.sqrt(e.err / e.norm) : 0,
        heatmap: heatmap(mask, w.rows, w.cols),
        histogram: histograms(x, mask),
      });
      // 2:4 groups run along axis 1 (the input channels): the compressed format needs them whole.
      addStorage(storage, w.rows, w.cols, mask.length - z, is24(method), w.shape[1]! % 4 === 0);
      if (method.kind === 'channel') keptRows.set(w.name, w.rows - z / w.cols);
      return Promise.resolve();
    });
  }
  await ctx.tick(1);
  // Per token (and per output position of a convolution). Channel pruning makes each weight's
  // product thinner; the next layer's matching inputs would go too, which the shapes alone cannot
  // tell, so the estimate is the cautious one.
  const dense = weightNet(weights, 1);
  const work =
    method.kind === 'channel'
      ? networkWork(weightNet(weights, 1, keptRows), FP32)
      : networkWork(dense, {
          ...FP32,
          ...(is24(method) ? { sparse24: true } : { density: 1 - zeros / total }),
        });
  return {
    label: methodLabel(method).replace(' of each hidden layer', ' of each weight'),
    sparsity: zeros / total,
    relativeError: norm ? Math.sqrt(err / norm) : 0,
    layers,
    storage: storageRows(storage),
    params: total,
    work,
    denseWork: networkWork(dense, FP32),
    skipped,
  };
}
