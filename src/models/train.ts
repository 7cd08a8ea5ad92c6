// Training a demo network on the digits: Adam on seeded, shuffled (optionally shifted) mini-batches,
// a short linear warm-up and cosine decay. The same loop serves plain training, fine-tuning with
// pruning masks held fixed, QAT (forward through fake-quantized weights, straight-through) and
// distillation (a loss that also reads a teacher's logits).
import { adamState, adamStep, crossEntropy, type AdamState } from '../core/nn/nn.ts';
import type { Hooks, Params } from '../core/nn/layer.ts';
import { backward, forward, netParams, type Net } from '../core/nn/network.ts';
import { mulberry32, permutation } from '../core/base/rng.ts';
import { batchOf, shiftedBatch, type Digits } from './mnist.ts';
import type { NetTrainer } from './runner.ts';

interface LossTerms {
  loss: number;
  /** dL/dlogits. */
  grad: Float32Array;
  /** Named parts of the loss (e.g. soft and hard terms), for curves. */
  parts?: Record<string, number>;
}

/** A loss over a batch: its logits, labels and the dataset indices of its samples. */
type LossFn = (logits: Float32Array, labels: Uint8Array, idx: number[]) => LossTerms;

interface EpochStats {
  epoch: number;
  loss: number;
  parts: Record<string, number>;
}

export interface TrainOptions {
  epochs: number;
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Fraction of the steps spent warming up linearly (then a half cosine down to zero). */
  warmup?: number;
  seed: number;
  /** Random shifts of at most this many pixels (0: none). */
  shift: number;
  /** Decoupled weight decay (AdamW) on weights of rank ≥ 2. */
  weightDecay?: number;
  /** 0/1 masks by parameter name: those entries stay zero (fine-tuning after pruning). */
  masks?: Params | undefined;
  loss?: LossFn | undefined;
  /** Parameters the forward pass uses instead of p (e.g. fake-quantized), recomputed each step. */
  effective?: (p: Params) => Params;
  /** Forward hooks for each step (e.g. activation fake-quantization). */
  hooks?: Hooks;
  /**
   * Steps on a device instead (the GPU): cross-entropy only, with the masks it was made with; the
   * parameters come back into p at the end.
   */
  trainer?: NetTrainer | undefined;
  /** Called before each step with its number (e.g. to move pruning masks on a schedule). */
  beforeStep?: ((step: number) => void) | undefined;
  /** Awaited every few steps with the fraction done: progress, pause and cancel go here. */
  tick?: ((fraction: number) => Promise<void>) | undefined;
  /** After each epoch; return false to stop. */
  onEpoch?: (s: EpochStats) => boolean | void | Promise<boolean | void>;
}

export const crossEntropyLoss =
  (classes: number): LossFn =>
  (logits, labels) => {
    const { loss, grad } = crossEntropy(logits, labels.length, classes, labels);
    return { loss, grad };
  };

function learningRate(o: TrainOptions, step: number, steps: number): number {
  const warm = Math.floor((o.warmup ?? 0) * steps);
  if (step < warm) return (o.lr * (step + 1)) / warm;
  return o.lr * 0.5 * (1 + Math.cos((Math.PI * (step - warm)) / Math.max(1, steps - warm)));
}

export function applyMasks(p: Params, masks: Params | undefined): void {
  if (!masks) return;
  for (const [name, m] of Object.entries(masks)) {
    const w = p[name]!;
    for (let i = 0; i < w.length; i++) if (!m[i]) w[i] = 0;
  }
}

/** Longest stretch of training steps between two ticks (progress, and a chance to cancel). */
const TICK_MS = 20;

/** Trains `p` in place on the digits `train` (indices into d). */
export async function train(
  net: Net,
  p: Params,
  d: Digits,
  trainIdx: ArrayLike<number>,
  o: TrainOptions,
): Promise<void> {
  if (o.trainer && (o.loss || o.effective || o.hooks || o.beforeStep))
    throw new Error(
      'a device trainer takes plain cross-entropy steps with fixed masks only (no custom loss, hooks or moving masks)',
    );
  const names = netParams(net);
  const state: Record<string, AdamState> = {};
  for (const [name] of names) state[name] = adamState(p[name]!.length);
  const loss = o.loss ?? crossEntropyLoss(net.classes);
  const rand = mulberry32(o.seed);
  const perEpoch = Math.floor(trainIdx.length / o.batch);
  const steps = o.epochs * perEpoch;
  applyMasks(p, o.masks);
  let step = 0;
  let ticked = performance.now();
  for (let e = 0; e < o.epochs; e++) {
    const order = permutation(trainIdx.length, rand);
    let total = 0;
    const parts: Record<string, number> = {};
    for (let s = 0; s < perEpoch; s++, step++) {
      const idx = Array.from(order.subarray(s * o.batch, (s + 1) * o.batch), (i) => trainIdx[i]!);
      const { x, y } = o.shift ? shiftedBatch(d, idx, o.shift, rand) : batchOf(d, idx);
      const lr = learningRate(o, step, steps);
      if (o.beforeStep) {
        o.beforeStep(step);
        applyMasks(p, o.masks);
      }
      if (o.trainer) {
        total += await o.trainer.step(x, y, o.batch, {
          lr,
          ...(o.weightDecay ? { weightDecay: o.weightDecay } : {}),
        });
        if (o.tick && performance.now() - ticked >= TICK_MS) {
          ticked = performance.now();
          await o.tick(step / steps);
        }
        continue;
      }
      const pe = o.effective ? o.effective(p) : p;
      const f = forward(net, pe, x, o.batch, o.hooks);
      const l = loss(f.logits, y, idx);
      const grads = backward(net, pe, f, l.grad, o.batch);
      for (const [name, shape] of names) {
        const g = grads[name]!;
        const m = o.masks?.[name];
        if (m) for (let i = 0; i < g.length; i++) if (!m[i]) g[i] = 0;
        if (o.weightDecay && shape.length >= 2) {
          const w = p[name]!;
          const k = 1 - lr * o.weightDecay;
          for (let i = 0; i < w.length; i++) w[i]! *= k;
        }
        adamStep(p[name]!, g, state[name]!, lr);
      }
      applyMasks(p, o.masks);
      total += l.loss;
      for (const [k, v] of Object.entries(l.parts ?? {})) parts[k] = (parts[k] ?? 0) + v;
      if (o.tick && performance.now() - ticked >= TICK_MS) {
        ticked = performance.now();
        await o.tick(step / steps);
      }
    }
    for (const k of Object.keys(parts)) parts[k]! /= perEpoch;
    if (o.trainer) Object.assign(p, await o.trainer.download());
    if ((await o.onEpoch?.({ epoch: e, loss: total / perEpoch, parts })) === false) return;
  }
}
