// Pruning a demo network and fine-tuning it with the masks held fixed; distilling a teacher into a
// small student, next to the same student trained on labels alone with the same budget.
import { sparsityOf } from '../../core/prune/prune.ts';
import { distillationLoss } from '../../core/nn/nn.ts';
import type { Params } from '../../core/nn/layer.ts';
import { macsPerSample, parameterCount, type Net } from '../../core/nn/network.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { batchOf, splitDigits, testBatch, type Digits } from '../../models/mnist.ts';
import { applyLabMasks, is24, labMasks, trainingMasks } from './prune-masks.ts';
import { crossEntropyLoss, train } from '../../models/train.ts';
import { initParams, netFor } from '../../models/zoo.ts';
import {
  cpuRunner,
  logitsUntil,
  runnerFor,
  storedBytes,
  type NetRunner,
} from '../../models/runner.ts';
import { FP32, networkWork } from '../../models/work.ts';
import type { LayerWork } from '../../core/perf/latency.ts';

export type PruneMethod =
  { kind: 'magnitude'; sparsity: number } | { kind: 'nm'; n: number; m: number };

interface PruneOptions {
  method: PruneMethod;
  /** Where forward passes and training steps run (default: the CPU). */
  runner?: NetRunner | undefined;
  epochs: number;
  lr: number;
  seed: number;
  tick?: ((fraction: number) => Promise<void>) | undefined;
  onEpoch?: ((epoch: number, accuracy: number) => void) | undefined;
}

export interface PruneResult {
  /** Bytes stored as float32 non-zeros plus a one-bit-per-weight mask. */
  bytes: number;
  work: LayerWork[];
  layers: Array<{ name: string; params: number; sparsity: number }>;
  sparsity: number;
  fp32: Evaluation;
  pruned: Evaluation;
  tuned: Evaluation;
  /** Test accuracy after each fine-tuning epoch. */
  curve: number[];
  /** Where the forward passes ran, and where the training steps did. */
  on: 'webgpu' | 'cpu';
  trainedOn: 'webgpu' | 'cpu';
}

/** Masks for every weight-layer weight (biases and norms are kept). */
export function pruneMasks(net: Net, p: Params, method: PruneMethod): Params {
  return trainingMasks(labMasks(net, p, method));
}

export async function pruneAndFineTune(
  net: Net,
  p0: Params,
  d: Digits,
  o: PruneOptions,
): Promise<PruneResult> {
  const runner = runnerFor(o.runner ?? cpuRunner, net);
  const t = testBatch(d);
  const reference = await runner.logits(net, p0, t.x, t.n);
  const evaluate = async (q: Params) =>
    evaluateLogits(await runner.logits(net, q, t.x, t.n), t.y, 10, reference);
  const lab = labMasks(net, p0, o.method);
  const masks = trainingMasks(lab);
  const p = applyLabMasks(p0, lab);
  const pruned = await evaluate(p);
  const curve: number[] = [];
  const trainer = runner.trainer?.(net, p, masks);
  try {
    await train(net, p, d, splitDigits(d).train, {
      trainer,
      epochs: o.epochs,
      batch: 64,
      lr: o.lr,
      seed: o.seed,
      shift: 1,
      masks,
      tick: o.tick,
      onEpoch: async ({ epoch }) => {
        const acc = (await evaluate(p)).accuracy;
        curve.push(acc);
        o.onEpoch?.(epoch, acc);
      },
    });
  } finally {
    trainer?.destroy();
  }
  const layers = Object.entries(masks).map(([name, m]) => ({
    name,
    params: m.length,
    sparsity: sparsityOf(Uint8Array.from(m)),
  }));
  const total = layers.reduce((a, l) => a + l.params, 0);
  const r0 = layers.reduce((a, l) => a + l.sparsity * l.params, 0) / total;
  const density = new Map(layers.map((l) => [l.name, 1 - l.sparsity]));
  return {
    bytes: storedBytes(net, (l) => 32 * density.get(`${l.name}.weight`)! + 1),
    work: networkWork(
      net,
      is24(o.method) ? { ...FP32, sparse24: true } : { ...FP32, density: 1 - r0 },
    ),
    layers,
    sparsity: layers.reduce((a, l) => a + l.sparsity * l.params, 0) / total,
    fp32: evaluateLogits(reference, t.y, 10),
    pruned,
    tuned: await evaluate(p),
    curve,
    on: runner.on,
    trainedOn: trainer ? runner.on : 'cpu',
  };
}

interface DistillOptions {
  /** Architecture id of the student (an entry of STUDENTS). */
  student: string;
  temperature: number;
  alpha: number;
  epochs: number;
  lr: number;
  seed: number;
  tick?: ((fraction: number) => Promise<void>) | undefined;
  /** Stops the forward passes over the digits between chunks (training stops at its ticks). */
  signal?: AbortSignal | undefined;
  /** Each epoch of either run, as it ends. */
  onPoint?: ((point: DistillPoint) => void) | undefined;
}

export interface DistillPoint {
  run: 'distilled' | 'labels';
  epoch: number;
  /** Mean soft (KL, before the α·T² factor) and hard (CE) terms over the epoch's batches. */
  soft: number;
  hard: number;
  accuracy: number;
}

export interface DistillResult {
  student: string;
  studentBytes: number;
  studentWork: LayerWork[];
  studentParams: number;
  teacherParams: number;
  /** Multiply-adds per digit in the weight layers. */
  studentMacs: number;
  teacherMacs: number;
  teacher: Evaluation;
  distilled: Evaluation;
  labelsOnly: Evaluation;
  points: DistillPoint[];
}

/**
 * Trains two copies of the same student from the same initialisation, interleaved step by step:
 * one on α·T²·KL(teacher ‖ student at T) + (1 − α)·CE, one on CE alone. The teacher's logits on
 * the training digits are computed once (no random shifts, so they stay valid).
 */
export async function distill(
  teacherNet: Net,
  teacherParams: Params,
  d: Digits,
  o: DistillOptions,
): Promise<DistillResult> {
  const { train: trainIdx } = splitDigits(d);
  const all = batchOf(d, trainIdx);
  const C = teacherNet.classes;
  const tLogits = await logitsUntil(o.signal, teacherNet, teacherParams, all.x, trainIdx.length);
  // Dataset index → row of tLogits.
  const row = new Map<number, number>();
  trainIdx.forEach((v, i) => row.set(v, i));
  const net = netFor(o.student);
  const t = testBatch(d);
  const teacherTest = await logitsUntil(o.signal, teacherNet, teacherParams, t.x, t.n);
  const init = initParams(net, o.seed);
  const copy = () =>
    Object.fromEntries(Object.entries(init).map(([k, v]) => [k, Float32Array.from(v)]));
  const pd = copy();
  const pl = copy();
  const points: DistillPoint[] = [];
  const point = async (
    run: DistillPoint['run'],
    p: Params,
    epoch: number,
    parts: Record<string, number>,
  ) => {
    const logits = await logitsUntil(o.signal, net, p, t.x, t.n);
    const pt: DistillPoint = {
      run,
      epoch,
      soft: parts.soft ?? NaN,
      hard: parts.hard ?? NaN,
      accuracy: evaluateLogits(logits, t.y, C).accuracy,
    };
    points.push(pt);
    o.onPoint?.(pt);
  };
  const common = { epochs: o.epochs, batch: 64, lr: o.lr, seed: o.seed, shift: 0 };
  const progress = [0, 0];
  const tick = (i: number) => async (f: number) => {
    progress[i] = f;
    await o.tick?.((progress[0]! + progress[1]!) / 2);
  };
  const ce = crossEntropyLoss(C);
  await Promise.all([
    train(net, pd, d, trainIdx, {
      ...common,
      loss: (logits, labels, idx) => {
        const B = labels.length;
        const teach = new Float32Array(B * C);
        idx.forEach((v, i) =>
          teach.set(tLogits.subarray(row.get(v)! * C, (row.get(v)! + 1) * C), i * C),
        );
        const r = distillationLoss(logits, teach, labels, B, C, o.temperature, o.alpha);
        return { loss: r.loss, grad: r.grad, parts: { soft: r.soft, hard: r.hard } };
      },
      tick: tick(0),
      onEpoch: ({ epoch, parts }) => point('distilled', pd, epoch, parts),
    }),
    train(net, pl, d, trainIdx, {
      ...common,
      loss: (logits, labels, idx) => {
        const r = ce(logits, labels, idx);
        return { ...r, parts: { hard: r.loss } };
      },
      tick: tick(1),
      onEpoch: ({ epoch, parts }) => point('labels', pl, epoch, parts),
    }),
  ]);
  return {
    student: o.student,
    studentBytes: storedBytes(net),
    studentWork: networkWork(net, FP32),
    studentParams: parameterCount(net),
    teacherParams: parameterCount(teacherNet),
    studentMacs: macsPerSample(net),
    teacherMacs: macsPerSample(teacherNet),
    teacher: evaluateLogits(teacherTest, t.y, C),
    distilled: evaluateLogits(await logitsUntil(o.signal, net, pd, t.x, t.n), t.y, C, teacherTest),
    labelsOnly: evaluateLogits(await logitsUntil(o.signal, net, pl, t.x, t.n), t.y, C, teacherTest),
    points,
  };
}
