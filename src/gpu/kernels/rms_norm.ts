// Wrapper of shaders/lm/rms_norm.wgsl: y[r] = x[r] / √(mean(x[r]²) + eps) · w, one workgroup per
// row (twin: rmsNorm in src/core/lm/ops.ts).
import code from '../../../shaders/lm/rms_norm.wgsl?raw';
import { pipeline } from '../buffers.ts';
import {
  check,
  checkCounts,
  checkSize,
  encodePass,
  MAX_GROUPS,
  type KernelRecord,
} from '../kernel.ts';

const WG = 64;

/** Encodes y = rmsNorm(x) · w for `rows` rows of `dim` values; returns temporaries to destroy. */
export async function encodeRmsNorm(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { x: GPUBuffer; w: GPUBuffer; y: GPUBuffer },
  rows: number,
  dim: number,
  eps: number,
): Promise<GPUBuffer[]> {
  checkCounts('rms_norm', { rows, dim });
  check(Number.isFinite(eps) && eps >= 0, 'rms_norm', `eps must be finite and ≥ 0, got ${eps}`);
  checkSize('rms_norm', 'x', b.x, rows * dim);
  checkSize('rms_norm', 'w', b.w, dim);
  checkSize('rms_norm', 'y', b.y, rows * dim);
  const gx = Math.min(rows, MAX_GROUPS);
  const p = await pipeline(device, 'rms_norm', code, { WG });
  return encodePass(device, enc, p, {
    buffers: [b.x, b.w, b.y],
    params: [
      ['u32', rows],
      ['u32', dim],
      ['f32', eps],
      ['u32', gx],
    ],
    groups: [gx, Math.ceil(rows / gx)],
  });
}

export const kernel: KernelRecord = {
  stem: 'rms_norm',
  shader: 'shaders/lm/rms_norm.wgsl',
  code,
  twin: { module: 'src/core/lm/ops.ts', name: 'rmsNorm' },
  encode: encodeRmsNorm,
};
