// Running a demo model found in an open file: recognise its architecture, evaluate it on the test
// digits, and evaluate variants whose weights went through a quantization spec (fake quantization:
// quantize, then dequantize, biases kept in float32).
import { quantize, type QuantSpec } from '../core/quant.ts';
import { lowRank, rankForEnergy, truncationError, type Svd } from '../core/svd.ts';
import { evaluateLogits, type Evaluation } from './evaluate.ts';
import { isMlp, mlpForward, mlpLayers, mlpShapes, MLP_ARCH, type Params } from './mlp.ts';
import { denseStackCpu, type DenseLayer } from '../gpu/dense.ts';
import { batchOf, splitDigits, type Digits } from './mnist.ts';
import { calibrate, calibrationBatch, quantizedLogits, trainQat } from './qat.ts';

export const ARCHITECTURES = [MLP_ARCH] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The architecture a set of tensors implements, from the file's metadata checked against shapes. */
export function detectArchitecture(
  metadata: Record<string, string>,
  shapes: ReadonlyMap<string, readonly number[]>,
): Architecture | null {
  if (metadata['slimlab.architecture'] === MLP_ARCH && isMlp(shapes)) return MLP_ARCH;
  // Without metadata, the names and shapes alone are enough for the MLP.
  if (isMlp(shapes)) return MLP_ARCH;
  return null;
}

export function parameterShapes(arch: Architecture): Array<[string, number[]]> {
  switch (arch) {
    case MLP_ARCH:
      return mlpShapes();
  }
}

export function logitsOf(arch: Architecture, p: Params, x: Float32Array, B: number): Float32Array {
  switch (arch) {
    case MLP_ARCH:
      return mlpForward(p, x, B).logits;
  }
}

/** The parameters with every weight of rank ≥ 2 quantized and dequantized under `spec`. */
export function fakeQuantized(arch: Architecture, p: Params, spec: QuantSpec): Params {
  const out: Params = {};
  for (const [name, shape] of parameterShapes(arch))
    out[name] =
      shape.length >= 2 ? quantize(p[name]!, shape, spec).xq! : Float32Array.from(p[name]!);
  return out;
}

export interface VariantResult {
  label: string;
  spec: QuantSpec | null;
  evaluation: Evaluation;
  /** Where the forward passes ran. */
  on: 'webgpu' | 'cpu';
}

/** Runs a stack of dense layers (the GPU kernels, or the CPU twin). */
export interface DenseRunner {
  on: 'webgpu' | 'cpu';
  run(layers: readonly DenseLayer[], x: Float32Array, rows: number): Promise<Float32Array>;
}

export const cpuDense: DenseRunner = {
  on: 'cpu',
  run: async (layers, x, rows) => denseStackCpu(layers, x, rows),
};

async function logitsOn(
  runner: DenseRunner,
  arch: Architecture,
  p: Params,
  x: Float32Array,
  B: number,
): Promise<Float32Array> {
  switch (arch) {
    case MLP_ARCH:
      return runner.run(mlpLayers(p), x, B);
  }
}

/** The reference model and each variant on the fixed test split. */
export async function evaluateVariants(
  arch: Architecture,
  p: Params,
  digits: Digits,
  variants: Array<{ label: string; spec: QuantSpec }>,
  opts: {
    runner?: DenseRunner | undefined;
    onProgress?: ((fraction: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<VariantResult[]> {
  const runner = opts.runner ?? cpuDense;
  const { test } = splitDigits(digits);
  const { x, y } = batchOf(digits, test);
  const reference = await logitsOn(runner, arch, p, x, test.length);
  const out: VariantResult[] = [
    { label: 'fp32', spec: null, evaluation: evaluateLogits(reference, y, 10), on: runner.on },
  ];
  for (const [i, v] of variants.entries()) {
    opts.signal?.throwIfAborted();
    const logits = await logitsOn(runner, arch, fakeQuantized(arch, p, v.spec), x, test.length);
    out.push({
      label: v.label,
      spec: v.spec,
      evaluation: evaluateLogits(logits, y, 10, reference),
      on: runner.on,
    });
    opts.onProgress?.((i + 1) / variants.length);
  }
  return out;
}

export interface QatRow {
  bits: number;
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
 * PTQ against QAT at each bit width (weights per channel, activations per tensor): the MLP only.
 * `tick` is awaited now and then with the fraction done (to report progress and let a cancel in).
 */
export async function compareQat(
  arch: Architecture,
  p: Params,
  digits: Digits,
  bitsList: readonly number[],
  opts: { epochs: number; tick?: (fraction: number) => Promise<void> },
): Promise<QatComparison> {
  if (arch !== MLP_ARCH)
    throw new Error(`quantization-aware training is not available for ${arch}`);
  const { train, test } = splitDigits(digits);
  const { x, y } = batchOf(digits, test);
  const reference = logitsOf(arch, p, x, test.length);
  const cal = calibrationBatch(digits, train, 512);
  const ranges = calibrate(p, cal.x, 512);
  const rows: QatRow[] = [];
  for (const [i, bits] of bitsList.entries()) {
    const ptq = evaluateLogits(quantizedLogits(p, ranges, bits, x, test.length), y, 10, reference);
    const tuned = await trainQat(p, digits, train, ranges, {
      bits,
      epochs: opts.epochs,
      batch: 64,
      lr: bits >= 8 ? 1e-4 : 5e-4,
      seed: 11 + bits,
      momentum: 0.99,
      tick: (f) => opts.tick?.((i + f) / bitsList.length) ?? Promise.resolve(),
    });
    const qat = evaluateLogits(
      quantizedLogits(tuned.params, tuned.ranges, bits, x, test.length),
      y,
      10,
      reference,
    );
    rows.push({ bits, ptq, qat });
  }
  return { fp32: evaluateLogits(reference, y, 10), rows, epochs: opts.epochs };
}

export interface LowRankLayer {
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
  arch: Architecture,
  p: Params,
  digits: Digits,
  energy: number,
  svds: (name: string, w: Float32Array, shape: number[]) => Svd,
  runner: DenseRunner = cpuDense,
): Promise<LowRankResult> {
  const q: Params = {};
  const layers: LowRankLayer[] = [];
  for (const [name, shape] of parameterShapes(arch)) {
    if (shape.length < 2) {
      q[name] = p[name]!;
      continue;
    }
    const [out, inp] = [shape[0]!, shape[1]!];
    const d = svds(name, p[name]!, shape);
    const k = rankForEnergy(d.s, energy);
    const total = Math.sqrt(d.s.reduce((a, v) => a + v * v, 0));
    const factored = k * (out + inp);
    const worth = factored < out * inp;
    q[name] = worth ? lowRank(d, k) : p[name]!;
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
  const { test } = splitDigits(digits);
  const { x, y } = batchOf(digits, test);
  const reference = await logitsOn(runner, arch, p, x, test.length);
  const logits = await logitsOn(runner, arch, q, x, test.length);
  return {
    energy,
    layers,
    evaluation: evaluateLogits(logits, y, 10, reference),
    fp32: evaluateLogits(reference, y, 10),
    on: runner.on,
  };
}
