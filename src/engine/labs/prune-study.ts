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
  params: number;
  sparsity: number;
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
  const storage = new Map<string, number>();
  for (const l of weightLayers(net)) {
    const mask = masks.get(l.name)!;
    const z = zeroCount(mask);
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
    const compressed24 = is24(method);
    for (const bits of [32, 8]) {
      const layouts: SparseLayout[] = [
        'dense',
        'bitmask',
        'csr',
        ...(compressed24 ? (['2:4'] as const) : []),
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
