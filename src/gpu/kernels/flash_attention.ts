// Wrapper of shaders/attention/flash_attention.wgsl: O = softmax(Q·Kᵀ/√d [+ causal mask])·V for bh
// heads without storing the scores, one query row per invocation, 64 rows a workgroup (twin:
// attentionReference in src/core/nn/attention.ts).
import code from '../../../shaders/attention/flash_attention.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { f16Source } from '../f16.ts';
import { checkCounts, encodePass, type KernelRecord } from '../kernel.ts';
import type { PassTimer } from '../timing.ts';

/** MAX_D of the shader: the head sizes it keeps in registers. */
export const FLASH_MAX_D = 128;
const WG = 64;
const TK = 16;

export interface FlashShape {
  bh: number;
  n: number;
  d: number;
  causal: boolean;
}

/** Q, K, V [bh, n, d] (f16 with `half`) → O [bh, n, d] f32. */
export async function encodeFlashAttention(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; o: GPUBuffer },
  s: FlashShape,
  o: { half?: boolean; timer?: PassTimer | null | undefined } = {},
): Promise<GPUBuffer[]> {
  if (s.d > FLASH_MAX_D) throw new RangeError(`head size ${s.d} > ${FLASH_MAX_D}`);
  checkCounts('flash_attention', { bh: s.bh, n: s.n, d: s.d }, 0);
  const p = await pipeline(
    device,
    o.half ? 'flash_attention_f16' : 'flash_attention',
    o.half ? f16Source(code) : code,
    { D: s.d, TK, WG, CAUSAL: s.causal ? 1 : 0 },
  );
  return encodePass(device, enc, p, {
    buffers: [b.q, b.k, b.v, b.o],
    params: [
      ['u32', s.bh],
      ['u32', s.n],
      ['f32', 1 / Math.sqrt(s.d)],
    ],
    groups: [Math.ceil(s.n / WG), s.bh],
    timer: o.timer,
  });
}

export const kernel: KernelRecord = {
  stem: 'flash_attention',
  shader: 'shaders/attention/flash_attention.wgsl',
  code,
  twin: { module: 'src/core/nn/attention.ts', name: 'attentionReference' },
  encode: encodeFlashAttention,
};
