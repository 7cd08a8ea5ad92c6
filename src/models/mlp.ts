// The demo MLP, 784-256-128-10 with ReLU, on MNIST: definition, initialisation (torch's default for
// Linear: U(−1/√fan_in, 1/√fan_in) for weights and biases), forward pass, gradients and training.
// Parameter names and layouts are torch's (fc1.weight [256, 784], …), so a torch nn.Sequential-free
// module with the same names loads the same safetensors.
import { mulberry32, permutation } from '../core/rng.ts';
import {
  adamState,
  adamStep,
  crossEntropy,
  linearBackward,
  linearForward,
  reluBackwardInPlace,
  reluInPlace,
  type AdamState,
} from '../core/nn.ts';
import { batchOf, shiftedBatch, type Digits } from './mnist.ts';
import type { DenseLayer } from '../gpu/dense.ts';

export const MLP_ARCH = 'mnist-mlp';
export const MLP_SIZES = [784, 256, 128, 10] as const;
const LAYERS = MLP_SIZES.length - 1;

export type Params = Record<string, Float32Array>;

/** Every parameter's name and shape, in order. */
export function mlpShapes(): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (let l = 0; l < LAYERS; l++) {
    out.push([`fc${l + 1}.weight`, [MLP_SIZES[l + 1]!, MLP_SIZES[l]!]]);
    out.push([`fc${l + 1}.bias`, [MLP_SIZES[l + 1]!]]);
  }
  return out;
}

export function initMlp(seed: number): Params {
  const rand = mulberry32(seed);
  const p: Params = {};
  for (let l = 0; l < LAYERS; l++) {
    const bound = 1 / Math.sqrt(MLP_SIZES[l]!);
    for (const [name, n] of [
      [`fc${l + 1}.weight`, MLP_SIZES[l + 1]! * MLP_SIZES[l]!],
      [`fc${l + 1}.bias`, MLP_SIZES[l + 1]!],
    ] as const) {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * bound;
      p[name] = a;
    }
  }
  return p;
}

/** Whether a set of named tensors is this architecture (names and shapes). */
export function isMlp(shapes: ReadonlyMap<string, readonly number[]>): boolean {
  return mlpShapes().every(([n, s]) => {
    const t = shapes.get(n);
    return t !== undefined && t.length === s.length && t.every((d, i) => d === s[i]);
  });
}

/** Logits [B, 10], and the activations after each hidden layer (for the backward pass). */
export function mlpForward(
  p: Params,
  x: Float32Array,
  B: number,
): { logits: Float32Array; acts: Float32Array[] } {
  const acts: Float32Array[] = [x];
  let h = x;
  for (let l = 0; l < LAYERS; l++) {
    const y = linearForward(
      h,
      B,
      MLP_SIZES[l]!,
      p[`fc${l + 1}.weight`]!,
      MLP_SIZES[l + 1]!,
      p[`fc${l + 1}.bias`]!,
    );
    if (l < LAYERS - 1) reluInPlace(y);
    acts.push(y);
    h = y;
  }
  return { logits: h, acts };
}

/** Mean cross-entropy of a batch and the gradient of every parameter. */
export function mlpGradients(
  p: Params,
  x: Float32Array,
  labels: ArrayLike<number>,
  B: number,
): { loss: number; grads: Params } {
  const { logits, acts } = mlpForward(p, x, B);
  const { loss, grad } = crossEntropy(logits, B, 10, labels);
  const grads: Params = {};
  let dy = grad;
  for (let l = LAYERS - 1; l >= 0; l--) {
    const K = MLP_SIZES[l]!;
    const N = MLP_SIZES[l + 1]!;
    const dW = new Float32Array(N * K);
    const db = new Float32Array(N);
    const dx = l > 0 ? new Float32Array(B * K) : null;
    linearBackward(acts[l]!, B, K, p[`fc${l + 1}.weight`]!, N, dy, dW, db, dx);
    grads[`fc${l + 1}.weight`] = dW;
    grads[`fc${l + 1}.bias`] = db;
    if (dx) dy = reluBackwardInPlace(acts[l]!, dx);
  }
  return { loss, grads };
}

export interface TrainOptions {
  epochs: number;
  batch: number;
  /** Peak learning rate, decayed to zero over the epochs on a half cosine. */
  lr: number;
  seed: number;
  /** Random shifts of at most this many pixels (0: none). */
  shift: number;
  /** Called after each epoch with its mean loss; return false to stop. */
  onEpoch?: (epoch: number, loss: number) => boolean | void;
}

/** Adam on shuffled, shifted mini-batches (all seeded), cosine-decayed. Updates `p` in place. */
export function trainMlp(p: Params, d: Digits, train: Uint32Array, o: TrainOptions): void {
  const state: Record<string, AdamState> = {};
  for (const [name] of mlpShapes()) state[name] = adamState(p[name]!.length);
  const rand = mulberry32(o.seed);
  for (let e = 0; e < o.epochs; e++) {
    const order = permutation(train.length, rand);
    let total = 0;
    let batches = 0;
    for (let s = 0; s + o.batch <= train.length; s += o.batch) {
      const idx = Array.from(order.subarray(s, s + o.batch), (i) => train[i]!);
      const { x, y } = o.shift ? shiftedBatch(d, idx, o.shift, rand) : batchOf(d, idx);
      const { loss, grads } = mlpGradients(p, x, y, o.batch);
      const progress = (e + s / train.length) / o.epochs;
      const lr = o.lr * 0.5 * (1 + Math.cos(Math.PI * progress));
      for (const [name] of mlpShapes()) adamStep(p[name]!, grads[name]!, state[name]!, lr);
      total += loss;
      batches++;
    }
    if (o.onEpoch?.(e, total / batches) === false) return;
  }
}

/** The MLP as a stack of dense layers (for the GPU path). */
export function mlpLayers(p: Params): DenseLayer[] {
  return Array.from({ length: LAYERS }, (_, l) => ({
    weight: p[`fc${l + 1}.weight`]!,
    bias: p[`fc${l + 1}.bias`]!,
    in: MLP_SIZES[l]!,
    out: MLP_SIZES[l + 1]!,
  }));
}

/** The input of each layer on x (the float model): pixels, then each hidden layer's ReLU output. */
export function mlpLayerInputs(p: Params, x: Float32Array, B: number): Float32Array[] {
  const { acts } = mlpForward(p, x, B);
  return acts.slice(0, LAYERS);
}
