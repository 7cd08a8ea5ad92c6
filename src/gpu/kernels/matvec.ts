// Wrapper of shaders/matmul/matvec.wgsl: C[m, n] = A · B (+ bias) for m ≤ 8 rows, a stream over B
// (twin: matmul in src/core/nn/matmul.ts).
import code from '../../../shaders/matmul/matvec.wgsl?raw';
import { MATVEC_MAX_ROWS } from '../../core/nn/matmul.ts';
import { pipeline } from '../buffers.ts';
import { f16Source } from '../f16.ts';
import { checkCounts, encodePass, MAX_GROUPS, scratch, type KernelRecord } from '../kernel.ts';
import type { MatmulBindings } from './matmul.ts';
import type { PassTimer } from '../timing.ts';

export async function encodeMatvec(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: MatmulBindings,
  m: number,
  k: number,
  n: number,
  o: { transB?: boolean; half?: boolean; timer?: PassTimer | null | undefined } = {},
): Promise<GPUBuffer[]> {
  checkCounts('matvec', { m, k, n }, 0);
  if (m > MATVEC_MAX_ROWS)
    throw new RangeError(
      `the matrix-vector kernel takes at most ${MATVEC_MAX_ROWS} rows, not ${m}`,
    );
  const p = await pipeline(
    device,
    o.half ? 'matvec_f16' : 'matvec',
    o.half ? f16Source(code) : code,
    {
      TRANS_B: o.transB ? 1 : 0,
      BIAS: b.bias ? 1 : 0,
      ROWS: Math.max(1, m),
    },
  );
  // With B transposed each column is a workgroup, spread over x and y past 65,535 columns.
  const gx = o.transB ? Math.min(n, MAX_GROUPS) : 0;
  const groups: [number, number] = o.transB ? [gx, Math.ceil(n / gx)] : [Math.ceil(n / 64), 1];
  return encodePass(device, enc, p, {
    buffers: [b.a, b.b, b.bias ?? scratch(device).dummy, b.c],
    params: [
      ['u32', m],
      ['u32', k],
      ['u32', n],
      ['u32', gx],
    ],
    groups: m > 0 && n > 0 ? groups : [0, 0],
    timer: o.timer,
  });
}

export const kernel: KernelRecord = {
  stem: 'matvec',
  shader: 'shaders/matmul/matvec.wgsl',
  code,
  twin: { module: 'src/core/nn/matmul.ts', name: 'matmul' },
  encode: encodeMatvec,
};
