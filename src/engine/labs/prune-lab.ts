// The pruning lab on a demo network: masks by method, what they leave per layer (sparsity, a
// downsampled mask, the weight histogram before and after), storage in each sparse layout, the
// accuracy of the pruned model, accuracy against sparsity for each method, L1 channel pruning that
// really shrinks the layers, and gradual (cubic) pruning with fine-tuning between steps.
import {
  type SparseLayout,
  channelL1Keep,
  cubicSparsity,
  globalMagnitudeMasks,
  magnitudeMask,
  nmMask,
  sparseBytes,
} from '../../core/prune/prune.ts';
import {
  Conv2d,
  Dense,
  MaxPool2,
  Relu,
  logitsOf,
  parameterCount,
  weightLayers,
  type Layer,
  type Net,
  type Params,
  type WeightLayer,
} from '../../core/nn/net.ts';
import type { LayerWork } from '../../core/perf/latency.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { batchOf, splitDigits, type Digits } from '../../models/mnist.ts';
import { cpuRunner, runnerFor, type NetRunner } from '../../models/runner.ts';
import { train } from '../../models/train.ts';
import { FP32, networkWork } from '../../models/work.ts';

export type LabMethod =
  | { kind: 'magnitude'; sparsity: number }
  | { kind: 'global'; sparsity: number }
  | { kind: 'nm'; n: number; m: number }
  | { kind: 'channel'; sparsity: number };

export function methodLabel(m: LabMethod): string {
  switch (m.kind) {
    case 'magnitude':
      return `magnitude per layer, ${Math.round(m.sparsity * 100)}%`;
    case 'global':
      return `global magnitude, ${Math.round(m.sparsity * 100)}%`;
    case 'nm':
      return `${m.n}:${m.m} structured`;
    case 'channel':
      return `L1 channels, ${Math.round(m.sparsity * 100)}% of each hidden layer`;
  }
}

/**
 * Masks for every weight-layer weight. Channel pruning removes output channels of every weight layer
 * but the last (the classes), whose next layer then loses the matching inputs.
 */
export function labMasks(net: Net, p: Params, m: LabMethod): Map<string, Uint8Array> {
  const layers = weightLayers(net);
  const out = new Map<string, Uint8Array>();
  const w = (l: WeightLayer) => p[`${l.name}.weight`]!;
  if (m.kind === 'global') {
    const masks = globalMagnitudeMasks(layers.map(w), m.sparsity);
    layers.forEach((l, i) => out.set(l.name, masks[i]!));
  } else if (m.kind === 'channel') {
    const plan = channelPlan(net, p, m.sparsity);
    for (const l of layers) {
      const mask = new Uint8Array(l.rows * l.cols).fill(1);
      const rows = plan.keepRows.get(l.name);
      const cols = plan.keepCols.get(l.name);
      for (let r = 0; r < l.rows; r++)
        for (let c = 0; c < l.cols; c++)
          if ((rows && !rows[r]) || (cols && !cols[c])) mask[r * l.cols + c] = 0;
      out.set(l.name, mask);
    }
  } else
    for (const l of layers)
      out.set(
        l.name,
        m.kind === 'magnitude' ? magnitudeMask(w(l), m.sparsity) : nmMask(w(l), l.cols, m.n, m.m),
      );
  return out;
}

export interface ChannelPlan {
  /** Output channels kept, per weight layer that loses some. */
  keepRows: Map<string, Uint8Array>;
  /** Input columns kept, per weight layer whose input lost channels. */
  keepCols: Map<string, Uint8Array>;
}

/**
 * Which channels L1 pruning removes from a chain of weight layers (the MLPs and the CNN): each
 * hidden layer's output channels, and the matching inputs of the next weight layer (a convolution's
 * input channel is k·k columns; a flattened feature map's channel is h·w columns).
 */
export function channelPlan(net: Net, p: Params, amount: number): ChannelPlan {
  const flat = net.layers;
  if (
    flat.some(
      (l) =>
        !(l instanceof Dense || l instanceof Conv2d || l instanceof Relu || l instanceof MaxPool2),
    )
  )
    throw new Error(
      `${net.arch}: channel pruning here handles chains of Linear / Conv2d layers (the MLPs and the CNN); residual blocks would need every layer of the residual stream pruned alike`,
    );
  const layers = weightLayers(net);
  const keepRows = new Map<string, Uint8Array>();
  const keepCols = new Map<string, Uint8Array>();
  for (let i = 0; i + 1 < layers.length; i++) {
    const l = layers[i]!;
    const next = layers[i + 1]!;
    const keep = channelL1Keep(p[`${l.name}.weight`]!, l.rows, amount);
    keepRows.set(l.name, keep);
    const per = next.cols / l.rows;
    const cols = new Uint8Array(next.cols);
    for (let c = 0; c < next.cols; c++) cols[c] = keep[Math.floor(c / per)]!;
    keepCols.set(next.name, cols);
  }
  return { keepRows, keepCols };
}

/** The network with the pruned channels gone: thinner layers and parameters (really smaller). */
export function shrinkNet(net: Net, p: Params, plan: ChannelPlan): { net: Net; params: Params } {
  const params: Params = {};
  let channels = 0; // output channels of the last weight layer
  let size = net.inSize; // values per sample coming into the next layer
  const layers: Layer[] = net.layers.map((l) => {
    let out: Layer = l;
    if (l instanceof Dense || l instanceof Conv2d) {
      const rows = plan.keepRows.get(l.name);
      const cols = plan.keepCols.get(l.name);
      const w = p[`${l.name}.weight`]!;
      const b = p[`${l.name}.bias`];
      const kr: number[] = [];
      for (let r = 0; r < l.rows; r++) if (!rows || rows[r]) kr.push(r);
      const kc: number[] = [];
      for (let c = 0; c < l.cols; c++) if (!cols || cols[c]) kc.push(c);
      const nw = new Float32Array(kr.length * kc.length);
      kr.forEach((r, i) => kc.forEach((c, j) => (nw[i * kc.length + j] = w[r * l.cols + c]!)));
      params[`${l.name}.weight`] = nw;
      if (b) params[`${l.name}.bias`] = Float32Array.from(kr, (r) => b[r]!);
      channels = kr.length;
      out =
        l instanceof Dense
          ? new Dense(l.name, kc.length, kr.length, l.tokens, l.bias)
          : new Conv2d(l.name, kc.length / (l.k * l.k), kr.length, l.k, l.pad, l.h, l.w, l.bias);
    } else if (l instanceof MaxPool2) out = new MaxPool2(channels, l.h, l.w);
    else if (l instanceof Relu) out = new Relu(size);
    size = out.outSize;
    return out;
  });
  return { net: { ...net, arch: `${net.arch} (channels pruned)`, layers }, params };
}

export interface LayerReport {
  name: string;
  params: number;
  sparsity: number;
  /** The kept fraction in each cell of a grid over the [rows, cols] view (row-major). */
  heatmap: { rows: number; cols: number; kept: number[] };
  /** Weight histograms before and after, on shared bins over [−max|w|, max|w|]. */
  histogram: { edges: number[]; before: number[]; after: number[] };
}

export interface StorageRow {
  layout: string;
  bits: number;
  bytes: number;
}

export interface PruneStudy {
  label: string;
  sparsity: number;
  layers: LayerReport[];
  storage: StorageRow[];
  fp32: Evaluation;
  pruned: Evaluation;
  /** Parameters of the network after channel pruning shrank it (null for masks). */
  shrunkParams: number | null;
  params: number;
  work: LayerWork[];
  denseWork: LayerWork[];
  on: 'webgpu' | 'cpu';
}

function heatmap(mask: Uint8Array, rows: number, cols: number, size = 48) {
  const gr = Math.min(size, rows);
  const gc = Math.min(size, cols);
  const kept = new Array<number>(gr * gc).fill(0);
  const n = new Array<number>(gr * gc).fill(0);
  for (let r = 0; r < rows; r++) {
    const y = Math.floor((r * gr) / rows);
    for (let c = 0; c < cols; c++) {
      const x = Math.floor((c * gc) / cols);
      kept[y * gc + x]! += mask[r * cols + c]!;
      n[y * gc + x]!++;
    }
  }
  return { rows: gr, cols: gc, kept: kept.map((k, i) => k / n[i]!) };
}

function histograms(w: Float32Array, mask: Uint8Array, bins = 60) {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  max ||= 1;
  const before = new Array<number>(bins).fill(0);
  const after = new Array<number>(bins).fill(0);
  for (let i = 0; i < w.length; i++) {
    const b = Math.min(bins - 1, Math.floor(((w[i]! + max) / (2 * max)) * bins));
    before[b]!++;
    if (mask[i]) after[b]!++;
  }
  return {
    edges: Array.from({ length: bins + 1 }, (_, i) => -max + (2 * max * i) / bins),
    before,
    after,
  };
}

function testSet(d: Digits) {
  const { test } = splitDigits(d);
  return { ...batchOf(d, test), n: test.length };
}

/** A copy of every parameter (training may change it in place), with the masked weights zeroed. */
export function applyLabMasks(p: Params, masks: Map<string, Uint8Array>): Params {
  const q: Params = {};
  for (const [k, v] of Object.entries(p)) q[k] = Float32Array.from(v);
  for (const [name, m] of masks)
    q[`${name}.weight`] = p[`${name}.weight`]!.map((v, i) => (m[i] ? v : 0));
  return q;
}

export async function studyPruning(
  net: Net,
  p: Params,
  d: Digits,
  method: LabMethod,
  runner0: NetRunner = cpuRunner,
): Promise<PruneStudy> {
  const runner = runnerFor(runner0, net);
  const masks = labMasks(net, p, method);
  const q = applyLabMasks(p, masks);
  const t = testSet(d);
  const reference = await runner.logits(net, p, t.x, t.n);
  const layers: LayerReport[] = [];
  let total = 0;
  let zeros = 0;
  let nnz = 0;
  const storage = new Map<string, number>();
  for (const l of weightLayers(net)) {
    const mask = masks.get(l.name)!;
    const z = mask.reduce((a, v) => a + (v ? 0 : 1), 0);
    total += mask.length;
    zeros += z;
    nnz += mask.length - z;
    layers.push({
      name: l.name,
      params: mask.length,
      sparsity: z / mask.length,
      heatmap: heatmap(mask, l.rows, l.cols),
      histogram: histograms(p[`${l.name}.weight`]!, mask),
    });
    // 2:4 for the whole model when the method is 2:4; a layer whose reduction length is not a
    // multiple of 4 (conv1's 9) cannot use the compressed format and counts as a bitmask there.
    const is24 = method.kind === 'nm' && method.n === 2 && method.m === 4;
    for (const bits of [32, 8]) {
      const layouts: SparseLayout[] = [
        'dense',
        'bitmask',
        'csr',
        ...(is24 ? (['2:4'] as const) : []),
      ];
      for (const layout of layouts) {
        const key = `${layout}|${bits}`;
        const use = layout === '2:4' && l.cols % 4 !== 0 ? 'bitmask' : layout;
        storage.set(
          key,
          (storage.get(key) ?? 0) + sparseBytes(use, l.rows, l.cols, mask.length - z, bits),
        );
      }
    }
  }
  let shrunkParams: number | null = null;
  let work = networkWork(net, {
    ...FP32,
    ...(method.kind === 'nm' && method.n === 2 && method.m === 4
      ? { sparse24: true }
      : { density: nnz / total }),
  });
  let prunedLogits: Float32Array;
  let on = runner.on;
  if (method.kind === 'channel') {
    const s = shrinkNet(net, p, channelPlan(net, p, method.sparsity));
    shrunkParams = parameterCount(s.net);
    work = networkWork(s.net, FP32);
    prunedLogits = logitsOf(s.net, s.params, t.x, t.n);
    on = 'cpu';
  } else prunedLogits = await runner.logits(net, q, t.x, t.n);
  return {
    label: methodLabel(method),
    sparsity: zeros / total,
    layers,
    storage: [...storage].map(([k, bytes]) => {
      const [layout, bits] = k.split('|');
      return { layout: layout!, bits: Number(bits), bytes };
    }),
    fp32: evaluateLogits(reference, t.y, 10),
    pruned: evaluateLogits(prunedLogits, t.y, 10, reference),
    shrunkParams,
    params: parameterCount(net),
    work,
    denseWork: networkWork(net, FP32),
    on,
  };
}

export interface SweepPoint {
  method: string;
  sparsity: number;
  accuracy: number;
  /** After fine-tuning with the masks held (null when not asked for). */
  tuned: number | null;
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
  const t = testSet(d);
  const methods: LabMethod[] = [];
  for (const s of o.sparsities)
    methods.push({ kind: 'magnitude', sparsity: s }, { kind: 'global', sparsity: s });
  methods.push({ kind: 'nm', n: 2, m: 4 }, { kind: 'nm', n: 1, m: 4 }, { kind: 'nm', n: 4, m: 8 });
  const out: SweepPoint[] = [];
  for (const [i, m] of methods.entries()) {
    const masks = labMasks(net, p, m);
    const q = applyLabMasks(p, masks);
    const acc = evaluateLogits(await runner.logits(net, q, t.x, t.n), t.y, 10).accuracy;
    let tuned: number | null = null;
    if (o.fineTune) {
      const fm: Params = {};
      for (const [name, mk] of masks) fm[`${name}.weight`] = Float32Array.from(mk);
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
    const family =
      m.kind === 'magnitude'
        ? 'magnitude per layer'
        : m.kind === 'global'
          ? 'global magnitude'
          : `${(m as { n: number }).n}:${(m as { m: number }).m}`;
    const total = [...masks.values()].reduce((a, x) => a + x.length, 0);
    const zeros = [...masks.values()].reduce(
      (a, x) => a + x.reduce((s, v) => s + (v ? 0 : 1), 0),
      0,
    );
    out.push({ method: family, sparsity: zeros / total, accuracy: acc, tuned });
    await o.tick?.((i + 1) / methods.length);
  }
  return out;
}

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
  },
): Promise<GradualResult> {
  const t = testSet(d);
  const reference = logitsOf(net, p0, t.x, t.n);
  const oneShot = evaluateLogits(
    logitsOf(
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
  const n = Math.max(1, Math.floor((0.75 * steps) / o.every));
  const schedule = { initial: 0, final: o.final, start: 0, every: o.every, n };
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
    onEpoch: ({ epoch }) => {
      curve.push({
        epoch: epoch + 1,
        sparsity: current,
        accuracy: evaluateLogits(logitsOf(net, p, t.x, t.n), t.y, 10).accuracy,
      });
    },
  });
  return { curve, final: evaluateLogits(logitsOf(net, p, t.x, t.n), t.y, 10, reference), oneShot };
}
