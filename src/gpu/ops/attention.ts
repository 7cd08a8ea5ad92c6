// Attention on the GPU: the FlashAttention-style kernel (memory linear in N) and the naive one that
// materialises the N × N scores (twin of both: attentionReference in src/core/nn/attention.ts). Each
// call counts the bytes it allocates, so the benchmark can show what the naive way costs, and takes
// an optional timer for the GPU time of its passes.
import { attentionBytes } from '../../core/nn/attention.ts';
import { readBack, storage, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { roundToF16, uploadF16 } from '../f16.ts';
import { encodeFlashAttention } from '../kernels/flash_attention.ts';
import { encodeNaiveAttention } from '../kernels/naive_attention.ts';
import type { PassTimer } from '../timing.ts';
import type { MatmulLayer, Precision } from './matmul.ts';

export { FLASH_MAX_D } from '../kernels/flash_attention.ts';

export interface AttentionInput {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  bh: number;
  n: number;
  d: number;
  causal: boolean;
}

export interface AttentionRun {
  o: Float32Array;
  /** Bytes of device buffers this run allocated (inputs, output and, for the naive one, scores). */
  bytes: number;
}

/**
 * With precision 'f16', Q, K and V are stored as f16 where the device has shader-f16 (the same
 * kernel text with S = f16) and rounded to f16 for the f32 kernel elsewhere: the same results.
 */
export async function flashAttention(
  ctx: GpuContext,
  a: AttentionInput,
  timer?: PassTimer | null,
  precision: Precision = 'f32',
): Promise<AttentionRun & { precision: MatmulLayer['precision'] }> {
  const { device } = ctx;
  const size = a.bh * a.n * a.d;
  const native = precision === 'f16' && ctx.summary.features.includes('shader-f16');
  const rounded = precision === 'f16' && !native;
  const up = (x: Float32Array) =>
    native
      ? uploadF16(device, x.subarray(0, size))
      : uploadF32(device, rounded ? roundToF16(x.subarray(0, size)) : x, 0, size);
  const temps = [up(a.q), up(a.k), up(a.v), storage(device, size * 4)];
  const [q, k, v, o] = temps as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
  try {
    const enc = device.createCommandEncoder();
    temps.push(
      ...(await encodeFlashAttention(device, enc, { q, k, v, o }, a, { half: native, timer })),
    );
    const [bytes] = await readBack(device, enc, [o]);
    const full = attentionBytes(a.bh, a.n, a.d).flash;
    return {
      o: new Float32Array(bytes!, 0, size),
      // Three of the four buffers hold half as many bytes in f16.
      bytes: native ? full - (3 * size * 4) / 2 : full,
      precision: native ? 'f16' : rounded ? 'f16 (f32 fallback)' : 'f32',
    };
  } finally {
    temps.forEach((b) => b.destroy());
  }
}

/** Throws a RangeError when the scores do not fit one storage binding of this device. */
export async function naiveAttention(
  ctx: GpuContext,
  a: AttentionInput,
  timer?: PassTimer | null,
): Promise<AttentionRun> {
  const { device } = ctx;
  const need = attentionBytes(a.bh, a.n, a.d);
  if (need.scores > ctx.maxBindingBytes)
    throw new RangeError(
      `the ${a.n} × ${a.n} scores of ${a.bh} heads take ${need.scores} bytes, over the ${ctx.maxBindingBytes}-byte binding limit`,
    );
  const size = a.bh * a.n * a.d;
  const temps = [
    uploadF32(device, a.q, 0, size),
    uploadF32(device, a.k, 0, size),
    uploadF32(device, a.v, 0, size),
    storage(device, need.scores),
    storage(device, size * 4),
  ];
  const [q, k, v, s, o] = temps as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
  try {
    const enc = device.createCommandEncoder();
    temps.push(...(await encodeNaiveAttention(device, enc, { q, k, v, s, o }, a, timer)));
    const [bytes] = await readBack(device, enc, [o]);
    return { o: new Float32Array(bytes!, 0, size), bytes: need.naive };
  } finally {
    temps.forEach((b) => b.destroy());
  }
}
