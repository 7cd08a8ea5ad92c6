// Wrapper of shaders/lm/gqa_attention.wgsl: grouped-query causal attention over [rows, heads · D]
// queries and [positions, kvHeads · D] keys and values, without storing the scores; one query row
// per invocation, 64 rows of one head per workgroup (twin: gqaAttention in
// src/core/lm/attention.ts).
import code from '../../../shaders/lm/gqa_attention.wgsl?raw';
import type { GqaShape } from '../../core/lm/attention.ts';
import { pipeline } from '../buffers.ts';
import {
  check,
  checkCounts,
  checkSize,
  encodePass,
  groups1d,
  type KernelRecord,
} from '../kernel.ts';

/** MAX_D of the shader: the head sizes it keeps in registers. */
export const GQA_MAX_D = 128;
const WG = 64;

/** q [rows, heads · D], k and v [≥ pos0 + rows, kvHeads · D] → out [rows, heads · D]. */
export async function encodeGqaAttention(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; out: GPUBuffer },
  s: GqaShape,
): Promise<GPUBuffer[]> {
  const { rows, pos0, heads, kvHeads, headDim: d } = s;
  checkCounts('gqa_attention', { rows, heads, kvHeads, headDim: d });
  checkCounts('gqa_attention', { pos0 }, 0);
  check(d <= GQA_MAX_D, 'gqa_attention', `headDim ${d} is over the kernel's ${GQA_MAX_D}`);
  check(
    heads % kvHeads === 0,
    'gqa_attention',
    `${heads} query heads do not share ${kvHeads} key/value heads evenly`,
  );
  checkSize('gqa_attention', 'q', b.q, rows * heads * d);
  checkSize('gqa_attention', 'k', b.k, (pos0 + rows) * kvHeads * d);
  checkSize('gqa_attention', 'v', b.v, (pos0 + rows) * kvHeads * d);
  checkSize('gqa_attention', 'out', b.out, rows * heads * d);
  // Two tiles of TK keys fit the default 16 KiB of workgroup memory.
  const TK = Math.max(1, Math.min(64, Math.floor(2048 / d)));
  const p = await pipeline(device, 'gqa_attention', code, { D: d, TK, WG });
  return encodePass(device, enc, p, {
    buffers: [b.q, b.k, b.v, b.out],
    params: [
      ['u32', rows],
      ['u32', pos0],
      ['u32', heads],
      ['u32', kvHeads],
      ['f32', 1 / Math.sqrt(d)],
    ],
    groups: [groups1d(rows, WG, 'query rows')[0], heads],
  });
}

export const kernel: KernelRecord = {
  stem: 'gqa_attention',
  shader: 'shaders/lm/gqa_attention.wgsl',
  code,
  twin: { module: 'src/core/lm/attention.ts', name: 'gqaAttention' },
  encode: encodeGqaAttention,
};
