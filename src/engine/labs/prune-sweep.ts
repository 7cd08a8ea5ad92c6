// Accuracy against sparsity for each pruning method, optionally fine-tuned with the masks held.
import { zeroCount } from '../../core/prune/prune.ts';
import type { Params } from '../../core/nn/layer.ts';
import type { Net } from '../../core/nn/network.ts';
import { evaluateLogits } from '../../models/evaluate.ts';
import { splitDigits, testBatch, type Digits } from '../../models/mnist.ts';
import { cpuRunner, runnerFor, type NetRunner } from '../../models/runner.ts';
import { train } from '../../models/train.ts';
import {
  applyLabMasks,
  channelPrunable,
  labMasks,
  trainingMasks,
  type LabMethod,
} from './prune-masks.ts';

export interface SweepPoint {
  method: string;
  sparsity: number;
  accuracy: number;
  /** After fine-tuning with the masks held (null when not asked for). */
  tuned: number | null;
}

/**
 * The methods a sweep runs, in order: at each sparsity magnitude per layer, one global threshold
 * and (where the network is a plain chain that can lose channels) L1 channels; then the three N:M
 * patterns at their own sparsity. These are the pruning lab's menu, every one of them.
 */
export function sweepMethods(net: Net, sparsities: readonly number[]): LabMethod[] {
  const channels = channelPrunable(net);
  const methods: LabMethod[] = [];
  for (const s of sparsities) {
    methods.push({ kind: 'magnitude', sparsity: s }, { kind: 'global', sparsity: s });
    if (channels) methods.push({ kind: 'channel', sparsity: s });
  }
  methods.push({ kind: 'nm', n: 2, m: 4 }, { kind: 'nm', n: 1, m: 4 }, { kind: 'nm', n: 4, m: 8 });
  return methods;
}

/** The name a method's points carry in the sweep (one colour per name in the chart). */
export function sweepFamily(m: LabMethod): string {
  switch (m.kind) {
    case 'magnitude':
      return 'magnitude per layer';
    case 'global':
      return 'global magnitude';
    case 'channel':
      return 'L1 channels';
    case 'nm':
      return `${m.n}:${m.m}`;
  }
}

/** Accuracy against sparsity for each method (N:M at its fixed sparsity), optionally fine-tuned. */
export async function sparsitySweep(
  net: Net,
  p: Params,
  d: Digits,
  o: {
    sparsities: readonly number[];
    fineTune: boolean;
    runner?: NetRunner | undefined;
    tick?: ((fraction: number) => Promise<void>) | undefined;
  },
): Promise<SweepPoint[]> {
  const runner = runnerFor(o.runner ?? cpuRunner, net);
  const t = testBatch(d);
  const methods = sweepMethods(net, o.sparsities);
  const out: SweepPoint[] = [];
  for (const [i, m] of methods.entries()) {
    const masks = labMasks(net, p, m);
    const q = applyLabMasks(p, masks);
    const acc = evaluateLogits(await runner.logits(net, q, t.x, t.n), t.y, 10).accuracy;
    let tuned: number | null = null;
    if (o.fineTune) {
      const fm = trainingMasks(masks);
      const trainer = runner.trainer?.(net, q, fm);
      try {
        await train(net, q, d, splitDigits(d).train, {
          epochs: 1,
          batch: 64,
          lr: 2e-3,
          seed: 5,
          shift: 1,
          masks: fm,
          trainer,
          tick: async (f) => o.tick?.((i + f) / methods.length),
        });
      } finally {
        trainer?.destroy();
      }
      tuned = evaluateLogits(await runner.logits(net, q, t.x, t.n), t.y, 10).accuracy;
    }
    const family = sweepFamily(m);
    const total = [...masks.values()].reduce((a, x) => a + x.length, 0);
    const zeros = [...masks.values()].reduce((a, x) => a + zeroCount(x), 0);
    out.push({ method: family, sparsity: zeros / total, accuracy: acc, tuned });
    await o.tick?.((i + 1) / methods.length);
  }
  return out;
}
