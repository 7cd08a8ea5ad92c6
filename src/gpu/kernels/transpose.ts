// Wrapper of shaders/nn/transpose.wgsl: y[s] = x[s]ᵀ for `batches` matrices [rows, cols], one
// invocation per output value on a 2-D grid (twin: transposeBatched in src/core/nn/reorder.ts).
import code from '../../../shaders/nn/transpose.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

export async function encodeTranspose(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  x: GPUBuffer,
  y: GPUBuffer,
  batches: number,
  rows: number,
  cols: number,
): Promise<GPUBuffer[]> {
  checkCounts('transpose', { batches, rows, cols });
  const total = batches * rows * cols;
  checkSize('transpose', 'x', x, total);
  checkSize('transpose', 'y', y, total);
  const [gx, gy, row] = grid2d(total);
  const p = await pipeline(device, 'transpose', code);
  return encodePass(device, enc, p, {
    buffers: [x, y],
    params: [
      ['u32', total],
      ['u32', rows],
      ['u32', cols],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'transpose',
  shader: 'shaders/nn/transpose.wgsl',
  code,
  twin: { module: 'src/core/nn/reorder.ts', name: 'transposeBatched' },
  encode: encodeTranspose,
};
