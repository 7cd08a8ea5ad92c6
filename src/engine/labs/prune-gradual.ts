// Gradual magnitude pruning with the cubic schedule and fine-tuning between steps, against one-shot
// pruning to the same sparsity.
import { cubicSparsity, magnitudeMask } from '../../core/prune/prune.ts';
import type { Params } from '../../core/nn/layer.ts';
import { weightLayers, type Net } from '../../core/nn/network.ts';
import { logitsUntil } from '../../models/runner.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { splitDigits, testBatch, type Digits } from '../../models/mnist.ts';
import { train } from '../../models/train.ts';
import { applyLabMasks, labMasks } from './prune-masks.ts';

export interface GradualResult {
  /** Sparsity and test accuracy after each epoch. */
  curve: Array<{ epoch: number; sparsity: number; accuracy: number }>;
  final: Evaluation;
  oneShot: Evaluation;
}

/**
 * Gradual magnitude pruning with the cubic schedule: over `epochs` of fine-tuning, masks are
 * recomputed every `every` steps up to `final` sparsity (reached at 3/4 of the run), each layer
 * pruned to the scheduled fraction by |w|; against one-shot pruning to `final` without training.
 */
export async function gradualPrune(
  net: Net,
  p0: Params,
  d: Digits,
  o: {
    final: number;
    epochs: number;
    every: number;
    tick?: ((fraction: number) => Promise<void>) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<GradualResult> {
  const t = testBatch(d);
  const logitsOf = (net: Net, p: Params, x: Float32Array, B: number) =>
    logitsUntil(o.signal, net, p, x, B);
  const reference = await logitsOf(net, p0, t.x, t.n);
  const oneShot = evaluateLogits(
    await logitsOf(
      net,
      applyLabMasks(p0, labMasks(net, p0, { kind: 'magnitude', sparsity: o.final })),
      t.x,
      t.n,
    ),
    t.y,
    10,
    reference,
  );
  const p: Params = {};
  for (const [k, v] of Object.entries(p0)) p[k] = Float32Array.from(v);
  const { train: idx } = splitDigits(d);
  const perEpoch = Math.floor(idx.length / 64);
  const steps = o.epochs * perEpoch;
  // A short run (a quick lab on few digits) updates the masks more often, so that the final
  // sparsity is still reached at three quarters of it; a full run keeps `every`.
  const every = Math.max(1, Math.min(o.every, Math.floor(0.75 * steps)));
  const n = Math.max(1, Math.floor((0.75 * steps) / every));
  const schedule = { initial: 0, final: o.final, start: 0, every, n };
  const masks: Params = {};
  const layers = weightLayers(net);
  for (const l of layers) masks[`${l.name}.weight`] = new Float32Array(l.rows * l.cols).fill(1);
  let current = -1;
  const curve: GradualResult['curve'] = [];
  await train(net, p, d, idx, {
    epochs: o.epochs,
    batch: 64,
    lr: 1e-3,
    seed: 9,
    shift: 1,
    masks,
    beforeStep: (step) => {
      const s = cubicSparsity(step, schedule);
      if (s === current) return;
      current = s;
      for (const l of layers) {
        const name = `${l.name}.weight`;
        const m = magnitudeMask(p[name]!, s);
        masks[name]!.set(m);
      }
    },
    tick: o.tick,
    onEpoch: async ({ epoch }) => {
      const logits = await logitsOf(net, p, t.x, t.n);
      curve.push({
        epoch: epoch + 1,
        sparsity: current,
        accuracy: evaluateLogits(logits, t.y, 10).accuracy,
      });
    },
  });
  const final = evaluateLogits(await logitsOf(net, p, t.x, t.n), t.y, 10, reference);
  return { curve, final, oneShot };
}
