// Jobs on a demo model Slimlab can run (the MNIST networks): accuracy of quantized variants, PTQ
// against QAT, low rank, calibration, pruning, distillation and the measured forward pass.
import { checkpoint, type QuantSpec } from '../quantize.ts';
import { compareQat, evaluateLowRank, evaluateVariants } from '../labs/variants.ts';
import { comparePtq, studyLayers, type StudyOptions } from '../labs/calibration.ts';
import {
  distill,
  pruneAndFineTune,
  type DistillPoint,
  type PruneMethod,
} from '../labs/finetune.ts';
import { gradualPrune } from '../labs/prune-gradual.ts';
import type { LabMethod } from '../labs/prune-masks.ts';
import { studyPruning } from '../labs/prune-study.ts';
import { sparsitySweep } from '../labs/prune-sweep.ts';
import { svdInSteps, type Svd } from '../../core/lowrank/svd.ts';
import { batchOf, splitDigits, subsetDigits, type Digits } from '../../models/mnist.ts';
import { runnerFor, untilAborted } from '../../models/runner.ts';
import { networkWork, type Deployment } from '../../models/work.ts';
import { job, type EngineEnv } from './context.ts';

/** What a person chooses for a distillation run. */
export interface DistillRequest {
  student: string;
  temperature: number;
  alpha: number;
  epochs: number;
}

/** The variants evaluated next to the original: the chosen spec, then int8, int4 and int2. */
export function evaluationLineup(spec: QuantSpec): Array<{ label: string; spec: QuantSpec }> {
  const int = (bits: number) => ({
    ...spec,
    format: 'int' as const,
    bits,
    rounding: 'nearest' as const,
  });
  return [
    { label: 'this scheme', spec },
    { label: 'int8', spec: int(8) },
    { label: 'int4', spec: int(4) },
    { label: 'int2', spec: int(2) },
  ];
}

/** How many of the shipped digits a lab uses (all when absent): fewer make a quick run. */
export interface LabSize {
  digits?: number;
}

async function labDigits(env: EngineEnv, r: LabSize): Promise<Digits> {
  const d = await env.digits();
  return r.digits ? subsetDigits(d, r.digits) : d;
}

export const demoJobs = {
  /** The demo model on the test digits, as it is and with its weights through `spec`, int8/4/2. */
  evaluate: job(async (env, r: LabSize & { modelId: string; spec: QuantSpec }, ctx) => {
    const { arch, params } = await env.session.runnable(r.modelId);
    return evaluateVariants(arch, params, await labDigits(env, r), evaluationLineup(r.spec), {
      runner: untilAborted(env.backend().net, ctx.signal),
      onProgress: ctx.onProgress,
      signal: ctx.signal,
    });
  }),

  /** PTQ against QAT (weights and activations) at 8, 4 and 2 bits. */
  compareQat: job(async (env, r: LabSize & { modelId: string; epochs: number }, ctx) => {
    const { arch, params } = await env.session.runnable(r.modelId);
    return compareQat(arch, params, await labDigits(env, r), [8, 4, 2], {
      epochs: r.epochs,
      tick: ctx.tick,
      signal: ctx.signal,
    });
  }),

  /** Every weight at the rank keeping `energy` of its Σσ² (the sum of squared singular values). */
  lowRank: job(
    async (env, r: LabSize & { modelId: string; energy: number; epochs: number }, ctx) => {
      const { arch, params } = await env.session.runnable(r.modelId);
      const memo = env.session.memo(r.modelId, 'svd', () => new Map<string, Svd>());
      return evaluateLowRank(
        arch,
        params,
        await labDigits(env, r),
        r.energy,
        async (name, w, shape) => {
          let d = memo.get(name);
          if (!d) {
            d = await svdInSteps(w, shape[0]!, shape[1]!, () => checkpoint(ctx.signal));
            memo.set(name, d);
          }
          return d;
        },
        untilAborted(env.backend().net, ctx.signal),
        { epochs: r.epochs, tick: ctx.tick },
      );
    },
  ),

  /** Every calibration method on each weight layer's input activations. */
  calibrationStudy: job(async (env, r: LabSize & { modelId: string; o: StudyOptions }, ctx) => {
    const { net, params } = await env.session.runnable(r.modelId);
    return studyLayers(
      net,
      params,
      await labDigits(env, r),
      r.o,
      env.backend().absHistogram,
      ctx.tick,
    );
  }),

  /** PTQ variants (weight-only, dynamic, static with each calibration method). */
  comparePtq: job(async (env, r: LabSize & { modelId: string; o: StudyOptions }, ctx) => {
    const { net, params } = await env.session.runnable(r.modelId);
    return comparePtq(net, params, await labDigits(env, r), r.o, ctx.tick, ctx.signal);
  }),

  /** Prunes the weights and fine-tunes with the masks held fixed. */
  pruneFineTune: job(
    async (env, r: LabSize & { modelId: string; method: PruneMethod; epochs: number }, ctx) => {
      const { net, params } = await env.session.runnable(r.modelId);
      return pruneAndFineTune(net, params, await labDigits(env, r), {
        method: r.method,
        epochs: r.epochs,
        runner: untilAborted(env.backend().net, ctx.signal),
        lr: 2e-3,
        seed: 5,
        tick: ctx.tick,
      });
    },
  ),

  /** Distils into a small student, next to the student trained on labels alone; epochs as updates. */
  distill: job<
    LabSize & { modelId: string; o: DistillRequest },
    Awaited<ReturnType<typeof distill>>,
    DistillPoint
  >(async (env, r, ctx) => {
    const { net, params } = await env.session.runnable(r.modelId);
    return distill(net, params, await labDigits(env, r), {
      ...r.o,
      lr: 2e-3,
      seed: 3,
      tick: ctx.tick,
      signal: ctx.signal,
      onPoint: ctx.update,
    });
  }),

  /** The forward pass of a batch of test digits timed here: after a warm-up, the best of three. */
  measureLatency: job(async (env, r: LabSize & { modelId: string; batch: number }, ctx) => {
    const { net, params } = await env.session.runnable(r.modelId);
    const digits = await labDigits(env, r);
    const { test } = splitDigits(digits);
    const n = Math.max(1, Math.min(r.batch, test.length));
    const { x } = batchOf(digits, test.subarray(0, n));
    // The plain runner: slices with a cancel check between them would add their pauses to the time.
    const runner = runnerFor(env.backend().net, net);
    await runner.logits(net, params, x, n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      await ctx.tick((i + 1) / 4);
      const t0 = performance.now();
      await runner.logits(net, params, x, n);
      best = Math.min(best, performance.now() - t0);
    }
    return { ms: best, on: runner.on, batch: n };
  }),

  /** Per-digit work of each layer under a deployment, for the latency model. */
  modelWork: job(async (env, r: { modelId: string; deployment: Deployment }) => {
    const { net } = await env.session.runnable(r.modelId);
    return networkWork(net, r.deployment);
  }),

  /** The pruning lab: masks by method, their accounting and the pruned model's accuracy. */
  pruneStudy: job(async (env, r: LabSize & { modelId: string; method: LabMethod }, ctx) => {
    const { net, params } = await env.session.runnable(r.modelId);
    const digits = await labDigits(env, r);
    ctx.signal.throwIfAborted();
    return studyPruning(net, params, digits, r.method, untilAborted(env.backend().net, ctx.signal));
  }),

  /** Accuracy against sparsity for each pruning method, optionally fine-tuned one epoch each. */
  pruneSweep: job(
    async (env, r: LabSize & { modelId: string; sparsities: number[]; fineTune: boolean }, ctx) => {
      const { net, params } = await env.session.runnable(r.modelId);
      return sparsitySweep(net, params, await labDigits(env, r), {
        sparsities: r.sparsities,
        fineTune: r.fineTune,
        runner: untilAborted(env.backend().net, ctx.signal),
        tick: ctx.tick,
      });
    },
  ),

  /** Gradual (cubic) magnitude pruning with fine-tuning, against one-shot pruning. */
  gradualPrune: job(
    async (env, r: LabSize & { modelId: string; final: number; epochs: number }, ctx) => {
      const { net, params } = await env.session.runnable(r.modelId);
      return gradualPrune(net, params, await labDigits(env, r), {
        final: r.final,
        epochs: r.epochs,
        every: 25,
        tick: ctx.tick,
        signal: ctx.signal,
      });
    },
  ),
};
