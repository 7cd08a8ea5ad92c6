// Wrapper of shaders/matmul/matmul_blocked.wgsl: C[m, n] = A · B (+ bias), 32 × 32 tiles with 4 × 4
// outputs per invocation (twin: matmul in src/core/nn/matmul.ts).
import code from '../../../shaders/matmul/matmul_blocked.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { f16Source } from '../f16.ts';
import { checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';
import type { MatmulBindings } from './matmul.ts';
import type { PassTimer } from '../timing.ts';

const TILE = 32;

export async function encodeMatmulBlocked(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: Omit<MatmulBindings, 'a'> & { a: GPUBuffer },
  m: number,
  k: number,
  n: number,
  o: { transB?: boolean; half?: boolean; timer?: PassTimer | null | undefined } = {},
): Promise<GPUBuffer[]> {
  checkCounts('matmul_blocked', { m, k, n }, 0);
  const p = await pipeline(
    device,
    o.half ? 'matmul_blocked_f16' : 'matmul_blocked',
    o.half ? f16Source(code) : code,
    { TRANS_B: o.transB ? 1 : 0, BIAS: b.bias ? 1 : 0 },
  );
  return encodePass(device, enc, p, {
    buffers: [b.a, b.b, b.bias ?? scratch(device).dummy, b.c],
    params: [
      ['u32', m],
      ['u32', k],
      ['u32', n],
    ],
    groups: [Math.ceil(n / TILE), Math.ceil(m / TILE)],
    timer: o.timer,
  });
}

export const kernel: KernelRecord = {
  stem: 'matmul_blocked',
  shader: 'shaders/matmul/matmul_blocked.wgsl',
  code,
  twin: { module: 'src/core/nn/matmul.ts', name: 'matmul' },
  encode: encodeMatmulBlocked,
};
