// Wrapper of shaders/prune/csr_matmul.wgsl: y = x · Wᵀ (+ b) from a CSR weight, 8 × 8 outputs per
// workgroup (twin: csrMatmul in src/core/prune/sparse.ts).
import code from '../../../shaders/prune/csr_matmul.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';

/** Encodes y = x · Wᵀ (+ b) from a CSR weight; returns temporaries to destroy. */
export async function encodeCsrMatmul(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: {
    x: GPUBuffer;
    rowPtr: GPUBuffer;
    colIdx: GPUBuffer;
    values: GPUBuffer;
    bias: GPUBuffer | null;
    y: GPUBuffer;
  },
  b: number,
  k: number,
  n: number,
): Promise<GPUBuffer[]> {
  checkCounts('csr_matmul', { b, k, n }, 0);
  const p = await pipeline(device, 'csr_matmul', code);
  return encodePass(device, enc, p, {
    buffers: [buf.x, buf.rowPtr, buf.colIdx, buf.values, buf.bias ?? scratch(device).dummy, buf.y],
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
  stem: 'csr_matmul',
  shader: 'shaders/prune/csr_matmul.wgsl',
  code,
  twin: { module: 'src/core/prune/sparse.ts', name: 'csrMatmul' },
  encode: encodeCsrMatmul,
};
