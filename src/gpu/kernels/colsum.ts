// Wrapper of shaders/nn/colsum.wgsl: out[j] (+)= Σ_r a[r, j], one invocation per column (twin:
// colsum in src/core/nn/norm.ts).
import code from '../../../shaders/nn/colsum.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, groups1d, type KernelRecord } from '../kernel.ts';

export async function encodeColsum(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  a: GPUBuffer,
  out: GPUBuffer,
  rows: number,
  n: number,
  accumulate = false,
): Promise<GPUBuffer[]> {
  checkCounts('colsum', { rows, n });
  checkSize('colsum', 'a', a, rows * n);
  checkSize('colsum', 'out', out, n);
  const groups = groups1d(n, 64, 'columns');
  const p = await pipeline(device, 'colsum', code, { ACCUMULATE: accumulate ? 1 : 0 });
  return encodePass(device, enc, p, {
    buffers: [a, out],
    params: [
      ['u32', rows],
      ['u32', n],
    ],
    groups,
  });
}

export const kernel: KernelRecord = {
  stem: 'colsum',
  shader: 'shaders/nn/colsum.wgsl',
  code,
  twin: { module: 'src/core/nn/norm.ts', name: 'colsum' },
  encode: encodeColsum,
};
