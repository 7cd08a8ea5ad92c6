// Quantizing one tensor to see what a scheme does to it: the error, split into clipping and rounding.
import {
  absQuantile,
  channelOf,
  channelRanges,
  dequantizeInt,
  quantizeInt,
} from '../core/intquant.ts';
import { quantError, type QuantError } from '../core/quant-error.ts';

export interface QuantScheme {
  bits: 4 | 8;
  symmetric: boolean;
  granularity: 'tensor' | 'channel';
  /** Clip at this quantile of |x| (1 = no clipping, the absmax / min-max range). */
  clipQuantile: number;
}

export interface QuantReport {
  scheme: QuantScheme;
  error: QuantError;
  /** Scales (per channel or one), zero points: summarised for display. */
  channels: number;
  clipAt: number | null;
  /** Quantization levels in use as values (per-tensor schemes only), for drawing on the histogram. */
  levels: number[] | null;
}

export function quantizeForReport(
  x: Float32Array,
  shape: number[],
  scheme: QuantScheme,
): QuantReport {
  const perChannel = scheme.granularity === 'channel' && shape.length >= 2;
  const qshape = perChannel ? shape : [1, x.length];
  const clip = scheme.clipQuantile < 1 ? absQuantile(x, scheme.clipQuantile) : undefined;
  const q = quantizeInt(x, qshape, {
    bits: scheme.bits,
    symmetric: scheme.symmetric,
    axis: 0,
    ...(clip !== undefined ? { clip } : {}),
  });
  const xq = dequantizeInt(q.codes, q.scales, q.zeroPoints, qshape, 0);
  const ranges = channelRanges(q);
  const ch = channelOf(qshape, 0);
  const error = quantError(x, xq, (i) => ranges[ch(i)]!);
  const levels =
    q.scales.length === 1
      ? Array.from({ length: q.qmax - q.qmin + 1 }, (_, k) =>
          Math.fround((q.qmin + k - q.zeroPoints[0]!) * q.scales[0]!),
        )
      : null;
  return { scheme, error, channels: q.scales.length, clipAt: clip ?? null, levels };
}
