// Weight-and-activation quantization of a demo network, post-training (PTQ: MinMax-calibrated
// activation ranges, nothing retrained) and quantization-aware (QAT: fine-tuning through fake
// quantization with the straight-through estimator).
//   weights      every Linear / Conv2d weight, int b, symmetric (restricted range), one scale per
//                output channel (core quantize); biases, norms and embeddings stay float
//   activations  each weight layer's input, uint b over one range per tensor [lo, hi] ∋ 0, as ONNX
//                QuantizeLinear with a zero point; ranges from a MinMax pass over calibration
//                batches, then (QAT) an exponential moving average of each batch's min / max
//   gradients    straight through the rounding; zero where an activation was clipped
import { roundHalfEven } from '../core/quant/intquant.ts';
import { DEFAULT_SPEC, type QuantSpec } from '../core/quant/spec.ts';
import { quantize } from '../core/quant/quant.ts';
import type { Hooks, Params } from '../core/nn/layer.ts';
import { layerInputs, weightLayers, type Net } from '../core/nn/network.ts';
import { batchOf, type Digits } from './mnist.ts';
import { logitsUntil } from './runner.ts';
import { train } from './train.ts';

const f = Math.fround;

/** The input range of each weight layer, in forward order. */
interface ActRanges {
  lo: number[];
  hi: number[];
}

/** A copy of the parameters with every weight-layer weight through `spec` (quantize, dequantize). */
export function withQuantizedWeights(net: Net, p: Params, spec: QuantSpec): Params {
  const out: Params = { ...p };
  for (const l of weightLayers(net)) {
    const name = `${l.name}.weight`;
    out[name] = quantize(p[name]!, l.weightShape, spec).xq!;
  }
  return out;
}

/** Weights fake-quantized per output channel at `bits`. */
function quantizedWeights(net: Net, p: Params, bits: number): Params {
  return withQuantizedWeights(net, p, { ...DEFAULT_SPEC, bits });
}

/**
 * Fake-quantizes h in place over [lo, hi] with `bits` (unsigned, zero point), and returns the mask
 * of values inside the range (where the straight-through gradient passes).
 */
export function fakeQuantAct(h: Float32Array, lo: number, hi: number, bits: number): Uint8Array {
  const qmax = 2 ** bits - 1;
  const l = Math.min(lo, 0);
  const u = Math.max(hi, 0);
  const scale = u > l ? f((u - l) / qmax) : 1;
  const zp = Math.max(0, Math.min(qmax, roundHalfEven(-f(l / scale))));
  const mask = new Uint8Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    mask[i] = v >= l && v <= u ? 1 : 0;
    const q = Math.max(0, Math.min(qmax, roundHalfEven(f(v / scale)) + zp));
    h[i] = f((q - zp) * scale);
  }
  return mask;
}

function minMax(x: Float32Array): [number, number] {
  let mn = 0;
  let mx = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! < mn) mn = x[i]!;
    if (x[i]! > mx) mx = x[i]!;
  }
  return [mn, mx];
}

/** MinMax ranges of each weight layer's input over the given images (float forward pass). */
export function calibrate(net: Net, p: Params, x: Float32Array, B: number): ActRanges {
  const lo: number[] = [];
  const hi: number[] = [];
  for (const h of layerInputs(net, p, x, B)) {
    const [mn, mx] = minMax(h);
    lo.push(mn);
    hi.push(mx);
  }
  return { lo, hi };
}

/**
 * Hooks that fake-quantize each weight layer's input over its range; with `momentum`, each call
 * first moves the range towards the batch's own min / max (QAT's moving average).
 */
function actQuantHooks(ranges: ActRanges, bits: number, momentum?: number): Hooks {
  return {
    input: (layer, x) => {
      const i = layer.index;
      if (momentum !== undefined && i > 0) {
        const [mn, mx] = minMax(x);
        ranges.lo[i] = momentum * ranges.lo[i]! + (1 - momentum) * mn;
        ranges.hi[i] = momentum * ranges.hi[i]! + (1 - momentum) * mx;
      }
      return fakeQuantAct(x, ranges.lo[i]!, ranges.hi[i]!, bits);
    },
  };
}

interface QatOptions {
  bits: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  /** EMA momentum of the activation ranges. */
  momentum: number;
  /** Awaited every few steps (progress 0..1; pause and cancel). */
  tick?: (fraction: number) => Promise<void>;
}

/**
 * Fine-tunes a copy of `p` through fake quantization. Returns the float master weights (quantize
 * them at `bits` to deploy) and the activation ranges.
 */
export async function trainQat(
  net: Net,
  p0: Params,
  d: Digits,
  trainIdx: Uint32Array,
  ranges0: ActRanges,
  o: QatOptions,
): Promise<{ params: Params; ranges: ActRanges }> {
  const p: Params = {};
  for (const [name, v] of Object.entries(p0)) p[name] = Float32Array.from(v);
  const ranges: ActRanges = { lo: [...ranges0.lo], hi: [...ranges0.hi] };
  await train(net, p, d, trainIdx, {
    epochs: o.epochs,
    batch: o.batch,
    lr: o.lr,
    seed: o.seed,
    shift: 1,
    effective: (q) => quantizedWeights(net, q, o.bits),
    hooks: actQuantHooks(ranges, o.bits, o.momentum),
    tick: o.tick,
  });
  return { params: p, ranges };
}

/** Logits of the deployed quantized model: weights and activations at `bits` (stops at `signal`). */
export function quantizedLogits(
  net: Net,
  p: Params,
  ranges: ActRanges,
  bits: number,
  x: Float32Array,
  B: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  return logitsUntil(
    signal,
    net,
    quantizedWeights(net, p, bits),
    x,
    B,
    actQuantHooks(ranges, bits),
  );
}

/** Calibration images: the first `n` training digits. */
export function calibrationBatch(d: Digits, trainIdx: Uint32Array, n: number) {
  return batchOf(d, trainIdx.subarray(0, n));
}
