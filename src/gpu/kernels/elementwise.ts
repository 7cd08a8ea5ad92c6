// Wrapper of shaders/nn/elementwise.wgsl: ReLU, GELU, their gradients, sums and products, one
// invocation per element on a 2-D grid (twin: elementwise in src/core/nn/elementwise.ts).
import code from '../../../shaders/nn/elementwise.wgsl?raw';
import { ELEMENTWISE_OP, type ElementwiseOp } from '../../core/nn/elementwise.ts';
import { pipeline } from '../buffers.ts';
import {
  check,
  checkCounts,
  checkSize,
  encodePass,
  grid2d,
  scratch,
  type KernelRecord,
} from '../kernel.ts';

/** The shader's OP constant per operation. */
export const OP = ELEMENTWISE_OP;

/** y[i] = op(a[i], b[i]) for i < n; b may be null for the unary ops, period is OP.addPeriodic's. */
export async function encodeElementwise(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  op: ElementwiseOp,
  a: GPUBuffer,
  b: GPUBuffer | null,
  y: GPUBuffer,
  n: number,
  period = 1,
): Promise<GPUBuffer[]> {
  checkCounts('elementwise', { n, period });
  check(Object.values(OP).includes(op), 'elementwise', `unknown op ${op}`);
  check(op <= OP.gelu || b !== null, 'elementwise', `op ${op} needs a second operand`);
  checkSize('elementwise', 'y', y, n);
  const [gx, gy, row] = grid2d(n);
  const p = await pipeline(device, 'elementwise', code, { OP: op });
  return encodePass(device, enc, p, {
    buffers: [a, b ?? scratch(device).dummy, y],
    params: [
      ['u32', n],
      ['u32', period],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'elementwise',
  shader: 'shaders/nn/elementwise.wgsl',
  code,
  twin: { module: 'src/core/nn/elementwise.ts', name: 'elementwise' },
  encode: encodeElementwise,
};
