// Variants of a demo model on the test digits: quantized (weights through a spec), PTQ against
// QAT, and factorized by SVD (low rank), each with its size, per-layer work and evaluation.
import { DEFAULT_SPEC, type QuantSpec } from '../../core/quant/spec.ts';
import {
  factors as svdFactors,
  lowRank,
  rankForEnergy,
  truncationError,
  type Svd,
} from '../../core/lowrank/svd.ts';
import { factorNet } from '../../core/nn/factor-net.ts';
import type { Params } from '../../core/nn/layer.ts';
import { netParams, weightLayers } from '../../core/nn/network.ts';
import type { LayerWork } from '../../core/perf/latency.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { batchOf, splitDigits, testBatch, type Digits } from '../../models/mnist.ts';
import {
  calibrate,
  calibrationBatch,
  quantizedLogits,
  trainQat,
  withQuantizedWeights,
} from '../../models/qat.ts';
import {
  cpuRunner,
  logitsOn,
  logitsUntil,
  runnerFor,
  specBytes,
  storedBytes,
  type NetRunner,
} from '../../models/runner.ts';
import { train } from '../../models/train.ts';
import { FP32, networkWork, weightsOnly } from '../../models/work.ts';
import { netFor } from '../../models/zoo.ts';

export interface VariantResult {
  label: string;
  spec: QuantSpec | null;
  /** Bytes to store the variant. */
  bytes: number;
  /** Per-digit work of each layer, for the latency model. */
  work: LayerWork[];
  evaluation: Evaluation;
  /** Where the forward passes ran. */
  on: 'webgpu' | 'cpu';
}

/** The parameters with every weight-layer weight quantized and dequantized under `spec`. */
function fakeQuantized(arch: string, p: Params, spec: QuantSpec): Params {
  return withQuantizedWeights(netFor(arch), p, spec);
}

/** The reference model and each variant on the fixed test split. */
export async function evaluateVariants(
  arch: string,
  p: Params,
  digits: Digits,
  variants: Array<{ label: string; spec: QuantSpec }>,
  opts: {
    runner?: NetRunner | undefined;
    onProgress?: ((fraction: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<VariantResult[]> {
  const runner = opts.runner ?? cpuRunner;
  const net = netFor(arch);
  const { x, y, n } = testBatch(digits);
  const ref = await logitsOn(runner, net, p, x, n);
  const reference = ref.logits;
  const out: VariantResult[] = [
    {
      label: 'fp32',
      spec: null,
      bytes: storedBytes(net),
      work: networkWork(net, FP32),
      evaluation: evaluateLogits(reference, y, 10),
      on: ref.on,
    },
  ];
  for (const [i, v] of variants.entries()) {
    opts.signal?.throwIfAborted();
    const r = await logitsOn(runner, net, fakeQuantized(arch, p, v.spec), x, n);
    out.push({
      label: v.label,
      spec: v.spec,
      bytes: specBytes(net, v.spec),
      work: networkWork(net, weightsOnly(v.spec)),
      evaluation: evaluateLogits(r.logits, y, 10, reference),
      on: r.on,
    });
    opts.onProgress?.((i + 1) / variants.length);
  }
  return out;
}

interface QatRow {
  bits: number;
  /** Bytes with weights at `bits` (per-channel float32 scales). */
  bytes: number;
  /** Integer arithmetic with weights at `bits` (activations packed into int8). */
  work: LayerWork[];
  /** Weights and activations at `bits`, calibrated (MinMax), nothing retrained. */
  ptq: Evaluation;
  /** The same after fine-tuning through fake quantization. */
  qat: Evaluation;
}

export interface QatComparison {
  fp32: Evaluation;
  rows: QatRow[];
  epochs: number;
}

/**
 * PTQ against QAT at each bit width (weights per channel, activations per tensor).
 * `tick` is awaited now and then with the fraction done (to report progress and let a cancel in).
 */
export async function compareQat(
  arch: string,
  p: Params,
  digits: Digits,
  bitsList: readonly number[],
  opts: {
    epochs: number;
    tick?: (fraction: number) => Promise<void>;
    signal?: AbortSignal | undefined;
  },
): Promise<QatComparison> {
  const net = netFor(arch);
  const { train, test } = splitDigits(digits);
  const { x, y } = batchOf(digits, test);
  const reference = await logitsUntil(opts.signal, net, p, x, test.length);
  const cal = calibrationBatch(digits, train, 512);
  const ranges = calibrate(net, p, cal.x, 512);
  const rows: QatRow[] = [];
  for (const [i, bits] of bitsList.entries()) {
    const ptq = evaluateLogits(
      await quantizedLogits(net, p, ranges, bits, x, test.length, opts.signal),
      y,
      10,
      reference,
    );
    const tuned = await trainQat(net, p, digits, train, ranges, {
      bits,
      epochs: opts.epochs,
      batch: 64,
      lr: bits >= 8 ? 1e-4 : 5e-4,
      seed: 11 + bits,
      momentum: 0.99,
      tick: (f) => opts.tick?.((i + f) / bitsList.length) ?? Promise.resolve(),
    });
    const qat = evaluateLogits(
      await quantizedLogits(net, tuned.params, tuned.ranges, bits, x, test.length, opts.signal),
      y,
      10,
      reference,
    );
    rows.push({
      bits,
      bytes: specBytes(net, { ...DEFAULT_SPEC, bits }),
      work: networkWork(net, { weightBits: bits, actBits: 8 }),
      ptq,
      qat,
    });
  }
  return { fp32: evaluateLogits(reference, y, 10), rows, epochs: opts.epochs };
}

interface LowRankLayer {
  name: string;
  rank: number;
  fullRank: number;
  /** Parameters of the weight as one [out, in] matrix, and as two factors [out, k] · [k, in]. */
  params: number;
  factoredParams: number;
  /** ‖W − W_k‖_F = √(Σ of the discarded σ²), and relative to ‖W‖_F. */
  error: number;
  relativeError: number;
  /** The singular values, descending (at most 256 of them, for the chart). */
  spectrum: number[];
}

export interface LowRankResult {
  energy: number;
  /** After fine-tuning the factors (null when not asked for), and for how many epochs. */
  tuned: Evaluation | null;
  tuneEpochs: number;
  /** Bytes of the factorized model (factors in float32). */
  bytes: number;
  work: LayerWork[];
  layers: LowRankLayer[];
  evaluation: Evaluation;
  fp32: Evaluation;
  on: 'webgpu' | 'cpu';
}

/**
 * Every weight of rank ≥ 2 replaced by its best rank-k approximation, k the smallest rank keeping
 * `energy` of Σσ² (a layer is left whole when factoring would not save parameters).
 */
export async function evaluateLowRank(
  arch: string,
  p: Params,
  digits: Digits,
  energy: number,
  svds: (name: string, w: Float32Array, shape: number[]) => Svd | Promise<Svd>,
  runner: NetRunner = cpuRunner,
  tune: {
    epochs: number;
    tick?: ((fraction: number) => Promise<void>) | undefined;
  } = { epochs: 0 },
): Promise<LowRankResult> {
  const net = netFor(arch);
  const q: Params = { ...p };
  const layers: LowRankLayer[] = [];
  // The factors themselves, for fine-tuning: NAME.a [k, in] and NAME.b [out, k] (core/svd.ts factors).
  const ranks = new Map<string, number>();
  const factors: Params = {};
  for (const l of weightLayers(net)) {
    const name = `${l.name}.weight`;
    // A convolution's weight as the matrix [out, in·k·k] (factors: a k×k conv to r channels, then 1×1).
    const [out, inp] = [l.rows, l.cols];
    const d = await svds(name, p[name]!, [out, inp]);
    const k = rankForEnergy(d.s, energy);
    const total = Math.sqrt(d.s.reduce((a, v) => a + v * v, 0));
    const factored = k * (out + inp);
    const worth = factored < out * inp;
    q[name] = worth ? lowRank(d, k) : p[name]!;
    if (worth && tune.epochs > 0) {
      ranks.set(l.name, k);
      const f = svdFactors(d, k);
      factors[`${l.name}.a.weight`] = f.a;
      factors[`${l.name}.b.weight`] = f.b;
      if (p[`${l.name}.bias`]) factors[`${l.name}.b.bias`] = p[`${l.name}.bias`]!;
    }
    const err = worth ? truncationError(d.s, k) : 0;
    layers.push({
      name,
      rank: worth ? k : d.r,
      fullRank: d.r,
      params: out * inp,
      factoredParams: worth ? factored : out * inp,
      error: err,
      relativeError: total ? err / total : 0,
      spectrum: Array.from(d.s.subarray(0, 256)),
    });
  }
  const { x, y, n: count } = testBatch(digits);
  const reference = await logitsOn(runner, net, p, x, count);
  const factored = await logitsOn(runner, net, q, x, count);
  const factoredOf = new Map(layers.map((l) => [l.name, l.factoredParams]));
  let tuned: Evaluation | null = null;
  if (tune.epochs > 0) {
    // The factored network itself (two thinner layers per factorized weight), fine-tuned.
    const fnet = factorNet(net, ranks);
    const fp: Params = {};
    for (const [n] of netParams(fnet)) fp[n] = Float32Array.from(factors[n] ?? p[n]!);
    const r = runnerFor(runner, fnet);
    const trainer = r.trainer?.(fnet, fp);
    try {
      await train(fnet, fp, digits, splitDigits(digits).train, {
        epochs: tune.epochs,
        batch: 64,
        lr: 1e-3,
        seed: 17,
        shift: 1,
        trainer,
        tick: tune.tick,
      });
    } finally {
      trainer?.destroy();
    }
    tuned = evaluateLogits(await r.logits(fnet, fp, x, count), y, 10, reference.logits);
  }
  return {
    energy,
    tuned,
    tuneEpochs: tune.epochs,
    bytes: storedBytes(net, (l) => (32 * factoredOf.get(`${l.name}.weight`)!) / (l.rows * l.cols)),
    work: networkWork(net, {
      ...FP32,
      ranks: Object.fromEntries(
        layers
          .filter((l) => l.factoredParams < l.params)
          .map((l) => [l.name.replace(/\.weight$/, ''), l.rank]),
      ),
    }),
    layers,
    evaluation: evaluateLogits(factored.logits, y, 10, reference.logits),
    fp32: evaluateLogits(reference.logits, y, 10),
    on: factored.on,
  };
}
