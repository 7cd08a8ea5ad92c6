// Wrapper of shaders/prune/sparse24_matmul.wgsl: y = x · Wᵀ (+ b) from a 2:4 compressed weight, 8 × 8
// outputs per workgroup (twin: sparse24Matmul in src/core/prune/sparse.ts).
import code from '../../../shaders/prune/sparse24_matmul.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { check, checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';

/** Encodes y = x · Wᵀ (+ b) from a 2:4 compressed weight; returns temporaries to destroy. */
export async function encodeSparse24Matmul(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: { x: GPUBuffer; values: GPUBuffer; meta: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  b: number,
  k: number,
  n: number,
): Promise<GPUBuffer[]> {
  checkCounts('sparse24_matmul', { b, k, n }, 0);
  check(k % 4 === 0, 'sparse24_matmul', `K = ${k} is not a multiple of 4`);
  const p = await pipeline(device, 'sparse24_matmul', code);
  return encodePass(device, enc, p, {
    buffers: [buf.x, buf.values, buf.meta, buf.bias ?? scratch(device).dummy, buf.y],
    params: [
      ['u32', b],
      ['u32', k],
      ['u32', n],
      ['u32', buf.bias ? 1 : 0],
    ],
    groups: [Math.ceil(n / 8), Math.ceil(b / 8)],
  });
}

export const kernel: KernelRecord = {
  stem: 'sparse24_matmul',
  shader: 'shaders/prune/sparse24_matmul.wgsl',
  code,
  twin: { module: 'src/core/prune/sparse.ts', name: 'sparse24Matmul' },
  encode: encodeSparse24Matmul,
};
