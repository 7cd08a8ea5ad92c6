// Attention on the GPU: the FlashAttention-style kernel (memory linear in N) and the naive one that
// materialises the N × N scores (twin of both: attentionReference in src/core/attention.ts). Each
// call counts the bytes it allocates, so the benchmark can show what the naive way costs, and takes
// an optional timer for the GPU time of its passes.
import flashCode from '../../shaders/attention/flash_attention.wgsl?raw';
import naiveCode from '../../shaders/attention/naive_attention.wgsl?raw';
import { attentionBytes } from '../core/nn/attention.ts';
import { pipeline, readBack, storage, uniform, uploadF32 } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { f16Source, roundToF16, uploadF16 } from './f16.ts';
import type { MatmulLayer, Precision } from './matmul.ts';
import { timedPass, type PassTimer } from './timing.ts';

export const FLASH_MAX_D = 128;
const WG = 64;
const TK = 16;

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

function bind(device: GPUDevice, p: GPUComputePipeline, buffers: GPUBuffer[]) {
  return device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
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
  if (a.d > FLASH_MAX_D) throw new RangeError(`head size ${a.d} > ${FLASH_MAX_D}`);
  const size = a.bh * a.n * a.d;
  const native = precision === 'f16' && ctx.summary.features.includes('shader-f16');
  const rounded = precision === 'f16' && !native;
  const up = (x: Float32Array) =>
    native
      ? uploadF16(device, x.subarray(0, size))
      : uploadF32(device, rounded ? roundToF16(x.subarray(0, size)) : x, 0, size);
  const bufs = [up(a.q), up(a.k), up(a.v), storage(device, size * 4)];
  const params = uniform(device, [
    ['u32', a.bh],
    ['u32', a.n],
    ['f32', 1 / Math.sqrt(a.d)],
  ]);
  try {
    const p = await pipeline(
      device,
      native ? 'flash_attention_f16' : 'flash_attention',
      native ? f16Source(flashCode) : flashCode,
      {
        D: a.d,
        TK,
        WG,
        CAUSAL: a.causal ? 1 : 0,
      },
    );
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass(timedPass(timer));
    pass.setPipeline(p);
    pass.setBindGroup(0, bind(device, p, [...bufs, params]));
    pass.dispatchWorkgroups(Math.ceil(a.n / WG), a.bh);
    pass.end();
    const [bytes] = await readBack(device, enc, [bufs[3]!]);
    const full = attentionBytes(a.bh, a.n, a.d).flash;
    return {
      o: new Float32Array(bytes!, 0, size),
      // Three of the four buffers hold half as many bytes in f16.
      bytes: native ? full - (3 * size * 4) / 2 : full,
      precision: native ? 'f16' : rounded ? 'f16 (f32 fallback)' : 'f32',
    };
  } finally {
    [...bufs, params].forEach((b) => b.destroy());
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
  const bufs = [
    uploadF32(device, a.q, 0, size),
    uploadF32(device, a.k, 0, size),
    uploadF32(device, a.v, 0, size),
    storage(device, need.scores),
    storage(device, size * 4),
  ];
  const temps: GPUBuffer[] = [...bufs];
  try {
    const enc = device.createCommandEncoder();
    for (const stage of [0, 1]) {
      const total = stage === 0 ? a.bh * a.n * a.n : a.bh * a.n;
      const gx = Math.min(65535, Math.ceil(total / 64));
      const row = gx * 64;
      const params = uniform(device, [
        ['u32', a.bh],
        ['u32', a.n],
        ['f32', 1 / Math.sqrt(a.d)],
        ['u32', row],
      ]);
      temps.push(params);
      const p = await pipeline(device, 'naive_attention', naiveCode, {
        D: a.d,
        STAGE: stage,
        CAUSAL: a.causal ? 1 : 0,
      });
      const pass = enc.beginComputePass(timedPass(timer));
      pass.setPipeline(p);
      pass.setBindGroup(0, bind(device, p, [...bufs, params]));
      pass.dispatchWorkgroups(gx, Math.ceil(total / row));
      pass.end();
    }
    const [bytes] = await readBack(device, enc, [bufs[4]!]);
    return { o: new Float32Array(bytes!, 0, size), bytes: need.naive };
  } finally {
    temps.forEach((b) => b.destroy());
  }
}
