// Wrapper of shaders/attention/naive_attention.wgsl: the scores S [bh, n, n] written out (stage 0,
// one invocation per score), then softmax and S·V per query row (stage 1); both stages are encoded
// here (twin: attentionReference in src/core/nn/attention.ts).
import code from '../../../shaders/attention/naive_attention.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, MAX_GROUPS, type KernelRecord } from '../kernel.ts';
import type { PassTimer } from '../timing.ts';
import type { FlashShape } from './flash_attention.ts';

/** Q, K, V [bh, n, d] → O [bh, n, d], through the scores buffer s [bh, n, n]. */
export async function encodeNaiveAttention(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; s: GPUBuffer; o: GPUBuffer },
  a: FlashShape,
  timer?: PassTimer | null | undefined,
): Promise<GPUBuffer[]> {
  checkCounts('naive_attention', { bh: a.bh, n: a.n, d: a.d }, 0);
  checkSize('naive_attention', 's', b.s, a.bh * a.n * a.n);
  const temps: GPUBuffer[] = [];
  for (const stage of [0, 1]) {
    const total = stage === 0 ? a.bh * a.n * a.n : a.bh * a.n;
    const gx = Math.min(MAX_GROUPS, Math.ceil(total / 64));
    const row = gx * 64;
    const p = await pipeline(device, 'naive_attention', code, {
      D: a.d,
      STAGE: stage,
      CAUSAL: a.causal ? 1 : 0,
    });
    temps.push(
      ...encodePass(device, enc, p, {
        buffers: [b.q, b.k, b.v, b.s, b.o],
        params: [
          ['u32', a.bh],
          ['u32', a.n],
          ['f32', 1 / Math.sqrt(a.d)],
          ['u32', row],
        ],
        groups: [gx, Math.ceil(total / row)],
        timer,
      }),
    );
  }
  return temps;
}

export const kernel: KernelRecord = {
  stem: 'naive_attention',
  shader: 'shaders/attention/naive_attention.wgsl',
  code,
  twin: { module: 'src/core/nn/attention.ts', name: 'attentionReference' },
  encode: encodeNaiveAttention,
};
