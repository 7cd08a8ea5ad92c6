// Wrapper of shaders/lm/swiglu.wgsl: y = silu(gate) · up elementwise, one invocation per element
// (twin: swiglu in src/core/lm/ops.ts).
import code from '../../../shaders/lm/swiglu.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

/** Encodes y[i] = silu(gate[i]) · up[i] for i < n; returns temporaries to destroy. */
export async function encodeSwiglu(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { gate: GPUBuffer; up: GPUBuffer; y: GPUBuffer },
  n: number,
): Promise<GPUBuffer[]> {
  checkCounts('swiglu', { n });
  checkSize('swiglu', 'gate', b.gate, n);
  checkSize('swiglu', 'up', b.up, n);
  checkSize('swiglu', 'y', b.y, n);
  const [gx, gy, row] = grid2d(n);
  const p = await pipeline(device, 'swiglu', code);
  return encodePass(device, enc, p, {
    buffers: [b.gate, b.up, b.y],
    params: [
      ['u32', n],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'swiglu',
  shader: 'shaders/lm/swiglu.wgsl',
  code,
  twin: { module: 'src/core/lm/ops.ts', name: 'swiglu' },
  encode: encodeSwiglu,
};
