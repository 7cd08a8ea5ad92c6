// Wrapper of shaders/nn/layernorm.wgsl: layer normalisation over rows of `dim` values, forward
// (y, xhat, rstd) or backward (dx), one invocation per row (twins: layerNormForward and
// layerNormBackward in src/core/nn/norm.ts).
import code from '../../../shaders/nn/layernorm.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, groups1d, type KernelRecord } from '../kernel.ts';

export interface LayernormBindings {
  /** x (forward) or dy (backward), [rows, dim]. */
  x: GPUBuffer;
  gamma: GPUBuffer;
  beta: GPUBuffer;
  /** y (forward) or dx (backward). */
  y: GPUBuffer;
  xhat: GPUBuffer;
  rstd: GPUBuffer;
}

/** Forward: x → y, xhat, rstd. Backward: x holds dy, y receives dx (xhat, rstd from forward). */
export async function encodeLayernorm(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: LayernormBindings,
  rows: number,
  dim: number,
  eps: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  checkCounts('layernorm', { rows, dim });
  for (const k of ['x', 'y', 'xhat'] as const) checkSize('layernorm', k, b[k], rows * dim);
  checkSize('layernorm', 'gamma', b.gamma, dim);
  checkSize('layernorm', 'rstd', b.rstd, rows);
  const groups = groups1d(rows, 64, 'rows');
  const p = await pipeline(device, 'layernorm', code, { EPS: eps, BACKWARD: backward ? 1 : 0 });
  return encodePass(device, enc, p, {
    buffers: [b.x, b.gamma, b.beta, b.y, b.xhat, b.rstd],
    params: [
      ['u32', rows],
      ['u32', dim],
    ],
    groups,
  });
}

export const kernel: KernelRecord = {
  stem: 'layernorm',
  shader: 'shaders/nn/layernorm.wgsl',
  code,
  twin: { module: 'src/core/nn/norm.ts', name: 'layerNormForward' },
  encode: encodeLayernorm,
};
