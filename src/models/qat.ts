// Weight-and-activation quantization of the demo MLP, post-training (PTQ: MinMax-calibrated
// activation ranges, nothing retrained) and quantization-aware (QAT: fine-tuning through fake
// quantization with the straight-through estimator).
//   weights      int b, symmetric (restricted range), one scale per output channel (core quantize)
//   activations  each layer's input, uint b over one range per tensor [lo, hi] ∋ 0, as ONNX
//                QuantizeLinear with a zero point; ranges from a MinMax pass over calibration
//                batches, then (QAT) an exponential moving average of each batch's min / max
//   gradients    straight through the rounding; zero where an activation was clipped
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
import { roundHalfEven } from '../core/intquant.ts';
import { DEFAULT_SPEC, quantize } from '../core/quant.ts';
import { mulberry32, permutation } from '../core/rng.ts';
import { MLP_SIZES, mlpLayerInputs, mlpShapes, type Params } from './mlp.ts';
import { batchOf, shiftedBatch, type Digits } from './mnist.ts';

const LAYERS = MLP_SIZES.length - 1;
const f = Math.fround;

/** The input range of each layer. */
export interface ActRanges {
  lo: number[];
  hi: number[];
}

/** Weights fake-quantized per output channel at `bits`. */
export function quantizedWeights(p: Params, bits: number): Params {
  const out: Params = {};
  for (const [name, shape] of mlpShapes())
    out[name] =
      shape.length >= 2
        ? quantize(p[name]!, shape, { ...DEFAULT_SPEC, bits }).xq!
        : Float32Array.from(p[name]!);
  return out;
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

/** MinMax ranges of each layer's input over the given images (float forward pass). */
export function calibrate(p: Params, x: Float32Array, B: number): ActRanges {
  const lo: number[] = [];
  const hi: number[] = [];
  for (const h of mlpLayerInputs(p, x, B)) {
    let mn = 0;
    let mx = 0;
    for (let i = 0; i < h.length; i++) {
      if (h[i]! < mn) mn = h[i]!;
      if (h[i]! > mx) mx = h[i]!;
    }
    lo.push(mn);
    hi.push(mx);
  }
  return { lo, hi };
}

/** Logits with quantized weights (already fake-quantized in `pq`) and quantized activations. */
export function quantizedForward(
  pq: Params,
  x: Float32Array,
  B: number,
  ranges: ActRanges,
  bits: number,
): { logits: Float32Array; inputs: Float32Array[]; masks: Uint8Array[]; raw: Float32Array[] } {
  const inputs: Float32Array[] = [];
  const masks: Uint8Array[] = [];
  const raw: Float32Array[] = [];
  let h = x;
  for (let l = 0; l < LAYERS; l++) {
    raw.push(h);
    const hq = Float32Array.from(h);
    masks.push(fakeQuantAct(hq, ranges.lo[l]!, ranges.hi[l]!, bits));
    inputs.push(hq);
    const y = linearForward(
      hq,
      B,
      MLP_SIZES[l]!,
      pq[`fc${l + 1}.weight`]!,
      MLP_SIZES[l + 1]!,
      pq[`fc${l + 1}.bias`]!,
    );
    if (l < LAYERS - 1) reluInPlace(y);
    h = y;
  }
  return { logits: h, inputs, masks, raw };
}

export interface QatOptions {
  bits: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  /** EMA momentum of the activation ranges. */
  momentum: number;
  /** Awaited every few batches (to let a cancel in, and to report progress 0..1). */
  tick?: (fraction: number) => Promise<void>;
}

/**
 * Fine-tunes a copy of `p` through fake quantization. Returns the float master weights (quantize
 * them at `bits` to deploy) and the activation ranges.
 */
export async function trainQat(
  p0: Params,
  d: Digits,
  train: Uint32Array,
  ranges0: ActRanges,
  o: QatOptions,
): Promise<{ params: Params; ranges: ActRanges }> {
  const p: Params = {};
  for (const [name] of mlpShapes()) p[name] = Float32Array.from(p0[name]!);
  const ranges: ActRanges = { lo: [...ranges0.lo], hi: [...ranges0.hi] };
  const state: Record<string, AdamState> = {};
  for (const [name] of mlpShapes()) state[name] = adamState(p[name]!.length);
  const rand = mulberry32(o.seed);
  const steps = o.epochs * Math.floor(train.length / o.batch);
  let step = 0;
  for (let e = 0; e < o.epochs; e++) {
    const order = permutation(train.length, rand);
    for (let s = 0; s + o.batch <= train.length; s += o.batch, step++) {
      const idx = Array.from(order.subarray(s, s + o.batch), (i) => train[i]!);
      const { x, y } = shiftedBatch(d, idx, 1, rand);
      const pq = quantizedWeights(p, o.bits);
      const fwd = quantizedForward(pq, x, o.batch, ranges, o.bits);
      // The ranges follow the batches (moving-average MinMax of the unquantized inputs).
      for (let l = 1; l < LAYERS; l++) {
        let mn = 0;
        let mx = 0;
        for (const v of fwd.raw[l]!) {
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        ranges.lo[l] = o.momentum * ranges.lo[l]! + (1 - o.momentum) * mn;
        ranges.hi[l] = o.momentum * ranges.hi[l]! + (1 - o.momentum) * mx;
      }
      const { grad } = crossEntropy(fwd.logits, o.batch, 10, y);
      let dy = grad;
      const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * step) / steps));
      for (let l = LAYERS - 1; l >= 0; l--) {
        const K = MLP_SIZES[l]!;
        const N = MLP_SIZES[l + 1]!;
        const dW = new Float32Array(N * K);
        const db = new Float32Array(N);
        const dx = l > 0 ? new Float32Array(o.batch * K) : null;
        // Straight through the weight rounding: the gradient for Wq updates the float W.
        linearBackward(fwd.inputs[l]!, o.batch, K, pq[`fc${l + 1}.weight`]!, N, dy, dW, db, dx);
        adamStep(p[`fc${l + 1}.weight`]!, dW, state[`fc${l + 1}.weight`]!, lr);
        adamStep(p[`fc${l + 1}.bias`]!, db, state[`fc${l + 1}.bias`]!, lr);
        if (dx) {
          // Through the activation quantizer where the value was in range, then the ReLU.
          const m = fwd.masks[l]!;
          for (let i = 0; i < dx.length; i++) if (!m[i]) dx[i] = 0;
          dy = reluBackwardInPlace(fwd.raw[l]!, dx);
        }
      }
      if (o.tick && step % 8 === 0) await o.tick(step / steps);
    }
  }
  return { params: p, ranges };
}

/** Logits of the deployed quantized model: weights and activations at `bits`. */
export function quantizedLogits(
  p: Params,
  ranges: ActRanges,
  bits: number,
  x: Float32Array,
  B: number,
): Float32Array {
  return quantizedForward(quantizedWeights(p, bits), x, B, ranges, bits).logits;
}

/** Calibration images: the first `n` training digits. */
export function calibrationBatch(d: Digits, train: Uint32Array, n: number) {
  return batchOf(d, train.subarray(0, n));
}
