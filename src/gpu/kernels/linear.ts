// Wrapper of shaders/matmul/linear.wgsl: y = x · Wᵀ + b (then ReLU when asked) with 16 × 16 tiles
// (twin: linearForward in src/core/nn/nn.ts).
import code from '../../../shaders/matmul/linear.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';

const TILE = 16;

/** Encodes y = x · Wᵀ + b (then ReLU when asked) for `rows` rows; returns temporaries to destroy. */
export async function encodeLinear(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  rows: number,
  k: number,
  n: number,
  relu: boolean,
): Promise<GPUBuffer[]> {
  checkCounts('linear', { rows, k, n });
  const p = await pipeline(device, 'linear', code, {
    TILE,
    RELU: relu ? 1 : 0,
    BIAS: b.bias ? 1 : 0,
  });
  return encodePass(device, enc, p, {
    buffers: [b.x, b.w, b.bias ?? scratch(device).dummy, b.y],
    params: [
      ['u32', rows],
      ['u32', k],
      ['u32', n],
    ],
    groups: [Math.ceil(n / TILE), Math.ceil(rows / TILE)],
  });
}

export const kernel: KernelRecord = {
  stem: 'linear',
  shader: 'shaders/matmul/linear.wgsl',
  code,
  twin: { module: 'src/core/nn/nn.ts', name: 'linearForward' },
  encode: encodeLinear,
};
