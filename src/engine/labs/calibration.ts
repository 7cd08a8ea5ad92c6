// The calibration lab on a demo model: capture each layer's input activations on a seeded
// calibration set, find every method's threshold, draw the curves behind the KL and MSE picks and
// the clipping / rounding trade-off; then compare PTQ variants on the test digits.
import {
  absHistogram,
  calibrate,
  type AbsHistogram,
  errorAtThreshold,
  klSearch,
  mseSearch,
  type CalibrationMethod,
} from '../../core/calib/calibrate.ts';
import { castValue } from '../../core/quant/rounding.ts';
import { DEFAULT_SPEC } from '../../core/quant/spec.ts';
import type { Params } from '../../core/nn/layer.ts';
import { layerInputs, weightLayers, type Net } from '../../core/nn/network.ts';
import { logitsUntil } from '../../models/runner.ts';
import { mulberry32, permutation } from '../../core/base/rng.ts';
import { evaluateLogits, type Evaluation } from '../../models/evaluate.ts';
import { batchOf, splitDigits, testBatch, type Digits } from '../../models/mnist.ts';
import { fakeQuantAct, withQuantizedWeights } from '../../models/qat.ts';

/** What each quantized activation is: the input of a weight layer, in forward order. */
function layerNames(net: Net): string[] {
  return weightLayers(net).map((l, i) =>
    i === 0 ? `${l.name} input (pixels)` : `${l.name} input`,
  );
}

interface MethodPick {
  id: string;
  label: string;
  threshold: number;
  warning: string | null;
}

export interface LayerStudy {
  layer: string;
  values: number;
  /** |x| histogram, 2048 bins over [0, max], summed down to 256 bars for the chart. */
  histogram: { counts: number[]; max: number };
  picks: MethodPick[];
  kl: Array<[number, number]>;
  mse: Array<[number, number]>;
  tradeoff: Array<{ threshold: number; clip: number; round: number }>;
  /** Each method's threshold on the first n digits of the same seeded sample, n = 32, 64, …, size. */
  convergence: Array<{ size: number; thresholds: Record<string, number> }>;
}

export interface StudyOptions {
  size: number;
  seed: number;
  momentum: number;
  bits: number;
}

/** The methods compared, with the settings other tools use. */
export function methods(
  momentum: number,
): Array<{ id: string; label: string; method: CalibrationMethod }> {
  return [
    { id: 'minmax', label: 'MinMax', method: { kind: 'minmax' } },
    { id: 'ema', label: `EMA MinMax (${momentum})`, method: { kind: 'ema', momentum } },
    { id: 'p99.9', label: 'percentile 99.9', method: { kind: 'percentile', percentile: 99.9 } },
    { id: 'p99.99', label: 'percentile 99.99', method: { kind: 'percentile', percentile: 99.99 } },
    {
      id: 'p99.999',
      label: 'percentile 99.999',
      method: { kind: 'percentile', percentile: 99.999 },
    },
    { id: 'mse', label: 'MSE', method: { kind: 'mse', bins: 2048 } },
    { id: 'kl', label: 'KL (TensorRT 2048/128)', method: { kind: 'kl', bins: 2048, levels: 128 } },
    {
      id: 'kl-ort',
      label: 'KL (onnxruntime 128/128)',
      method: { kind: 'kl', bins: 128, levels: 128 },
    },
    {
      id: 'kl-mxnet',
      label: 'KL (MXNet 8001/255)',
      method: { kind: 'kl', bins: 8001, levels: 255 },
    },
  ];
}

/** The calibration images: a seeded sample of the training split. */
export function calibrationSet(d: Digits, size: number, seed: number) {
  const { train } = splitDigits(d);
  const order = permutation(train.length, mulberry32(seed));
  const n = Math.max(1, Math.min(size, train.length));
  return batchOf(
    d,
    Array.from(order.subarray(0, n), (i) => train[i]!),
  );
}

function downsample(
  curve: Float64Array,
  width: number,
  from: number,
  points: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const step = Math.max(1, Math.ceil((curve.length - from) / points));
  for (let i = from; i < curve.length; i += step)
    if (Number.isFinite(curve[i]!)) out.push([i * width, curve[i]!]);
  return out;
}

/** Makes |x| histograms (the GPU kernel, or null to leave it to the CPU twin). */
type HistogramMaker = (x: Float32Array, bins: number) => Promise<AbsHistogram | null>;

export async function studyLayers(
  net: Net,
  p: Params,
  d: Digits,
  o: StudyOptions,
  gpuHistogram?: HistogramMaker,
  tick?: (fraction: number) => Promise<void>,
): Promise<LayerStudy[]> {
  const { x } = calibrationSet(d, o.size, o.seed);
  const B = x.length / net.inSize;
  const inputs = layerInputs(net, p, x, B);
  const names = layerNames(net);
  const out: LayerStudy[] = [];
  for (const [l, acts] of inputs.entries()) {
    out.push(
      await studyLayer(acts, names[l]!, B, o, gpuHistogram, (f) =>
        tick ? tick((l + f) / inputs.length) : Promise.resolve(),
      ),
    );
  }
  return out;
}

async function studyLayer(
  acts: Float32Array,
  layer: string,
  B: number,
  o: StudyOptions,
  gpuHistogram: HistogramMaker | undefined,
  tick: (fraction: number) => Promise<void>,
): Promise<LayerStudy> {
  {
    // The histograms the MSE and KL methods read, made once per bin count (on the GPU if there is one).
    const made = new Map<number, AbsHistogram>();
    const histogramOf = async (bins: number) => {
      let h = made.get(bins);
      if (!h) {
        h = (gpuHistogram ? await gpuHistogram(acts, bins) : null) ?? absHistogram(acts, bins);
        made.set(bins, h);
      }
      return h;
    };
    const width = acts.length / B;
    const batches: Float32Array[] = [];
    for (let r = 0; r < B; r += 32)
      batches.push(acts.subarray(r * width, Math.min(B, r + 32) * width));
    const picks: MethodPick[] = [];
    for (const { id, label, method } of methods(o.momentum)) {
      const h =
        method.kind === 'mse' || method.kind === 'kl' ? await histogramOf(method.bins) : undefined;
      const c = calibrate(batches, method, o.bits, h);
      picks.push({ id, label, threshold: c.threshold, warning: c.warning });
      await tick(0.3 * (picks.length / 9));
    }
    const h = await histogramOf(2048);
    const signed = acts.some((v) => v < 0);
    const qmax = signed ? 2 ** (o.bits - 1) - 1 : 2 ** o.bits - 1;
    const k = klSearch(h, 128);
    // KL candidate i ends at (i + ½) bins; MSE candidate i at (i + 1) bins.
    const kl = downsample(k.curve, h.width, k.start, 256).map(
      ([t, v]) => [Math.min(t + h.width / 2, h.max), v] as [number, number],
    );
    const ms = mseSearch(h, qmax);
    const mse = downsample(ms.curve, h.width, 0, 256).map(
      ([t, v]) => [t + h.width, v] as [number, number],
    );
    const tradeoff = Array.from({ length: 40 }, (_, i) => {
      const t = (h.max * (i + 1)) / 40;
      const e = errorAtThreshold(acts, t, o.bits, signed);
      return { threshold: t, clip: e.clipMse, round: e.roundMse };
    });
    const convergence = [];
    // 32, 64, … and the whole set (when it is not a power-of-two multiple of 32).
    const sizes: number[] = [];
    for (let n = 32; n < B; n *= 2) sizes.push(n);
    sizes.push(B);
    for (const [si, n] of sizes.entries()) {
      await tick(0.3 + 0.7 * (si / sizes.length));
      const part = acts.subarray(0, n * width);
      const pb: Float32Array[] = [];
      for (let r = 0; r < n; r += 32)
        pb.push(part.subarray(r * width, Math.min(n, r + 32) * width));
      const thresholds: Record<string, number> = {};
      for (const m of methods(o.momentum))
        thresholds[m.id] = calibrate(pb, m.method, o.bits).threshold;
      convergence.push({ size: n, thresholds });
    }
    const bars = new Array<number>(256).fill(0);
    h.counts.forEach((c, i) => (bars[Math.floor(i / 8)]! += c));
    return {
      layer,
      values: acts.length,
      histogram: { counts: bars, max: h.max },
      picks,
      kl,
      mse,
      tradeoff,
      convergence,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// PTQ variants

type ActMode =
  | { kind: 'float' }
  | { kind: 'fp16' }
  | { kind: 'static'; bits: number; hi: number[]; signed: boolean[] }
  | { kind: 'dynamic'; bits: number };

function ptqLogits(
  signal: AbortSignal | undefined,
  net: Net,
  p: Params,
  x: Float32Array,
  B: number,
  weights: { bits: number; perChannel: boolean } | null,
  acts: ActMode,
  onlyLayer: number | null = null,
): Promise<Float32Array> {
  const w = weights
    ? withQuantizedWeights(net, p, {
        ...DEFAULT_SPEC,
        bits: weights.bits,
        granularity: weights.perChannel ? { kind: 'channel', axis: 0 } : { kind: 'tensor' },
      })
    : p;
  return logitsUntil(
    signal,
    net,
    w,
    x,
    B,
    {
      input: (layer, hq, rows) => {
        const l = layer.index;
        if (onlyLayer !== null && onlyLayer !== l) return null;
        if (acts.kind === 'fp16')
          for (let i = 0; i < hq.length; i++) hq[i] = castValue(hq[i]!, 'fp16');
        else if (acts.kind === 'static')
          fakeQuantAct(hq, acts.signed[l] ? -acts.hi[l]! : 0, acts.hi[l]!, acts.bits);
        else if (acts.kind === 'dynamic') {
          // Ranges from each batch of 100 digits itself.
          let lo = 0;
          let hi = 0;
          for (const v of hq) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
          fakeQuantAct(hq, lo, hi, acts.bits);
        }
        void rows;
        return null;
      },
    },
    100,
  );
}

interface PtqRow {
  label: string;
  evaluation: Evaluation;
}

export interface PtqComparison {
  rows: PtqRow[];
  /** Static W8A8 (KL) with only one layer's activations quantized: which layer hurts most. */
  perLayer: Array<{ layer: string; accuracy: number }>;
}

export async function comparePtq(
  net: Net,
  p: Params,
  d: Digits,
  o: StudyOptions,
  tick?: (fraction: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<PtqComparison> {
  const { x, y, n: B } = testBatch(d);
  const run = (
    weights: { bits: number; perChannel: boolean } | null,
    acts: ActMode,
    onlyLayer: number | null = null,
  ) => ptqLogits(signal, net, p, x, B, weights, acts, onlyLayer);
  const reference = await run(null, { kind: 'float' });
  const cal = calibrationSet(d, o.size, o.seed);
  const Bc = cal.x.length / net.inSize;
  const inputs = layerInputs(net, p, cal.x, Bc);
  const signed = inputs.map((acts) => acts.some((v) => v < 0));
  const names = layerNames(net);
  const staticMode = (method: CalibrationMethod): ActMode => ({
    kind: 'static',
    bits: o.bits,
    signed,
    hi: inputs.map((acts) => {
      const width = acts.length / Bc;
      const batches: Float32Array[] = [];
      for (let r = 0; r < Bc; r += 32)
        batches.push(acts.subarray(r * width, Math.min(Bc, r + 32) * width));
      return calibrate(batches, method, o.bits).threshold;
    }),
  });
  const ev = (logits: Float32Array) => evaluateLogits(logits, y, 10, reference);
  const variants: Array<[string, () => Promise<Float32Array>]> = [
    ['fp32', async () => reference],
    [
      'W8A32 (weights only, per channel)',
      () => run({ bits: 8, perChannel: true }, { kind: 'float' }),
    ],
    [
      'W4A16 (weights only, per channel)',
      () => run({ bits: 4, perChannel: true }, { kind: 'fp16' }),
    ],
    [
      `dynamic W${o.bits}A${o.bits} (ranges per batch)`,
      () => run({ bits: o.bits, perChannel: true }, { kind: 'dynamic', bits: o.bits }),
    ],
  ];
  for (const m of methods(o.momentum))
    for (const perChannel of [true, false])
      variants.push([
        `static W${o.bits}A${o.bits}, ${m.label}, weights per ${perChannel ? 'channel' : 'tensor'}`,
        () => run({ bits: o.bits, perChannel }, staticMode(m.method)),
      ]);
  const steps = variants.length + names.length;
  const rows: PtqRow[] = [];
  for (const [i, [label, go]] of variants.entries()) {
    rows.push({ label, evaluation: ev(await go()) });
    await tick?.((i + 1) / steps);
  }
  const kl = staticMode({ kind: 'kl', bins: 2048, levels: 128 });
  const perLayer = [];
  for (const [l, layer] of names.entries()) {
    const logits = await run({ bits: o.bits, perChannel: true }, kl, l);
    perLayer.push({ layer, accuracy: evaluateLogits(logits, y, 10).accuracy });
    await tick?.((variants.length + l + 1) / steps);
  }
  return { rows, perLayer };
}
