// Wrapper of shaders/nn/adam.wgsl: one Adam / AdamW step over a parameter tensor, optionally
// masked, one invocation per parameter on a 2-D grid (twin: adamUpdate in src/core/nn/adam.ts).
import code from '../../../shaders/nn/adam.wgsl?raw';
import type { AdamStep } from '../../core/nn/adam.ts';
import { pipeline } from '../buffers.ts';
import {
  check,
  checkCounts,
  checkSize,
  encodePass,
  grid2d,
  scratch,
  type KernelRecord,
} from '../kernel.ts';

export type { AdamStep };

export async function encodeAdam(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { g: GPUBuffer; mask: GPUBuffer | null; p: GPUBuffer; m: GPUBuffer; v: GPUBuffer },
  n: number,
  s: AdamStep,
): Promise<GPUBuffer[]> {
  checkCounts('adam', { n, t: s.t });
  for (const k of ['g', 'p', 'm', 'v'] as const) checkSize('adam', k, b[k], n);
  if (b.mask) checkSize('adam', 'mask', b.mask, n);
  check(s.beta1 < 1 && s.beta2 < 1, 'adam', `betas must be < 1, got ${s.beta1}, ${s.beta2}`);
  const [gx, gy, row] = grid2d(n);
  const p = await pipeline(device, 'adam', code, { MASKED: b.mask ? 1 : 0 });
  return encodePass(device, enc, p, {
    buffers: [b.g, b.mask ?? scratch(device).dummy, b.p, b.m, b.v],
    params: [
      ['u32', n],
      ['u32', row],
      ['f32', s.lr],
      ['f32', s.beta1],
      ['f32', s.beta2],
      ['f32', s.eps],
      ['f32', 1 - s.beta1 ** s.t],
      ['f32', 1 - s.beta2 ** s.t],
      ['f32', s.decay],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'adam',
  shader: 'shaders/nn/adam.wgsl',
  code,
  twin: { module: 'src/core/nn/adam.ts', name: 'adamUpdate' },
  encode: encodeAdam,
};
