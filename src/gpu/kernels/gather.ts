// Wrapper of shaders/nn/gather.wgsl: y[s, i] = x[s, idx[i]] for each sample, one invocation per
// output value on a 2-D grid (twin: gather in src/core/nn/reorder.ts).
import code from '../../../shaders/nn/gather.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

export async function encodeGather(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  x: GPUBuffer,
  idx: GPUBuffer,
  y: GPUBuffer,
  samples: number,
  n: number,
): Promise<GPUBuffer[]> {
  checkCounts('gather', { samples, n });
  checkSize('gather', 'idx', idx, n);
  checkSize('gather', 'y', y, samples * n);
  const [gx, gy, row] = grid2d(samples * n);
  const p = await pipeline(device, 'gather', code);
  return encodePass(device, enc, p, {
    buffers: [x, idx, y],
    params: [
      ['u32', samples * n],
      ['u32', n],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'gather',
  shader: 'shaders/nn/gather.wgsl',
  code,
  twin: { module: 'src/core/nn/reorder.ts', name: 'gather' },
  encode: encodeGather,
};
