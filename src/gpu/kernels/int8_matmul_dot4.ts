// Wrapper of shaders/matmul/int8_matmul_dot4.wgsl, dot4I8Packed, where the adapter has packed_4x8_integer_dot_product: C[m, n] = A[m, K] · B[n, K]ᵀ in int8 with int32
// sums, rows packed four int8 a u32 (twin: int8Matmul in src/core/nn/int8-matmul.ts).
import code from '../../../shaders/matmul/int8_matmul_dot4.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, type KernelRecord } from '../kernel.ts';

export async function encodeInt8MatmulDot4(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { a: GPUBuffer; b: GPUBuffer; c: GPUBuffer },
  m: number,
  n: number,
  words: number,
): Promise<GPUBuffer[]> {
  checkCounts('int8_matmul_dot4', { m, n, words }, 0);
  checkSize('int8_matmul_dot4', 'c', b.c, m * n);
  const p = await pipeline(device, 'int8_matmul_dot4', code);
  return encodePass(device, enc, p, {
    buffers: [b.a, b.b, b.c],
    params: [
      ['u32', m],
      ['u32', n],
      ['u32', words],
    ],
    groups: [Math.ceil(n / 8), Math.ceil(m / 8)],
  });
}

export const kernel: KernelRecord = {
  stem: 'int8_matmul_dot4',
  shader: 'shaders/matmul/int8_matmul_dot4.wgsl',
  code,
  twin: { module: 'src/core/nn/int8-matmul.ts', name: 'int8Matmul' },
  encode: encodeInt8MatmulDot4,
};
