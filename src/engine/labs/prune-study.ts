// The pruning study of one method on a demo network: what the masks leave per layer (sparsity, a
// downsampled mask, the weight histogram before and after), storage in each sparse layout, and the
// accuracy of the pruned (or channel-shrunk) model.
import { type SparseLayout, sparseBytes, zeroCount } from '../../core/prune/prune.ts';
import type { Params } from '../../core/nn/layer.ts';
import { parameterCount, weightLayers, type Net } from '../../core/nn/network.ts';
import type { LayerWork } from '../../core/perf/latency.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { testBatch, type Digits } from '../../models/mnist.ts';
import { cpuRunner, cpuSide, runnerFor, type NetRunner } from '../../models/runner.ts';
import { FP32, networkWork } from '../../models/work.ts';
import {
  applyLabMasks,
  channelPlan,
  is24,
  labMasks,
  methodLabel,
  shrinkNet,
  type LabMethod,
} from './prune-masks.ts';

export interface LayerReport {
  name: string;
  /** The weight's shape, as torch or the file holds it. */
  shape: number[];
  params: number;
  sparsity: number;
  /** ‖W − Ŵ‖ / ‖W‖ of the pruned weight Ŵ (0 for an all-zero weight). */
  relativeError: number;
  /** The kept fraction in each cell of a grid over the [rows, cols] view (row-major). */
  heatmap: { rows: number; cols: number; kept: number[] };
  /** Weight histograms before and after, on shared bins over [−max|w|, max|w|]. */
  histogram: { edges: number[]; before: number[]; after: number[] };
}

interface StorageRow {
  layout: string;
  bits: number;
  bytes: number;
}

/** What a pruning leaves of any model's weights: no forward pass needed. */
export interface WeightStudy {
  label: string;
  sparsity: number;
  /** ‖W − Ŵ‖ / ‖W‖ over every pruned weight together. */
  relativeError: number;
  layers: LayerReport[];
  storage: StorageRow[];
  params: number;
  /** Per-sample (per-token) work of the pruned and the dense weights, for the latency model. */
  work: LayerWork[];
  denseWork: LayerWork[];
}

/** The study of a demo network, which runs: its accuracy before and after as well. */
export interface PruneStudy extends WeightStudy {
  fp32: Evaluation;
  pruned: Evaluation;
  /** Parameters of the network after channel pruning shrank it (null for masks). */
  shrunkParams: number | null;
  on: 'webgpu' | 'cpu';
}

/** Bytes of each sparse layout at fp32 and int8, summed over layers (keyed `layout|bits`). */
export type StorageSums = Map<string, number>;

/**
 * Adds one [rows, cols] weight with `nnz` non-zeros to the storage sums. The 2:4 layout is counted
 * when the method is 2:4; a weight whose groups cannot be whole (`fits24` false: a reduction
 * length not a multiple of 4, such as conv1's 9) counts as a bitmask there.
 */
export function addStorage(
  sums: StorageSums,
  rows: number,
  cols: number,
  nnz: number,
  with24: boolean,
  fits24: boolean,
): void {
  for (const bits of [32, 8]) {
    const layouts: SparseLayout[] = [
      'dense',
      'bitmask',
      'csr',
      ...(with24 ? ['2:4' as const] : []),
    ];
    for (const layout of layouts) {
      const key = `${layout}|${bits}`;
      const use = layout === '2:4' && !fits24 ? 'bitmask' : layout;
      sums.set(key, (sums.get(key) ?? 0) + sparseBytes(use, rows, cols, nnz, bits));
    }
  }
}

export function storageRows(sums: StorageSums): StorageRow[] {
  return [...sums].map(([k, bytes]) => {
    const [layout, bits] = k.split('|');
    return { layout: layout!, bits: Number(bits), bytes };
  });
}

/** Squared error of the pruned weight and squared norm of the weight: Σ(w·(1 − mask))², Σw². */
export function pruneError(w: Float32Array, mask: Uint8Array): { err: number; norm: number } {
  let err = 0;
  let norm = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    norm += v * v;
    if (!mask[i]) err += v * v;
  }
  return { err, norm };
}

export function heatmap(mask: Uint8Array, rows: number, cols: number, size = 48) {
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

export function histograms(w: Float32Array, mask: Uint8Array, bins = 60) {
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
  const t = testBatch(d);
  const reference = await runner.logits(net, p, t.x, t.n);
  const layers: LayerReport[] = [];
  let total = 0;
  let zeros = 0;
  let nnz = 0;
  let err = 0;
  let norm = 0;
  const storage: StorageSums = new Map();
  for (const l of weightLayers(net)) {
    const mask = masks.get(l.name)!;
    const w = p[`${l.name}.weight`]!;
    const z = zeroCount(mask);
    const e = pruneError(w, mask);
    total += mask.length;
    zeros += z;
    nnz += mask.length - z;
    err += e.err;
    norm += e.norm;
    layers.push({
      name: l.name,
      shape: [...l.weightShape],
      params: mask.length,
      sparsity: z / mask.length,
      relativeError: e.norm ? Math.sqrt(e.err / e.norm) : 0,
      heatmap: heatmap(mask, l.rows, l.cols),
      histogram: histograms(w, mask),
    });
    addStorage(storage, l.rows, l.cols, mask.length - z, is24(method), l.cols % 4 === 0);
  }
  let shrunkParams: number | null = null;
  let work = networkWork(net, {
    ...FP32,
    ...(is24(method) ? { sparse24: true } : { density: nnz / total }),
  });
  let prunedLogits: Float32Array;
  let on = runner.on;
  if (method.kind === 'channel') {
    const s = shrinkNet(net, p, channelPlan(net, p, method.sparsity));
    shrunkParams = parameterCount(s.net);
    work = networkWork(s.net, FP32);
    prunedLogits = await cpuSide(runner0).logits(s.net, s.params, t.x, t.n);
    on = 'cpu';
  } else prunedLogits = await runner.logits(net, q, t.x, t.n);
  return {
    label: methodLabel(method),
    sparsity: zeros / total,
    relativeError: norm ? Math.sqrt(err / norm) : 0,
    layers,
    storage: storageRows(storage),
    fp32: evaluateLogits(reference, t.y, 10),
    pruned: evaluateLogits(prunedLogits, t.y, 10, reference),
    shrunkParams,
    params: parameterCount(net),
    work,
    denseWork: networkWork(net, FP32),
    on,
  };
}
