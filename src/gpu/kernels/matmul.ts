// Wrapper of shaders/matmul/matmul.wgsl: C[m, n] (+)= op(A) · op(B) (+ bias), 16 × 16 tiles staged
// through workgroup memory (twin: matmul in src/core/nn/matmul.ts; the networks' y = x·Wᵀ + b,
// dx = dy·W and dW = dyᵀ·x of linearForward / linearBackward in src/core/nn/nn.ts).
import code from '../../../shaders/matmul/matmul.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { f16Source } from '../f16.ts';
import { checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';
import type { PassTimer } from '../timing.ts';

const TILE = 16;

export interface MatmulBindings {
  /** [m, k], or [k, m] with transA; f16 with `half`. */
  a: GPUBuffer;
  /** [k, n], or [n, k] with transB; f16 with `half`. */
  b: GPUBuffer;
  bias?: GPUBuffer | null;
  c: GPUBuffer;
}

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /** Adds the product to C. */
  accumulate?: boolean;
  /** A and B are stored as f16 (needs shader-f16; sums stay f32). */
  half?: boolean;
  timer?: PassTimer | null | undefined;
}

export async function encodeMatmul(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: MatmulBindings,
  m: number,
  k: number,
  n: number,
  o: MatmulOptions = {},
): Promise<GPUBuffer[]> {
  checkCounts('matmul', { m, k, n }, 0);
  const p = await pipeline(
    device,
    o.half ? 'matmul_f16' : 'matmul',
    o.half ? f16Source(code) : code,
    {
      TILE,
      TRANS_A: o.transA ? 1 : 0,
      TRANS_B: o.transB ? 1 : 0,
      BIAS: b.bias ? 1 : 0,
      ACCUMULATE: o.accumulate ? 1 : 0,
    },
  );
  return encodePass(device, enc, p, {
    buffers: [b.a, b.b, b.bias ?? scratch(device).dummy, b.c],
    params: [
      ['u32', m],
      ['u32', k],
      ['u32', n],
    ],
    groups: [Math.max(1, Math.ceil(n / TILE)), Math.max(1, Math.ceil(m / TILE))],
    timer: o.timer,
  });
}

export const kernel: KernelRecord = {
  stem: 'matmul',
  shader: 'shaders/matmul/matmul.wgsl',
  code,
  twin: { module: 'src/core/nn/matmul.ts', name: 'matmul' },
  encode: encodeMatmul,
};
